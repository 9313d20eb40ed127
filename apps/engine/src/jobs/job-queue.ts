/**
 * The engine's job queue: pg-boss on the ledger's database, so several engine processes on one Postgres share the
 * work with no other broker (DESIGN §7). pg-boss also runs on the embedded PGlite, but there it must share the
 * ledger's single connection: the embedded wire-protocol server interleaves the protocol messages of concurrent
 * connections (a Parse of one between the Parse and Bind of another), so a second pool corrupts queries.
 */
import { createHash } from 'node:crypto';
import PgBoss from 'pg-boss';
import type { Ledger } from '@tandem/ledger';
import type { RuntimeLogger } from '@tandem/runtime';

/** Runs pg-boss's SQL on a connection pool pg-boss does not own. */
export interface QueryPool {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

export interface JobQueueOptions {
  /** Where pg-boss connects: its own pool on a Postgres URL, or a pool shared with the ledger (embedded). */
  database: { url: string } | { pool: QueryPool };
  /** Schema for pg-boss's own tables. */
  schema: string;
  /** How often idle workers poll (pg-boss's minimum is 0.5 s). */
  pollingIntervalSeconds?: number;
  /** Connections pg-boss's own pool may open (Postgres only). */
  maxConnections?: number;
  logger: RuntimeLogger;
}

export interface SendOptions {
  /** Same id, same job: pg-boss drops an insert whose id exists, which makes "one job per tick" hold across processes. */
  key?: string;
  /** Delay before the job may start. */
  startAfterMs?: number;
  /** A running job older than this is considered lost (its process died) and is retried. */
  expireInSeconds?: number;
}

/** Handles one job; what it returns is stored as the job's output (ids and statuses only). */
export type JobHandler<T> = (data: T) => Promise<object | void>;

/** A stable UUID for a job key, so every process computes the same id for the same tick or event. */
export function jobId(key: string): string {
  const hex = createHash('sha256').update(key).digest('hex');
  // Version-5-shaped (name-based) so Postgres accepts it as a uuid.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The queue's schema next to the ledger's, so a test schema and its jobs are dropped together. */
export function jobSchemaFor(ledger: Ledger): string {
  return ledger.schema === 'public' ? 'tandem_jobs' : `${ledger.schema}_jobs`;
}

/** Postgres: pg-boss opens its own pool on the ledger's URL. PGlite: it shares the ledger's pool (see above). */
export function queueDatabaseFor(ledger: Ledger): JobQueueOptions['database'] {
  if (ledger.kind === 'pglite') return { pool: (ledger.dataSource.driver as unknown as { master: QueryPool }).master };
  const url = (ledger.dataSource.options as { url?: string }).url;
  if (!url) throw new Error('the ledger was opened without a connection URL');
  return { url };
}

export class JobQueue {
  private boss: PgBoss | null = null;
  private readonly queues = new Set<string>();
  private readonly workers = new Map<string, string>();

  constructor(private readonly options: JobQueueOptions) {}

  async start(): Promise<void> {
    const { database } = this.options;
    const connection: PgBoss.DatabaseOptions =
      'url' in database
        ? { connectionString: database.url, max: this.options.maxConnections ?? 4, application_name: 'tandem-jobs' }
        : { db: { executeSql: (text, values) => database.pool.query(text, values) } };
    const boss = new PgBoss({
      ...connection,
      schema: this.options.schema,
      // The engine's own scheduler enqueues; pg-boss's cron is not used.
      schedule: false,
      retryLimit: 2,
      retryDelay: 2,
      expireInSeconds: 15 * 60,
      archiveCompletedAfterSeconds: 6 * 3600,
    });
    boss.on('error', (error: Error) => this.options.logger.warn({ err: error }, 'job queue error'));
    await boss.start();
    this.boss = boss;
  }

  /** Creates the queue once per process (pg-boss ignores a queue that exists). */
  async ensure(name: string): Promise<void> {
    if (this.queues.has(name)) return;
    await this.require().createQueue(name, { name, policy: 'standard' });
    this.queues.add(name);
  }

  /** Enqueues; resolves to the job id, or null when a job with the same key already exists. */
  async send<T extends object>(name: string, data: T, options: SendOptions = {}): Promise<string | null> {
    await this.ensure(name);
    const sendOptions: PgBoss.SendOptions = {};
    if (options.key !== undefined) sendOptions.id = jobId(`${name}\u0000${options.key}`);
    if (options.startAfterMs !== undefined && options.startAfterMs > 0) {
      sendOptions.startAfter = new Date(Date.now() + options.startAfterMs);
    }
    if (options.expireInSeconds !== undefined) sendOptions.expireInSeconds = options.expireInSeconds;
    return this.require().send(name, data, sendOptions);
  }

  /** Runs `handler` for each job of the queue, one at a time in this process. A throw makes pg-boss retry the job. */
  async work<T extends object>(name: string, handler: JobHandler<T>): Promise<void> {
    await this.ensure(name);
    const id = await this.require().work<T>(
      name,
      { pollingIntervalSeconds: this.options.pollingIntervalSeconds ?? 2, batchSize: 1 },
      async (jobs) => {
        let output: object | void = undefined;
        for (const job of jobs) output = await handler(job.data);
        return output;
      },
    );
    this.workers.set(name, id);
  }

  /** Wakes this process's worker of the queue now instead of at its next poll. */
  nudge(name: string): void {
    const id = this.workers.get(name);
    if (id !== undefined) this.boss?.notifyWorker(id);
  }

  /** Stops fetching; waits up to `timeoutMs` for running handlers, then closes pg-boss's pool. */
  async stop(timeoutMs: number): Promise<void> {
    const boss = this.boss;
    this.boss = null;
    if (!boss) return;
    await boss.stop({ graceful: true, wait: true, close: true, timeout: Math.max(1000, timeoutMs) });
  }

  private require(): PgBoss {
    if (!this.boss) throw new Error('the job queue is not running');
    return this.boss;
  }
}
