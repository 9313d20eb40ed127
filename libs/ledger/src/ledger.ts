import type { DataSource } from 'typeorm';
import type { LedgerContext } from './context.js';
import { advisoryKey, Locks, type LedgerLocks } from './locks.js';
import { hashMatchKey, type MatchKey } from './match-keys.js';
import { AuditRepository } from './repositories/audit.repository.js';
import { ConflictsRepository } from './repositories/conflicts.repository.js';
import { CursorsRepository } from './repositories/cursors.repository.js';
import { LinksRepository } from './repositories/links.repository.js';
import { RetriesRepository } from './repositories/retries.repository.js';
import type { RetryPolicy } from './repositories/backoff.js';
import { RunsRepository } from './repositories/runs.repository.js';
import { SyncStatesRepository } from './repositories/sync-states.repository.js';
import { TombstonesRepository } from './repositories/tombstones.repository.js';
import { WebhookEventsRepository } from './repositories/webhook-events.repository.js';

export type LedgerKind = 'postgres' | 'pglite';

export interface LedgerParts {
  kind: LedgerKind;
  dataSource: DataSource;
  schema: string;
  keySecret: string;
  retryPolicy: RetryPolicy;
  clock: () => Date;
  /** Stops what openLedger started besides the pool (the embedded server and PGlite). */
  stopEmbedded: (() => Promise<void>) | null;
}

/** The sync ledger: repositories per concern, locks, migrations. Open it with `openLedger`. */
export class Ledger {
  readonly kind: LedgerKind;
  readonly dataSource: DataSource;
  /** The Postgres schema holding the ledger's tables. */
  readonly schema: string;
  readonly links: LinksRepository;
  readonly cursors: CursorsRepository;
  readonly runs: RunsRepository;
  readonly retries: RetriesRepository;
  readonly conflicts: ConflictsRepository;
  readonly webhookEvents: WebhookEventsRepository;
  readonly tombstones: TombstonesRepository;
  readonly audit: AuditRepository;
  readonly syncStates: SyncStatesRepository;
  readonly locks: LedgerLocks;
  private readonly lockImpl: Locks;
  private readonly keySecret: string;
  private readonly stopEmbedded: (() => Promise<void>) | null;
  /** The ledger's clock: retry due times and heartbeats are on it, so callers compare against it. */
  readonly now: () => Date;
  private closing: Promise<void> | null = null;

  constructor(parts: LedgerParts) {
    this.kind = parts.kind;
    this.dataSource = parts.dataSource;
    this.schema = parts.schema;
    this.keySecret = parts.keySecret;
    this.stopEmbedded = parts.stopEmbedded;
    this.now = parts.clock;
    const ctx: LedgerContext = {
      dataSource: parts.dataSource,
      now: parts.clock,
      hash: (key) => this.hashMatchKey(key),
      retryPolicy: parts.retryPolicy,
    };
    this.links = new LinksRepository(ctx);
    this.cursors = new CursorsRepository(ctx);
    this.runs = new RunsRepository(ctx);
    this.retries = new RetriesRepository(ctx);
    this.conflicts = new ConflictsRepository(ctx);
    this.webhookEvents = new WebhookEventsRepository(ctx);
    this.tombstones = new TombstonesRepository(ctx);
    this.audit = new AuditRepository(ctx);
    this.syncStates = new SyncStatesRepository(ctx);
    // PGlite: every connection shares one backend session, so only an in-process mutex excludes anything there.
    this.lockImpl = new Locks(parts.dataSource, parts.schema, parts.kind === 'postgres');
    this.locks = this.lockImpl;
  }

  /** Keyed hash of a normalised match key with this ledger's secret (what `link_member.match_keys` stores). */
  hashMatchKey(key: MatchKey): string {
    return hashMatchKey(this.keySecret, key.field, key.value);
  }

  /**
   * Applies pending migrations (each in its own transaction) and returns the names applied, [] when up to date.
   * On Postgres an advisory lock keeps two engine processes starting together from migrating at once.
   */
  async migrate(): Promise<string[]> {
    const createSchema = `CREATE SCHEMA IF NOT EXISTS "${this.schema.replace(/"/g, '""')}"`;
    if (this.kind === 'pglite') {
      // One process, one connection: nothing else can migrate concurrently, and holding a second connection for a
      // lock would deadlock the embedded pool.
      await this.dataSource.query(createSchema);
      return (await this.dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name);
    }
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    const lockKey = advisoryKey(this.schema, 'sync', '\u0000migrations');
    try {
      await runner.query('SELECT pg_advisory_lock($1::bigint)', [lockKey]);
      await runner.query(createSchema);
      const applied = await this.dataSource.runMigrations({ transaction: 'each' });
      return applied.map((m) => m.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1::bigint)', [lockKey]);
      await runner.release();
    }
  }

  /** Closes locks, the pool, and (embedded) the socket server and PGlite. Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    try {
      await this.lockImpl.close();
      if (this.dataSource.isInitialized) await this.dataSource.destroy();
    } finally {
      await this.stopEmbedded?.();
    }
  }
}
