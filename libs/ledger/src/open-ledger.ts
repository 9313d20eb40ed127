import { DataSource } from 'typeorm';
import { LEDGER_ENTITIES } from './entities/index.js';
import { LEDGER_MIGRATIONS } from './ledger-migrations.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded.js';
import { LedgerError } from './errors.js';
import { Ledger, type LedgerKind } from './ledger.js';
import { DEV_KEY_SECRET } from './match-keys.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './repositories/backoff.js';

export interface OpenLedgerOptions {
  /**
   * Postgres URL. Undefined: the DATABASE_URL environment variable; unset too: embedded PGlite in `dataDir`.
   * null: embedded PGlite whatever the environment says (tests, `--embedded`).
   */
  databaseUrl?: string | null;
  /** PGlite data folder (default `.tandem/pgdata`); `memory://` keeps it in memory. */
  dataDir?: string;
  /** Postgres schema for the ledger's tables (default `public`); created when missing. */
  schema?: string;
  /** Log SQL (TypeORM logging). */
  logging?: boolean;
  /** Secret for match-key hashes. Deployments set TANDEM_KEY_SECRET and pass it here; the default is for development. */
  keySecret?: string;
  /** Apply pending migrations on open (default true). `tandem migrate` opens with false and calls `migrate()`. */
  runMigrations?: boolean;
  retryPolicy?: Partial<RetryPolicy>;
  /** Clock for every timestamp the ledger writes (default: the system clock). */
  clock?: () => Date;
  /**
   * Pool size (default 10 on Postgres; 1 embedded). PGlite has one backend session: two connections interleaving
   * extended-protocol messages clobber each other's unnamed portal, so embedded queries go through one connection.
   */
  poolSize?: number;
}

export const DEFAULT_DATA_DIR = '.tandem/pgdata';

/** Opens the ledger on Postgres (a URL is given) or on embedded PGlite (none is), with the same SQL and migrations. */
export async function openLedger(options: OpenLedgerOptions = {}): Promise<Ledger> {
  const databaseUrl =
    (options.databaseUrl === null ? '' : (options.databaseUrl ?? process.env.DATABASE_URL)) || undefined;
  const kind: LedgerKind = databaseUrl ? 'postgres' : 'pglite';
  const embedded: EmbeddedPostgres | null = databaseUrl
    ? null
    : await startEmbeddedPostgres(options.dataDir ?? DEFAULT_DATA_DIR);
  const schema = options.schema ?? 'public';
  const dataSource = new DataSource({
    type: 'postgres',
    url: databaseUrl ?? embedded?.url,
    schema,
    entities: LEDGER_ENTITIES,
    migrations: LEDGER_MIGRATIONS,
    migrationsTableName: 'ledger_migrations',
    migrationsRun: false,
    synchronize: false,
    logging: options.logging ?? false,
    uuidExtension: 'pgcrypto',
    // Ids are made in code; nothing needs an extension, and PGlite lacks uuid-ossp.
    installExtensions: false,
    applicationName: 'tandem',
    extra: { max: options.poolSize ?? (embedded ? 1 : 10) },
  });
  try {
    await dataSource.initialize();
  } catch (err) {
    await embedded?.stop();
    throw new LedgerError('LEDGER_UNAVAILABLE', `cannot connect to the ${kind} ledger database`, {
      kind,
      cause: err instanceof Error ? err.message : String(err),
    });
  }
  const ledger = new Ledger({
    kind,
    dataSource,
    schema,
    keySecret: options.keySecret ?? DEV_KEY_SECRET,
    retryPolicy: { ...DEFAULT_RETRY_POLICY, ...options.retryPolicy },
    clock: options.clock ?? (() => new Date()),
    stopEmbedded: embedded ? () => embedded.stop() : null,
  });
  if (options.runMigrations ?? true) {
    try {
      await ledger.migrate();
    } catch (err) {
      await ledger.close();
      throw err;
    }
  }
  return ledger;
}
