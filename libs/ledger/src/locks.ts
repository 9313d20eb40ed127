import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource, QueryRunner } from 'typeorm';
import { KeyedMutex, type Release } from './mutex.js';

/** Result of `trySyncLock`: false when another cycle holds the sync, else the value `fn` returned. */
export type LockAttempt<T> = { acquired: true; value: T } | false;

/** One cycle per sync and one writer per link at a time (DESIGN §7). */
export interface LedgerLocks {
  /** Runs `fn` holding the sync's lock, waiting for it if another cycle (in any process) holds it. */
  withSyncLock<T>(sync: string, fn: () => Promise<T>): Promise<T>;
  /** Runs `fn` holding the sync's lock if it is free now; returns false without running `fn` otherwise. */
  trySyncLock<T>(sync: string, fn: () => Promise<T>): Promise<LockAttempt<T>>;
  /** Runs `fn` as the only writer of `linkId`, waiting for the lock. */
  withLinkLock<T>(linkId: string, fn: () => Promise<T>): Promise<T>;
}

/**
 * Stable signed 64-bit key for pg_advisory_lock. `namespace` (the ledger's schema) keeps two ledgers sharing one
 * Postgres database from excluding each other.
 */
export function advisoryKey(namespace: string, kind: 'sync' | 'link', key: string): string {
  const digest = createHash('sha256').update(`tandem\u0000${namespace}\u0000${kind}\u0000${key}`).digest();
  return digest.readBigInt64BE(0).toString();
}

/**
 * Session advisory locks held on one dedicated connection for the ledger's lifetime. One session can hold many
 * locks; blocking waits poll pg_try_advisory_lock so a waiting lock never blocks that shared connection.
 */
class AdvisoryLockSession {
  private runner: Promise<QueryRunner> | null = null;
  /** The session's statements, one after another: one connection runs one query at a time (pg 9 refuses overlap). */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly dataSource: DataSource) {}

  async tryLock(key: string): Promise<boolean> {
    const rows = await this.exec<Array<{ ok: boolean }>>('SELECT pg_try_advisory_lock($1::bigint) AS ok', [key]);
    return rows[0]?.ok === true;
  }

  async lock(key: string): Promise<void> {
    let pause = 10;
    while (!(await this.tryLock(key))) {
      await sleep(pause);
      pause = Math.min(pause * 2, 250);
    }
  }

  async unlock(key: string): Promise<void> {
    await this.exec('SELECT pg_advisory_unlock($1::bigint)', [key]);
  }

  private exec<T>(sql: string, params: unknown[]): Promise<T> {
    const run = this.queue.then(async () => (await this.connection()).query(sql, params) as Promise<T>);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Ending the session releases every advisory lock it still holds. */
  async close(): Promise<void> {
    const pending = this.runner;
    this.runner = null;
    if (pending) await (await pending).release();
  }

  private connection(): Promise<QueryRunner> {
    if (!this.runner) {
      const qr = this.dataSource.createQueryRunner();
      this.runner = qr.connect().then(() => qr);
    }
    return this.runner;
  }
}

/**
 * The ledger's locks. Every lock is first taken in process (KeyedMutex); on Postgres a session advisory lock is then
 * taken so other processes are excluded too. On PGlite the mutex alone is the lock: its advisory locks exclude nothing.
 */
export class Locks implements LedgerLocks {
  private readonly local = new KeyedMutex();
  private readonly session: AdvisoryLockSession | null;

  constructor(
    dataSource: DataSource,
    private readonly namespace: string,
    crossProcess: boolean,
  ) {
    this.session = crossProcess ? new AdvisoryLockSession(dataSource) : null;
  }

  withSyncLock<T>(sync: string, fn: () => Promise<T>): Promise<T> {
    return this.hold('sync', sync, fn);
  }

  async trySyncLock<T>(sync: string, fn: () => Promise<T>): Promise<LockAttempt<T>> {
    const localKey = `sync:${sync}`;
    const release = this.local.tryAcquire(localKey);
    if (!release) return false;
    const key = advisoryKey(this.namespace, 'sync', sync);
    let acquired: boolean;
    try {
      acquired = this.session ? await this.session.tryLock(key) : true;
    } catch (err) {
      release();
      throw err;
    }
    if (!acquired) {
      release();
      return false;
    }
    return { acquired: true, value: await this.run(key, release, fn) };
  }

  withLinkLock<T>(linkId: string, fn: () => Promise<T>): Promise<T> {
    return this.hold('link', linkId, fn);
  }

  close(): Promise<void> {
    return this.session?.close() ?? Promise.resolve();
  }

  private async hold<T>(kind: 'sync' | 'link', name: string, fn: () => Promise<T>): Promise<T> {
    const release = await this.local.acquire(`${kind}:${name}`);
    const key = advisoryKey(this.namespace, kind, name);
    try {
      await this.session?.lock(key);
    } catch (err) {
      release();
      throw err;
    }
    return this.run(key, release, fn);
  }

  /** Runs `fn`, then gives back the advisory lock (if any) and the in-process one, whatever `fn` did. */
  private async run<T>(key: string, release: Release, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } finally {
      try {
        await this.session?.unlock(key);
      } finally {
        release();
      }
    }
  }
}
