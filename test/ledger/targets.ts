import { randomBytes } from 'node:crypto';
import { openLedger, postgresReachable, type Ledger, type OpenLedgerOptions } from '@tandem/ledger';

export type LedgerTarget = 'pglite' | 'postgres';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** PGlite takes ~5 s to start under Jest's ESM mode; ledger hooks and tests get this much. */
export const LEDGER_TIMEOUT_MS = 60_000;


/**
 * The databases to run ledger tests on: always PGlite, and Postgres when reachable. On CI Postgres must be there, so an
 * unreachable one fails the run instead of quietly testing less.
 */
export async function ledgerTargets(): Promise<LedgerTarget[]> {
  if (await postgresReachable(TEST_DATABASE_URL)) return ['pglite', 'postgres'];
  if (process.env.CI) throw new Error(`CI is set but Postgres is not reachable at ${redact(TEST_DATABASE_URL)}`);
  console.warn(`NOTE: Postgres not reachable at ${redact(TEST_DATABASE_URL)}; ledger tests run on PGlite only.`);
  return ['pglite'];
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]+@/, '//$1:***@');
}

/** A controllable clock so heartbeats and retries can age without sleeping. */
export class TestClock {
  private t: number;
  constructor(start = Date.parse('2026-03-01T09:00:00.000Z')) {
    this.t = start;
  }
  now = (): Date => new Date(this.t);
  advance(ms: number): void {
    this.t += ms;
  }
}

/** One test file's ledger: an in-memory PGlite, or its own fresh schema on Postgres (dropped by `dispose`). */
export interface TestLedger {
  ledger: Ledger;
  /** Opens another Ledger on the same database/schema (a second "process" on Postgres). */
  openPeer(options?: OpenLedgerOptions): Promise<Ledger>;
  dispose(): Promise<void>;
}

export async function openTestLedger(target: LedgerTarget, options: OpenLedgerOptions = {}): Promise<TestLedger> {
  if (target === 'pglite') {
    const ledger = await openLedger({ ...options, databaseUrl: null, dataDir: options.dataDir ?? 'memory://' });
    return {
      ledger,
      openPeer: () => Promise.reject(new Error('PGlite lives inside one process; it has no peers')),
      dispose: () => ledger.close(),
    };
  }
  const schema = `ledger_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const base = { ...options, databaseUrl: TEST_DATABASE_URL, schema };
  const ledger = await openLedger(base);
  const peers: Ledger[] = [];
  return {
    ledger,
    async openPeer(extra = {}) {
      const peer = await openLedger({ ...base, ...extra });
      peers.push(peer);
      return peer;
    },
    async dispose() {
      for (const peer of peers) await peer.close();
      await ledger.dataSource.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await ledger.close();
    },
  };
}

/**
 * Registers beforeAll/afterAll hooks that open one test ledger for the enclosing describe block and dispose of it;
 * returns a getter (the ledger exists only once the hooks ran).
 */
export function useTestLedger(target: LedgerTarget, options: OpenLedgerOptions = {}): () => Ledger {
  let opened: TestLedger | undefined;
  beforeAll(async () => {
    opened = await openTestLedger(target, options);
  }, LEDGER_TIMEOUT_MS);
  afterAll(async () => opened?.dispose(), LEDGER_TIMEOUT_MS);
  return () => {
    if (!opened) throw new Error('the test ledger is not open yet');
    return opened.ledger;
  };
}
