import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/** An in-process PGlite served over the Postgres wire protocol on 127.0.0.1, so TypeORM's postgres driver can use it. */
export interface EmbeddedPostgres {
  /** Connection URL for pg (no password: the socket server does not authenticate, and listens on loopback only). */
  url: string;
  stop(): Promise<void>;
}

/** The socket server refuses connections beyond this; the ledger's pool stays below it. */
export const EMBEDDED_MAX_CONNECTIONS = 10;

/**
 * Starts PGlite persisted in `dataDir` (or in memory for `memory://`) behind a socket server on a free loopback port.
 * Every connection shares PGlite's single backend: while one holds a transaction, the others wait their turn.
 */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  if (!dataDir.startsWith('memory://')) await mkdir(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir);
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: EMBEDDED_MAX_CONNECTIONS });
  try {
    await server.start();
  } catch (err) {
    await db.close();
    throw err;
  }
  return {
    url: `postgres://postgres@${server.getServerConn()}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
