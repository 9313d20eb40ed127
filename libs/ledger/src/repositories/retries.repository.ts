import { randomUUID } from 'node:crypto';
import { In, IsNull, LessThanOrEqual, type EntityManager, type FindOptionsWhere } from 'typeorm';
import { RetryEntity } from '../entities/retry.entity.js';
import type { LedgerContext } from '../context.js';
import { LedgerError } from '../errors.js';
import { backoffDelayMs } from './backoff.js';
import { row as toRow } from './row.js';

/** A failed per-record write. The error message must already be free of personal data (ids and codes only). */
export interface RetryInput {
  sync: string;
  app: string;
  /** The app record; null for a create that has no id yet (then `linkId` names the target). */
  externalId?: string | null;
  linkId?: string | null;
  op: string;
  payload?: Record<string, unknown>;
  errorClass: string;
  errorMessage: string;
}

export interface RetryError {
  errorClass: string;
  errorMessage: string;
}

export interface RetryRow {
  id: string;
  sync: string;
  app: string;
  externalId: string | null;
  linkId: string | null;
  op: string;
  payload: Record<string, unknown>;
  attempts: number;
  nextAt: Date;
  lastErrorClass: string | null;
  lastErrorMessage: string | null;
  dead: boolean;
  createdAt: Date;
  updatedAt: Date;
}

const MAX_MESSAGE = 1000;

/** The retry queue of failed writes: exponential backoff, dead after `maxAttempts`, replayable by a human. */
export class RetriesRepository {
  constructor(private readonly ctx: LedgerContext) {}

  /**
   * Records a failed write. A live retry of the same target and op counts one more attempt (its payload replaced by
   * the newer one); otherwise a new retry starts at attempt 1. `jitter` is in [0, 1).
   */
  async enqueue(input: RetryInput, jitter: number): Promise<RetryRow> {
    return this.ctx.dataSource.transaction(async (em) => {
      const where: FindOptionsWhere<RetryEntity> = {
        sync: input.sync,
        app: input.app,
        op: input.op,
        dead: false,
        externalId: input.externalId ?? IsNull(),
        ...(input.externalId ? {} : { linkId: input.linkId ?? IsNull() }),
      };
      const existing = await em.findOne(RetryEntity, { where, lock: { mode: 'pessimistic_write' } });
      if (existing) return this.countFailure(em, existing, input, jitter, input.payload ?? existing.payload);
      const now = this.ctx.now();
      const row: RetryEntity = {
        id: randomUUID(),
        sync: input.sync,
        app: input.app,
        externalId: input.externalId ?? null,
        linkId: input.linkId ?? null,
        op: input.op,
        payload: input.payload ?? {},
        attempts: 0,
        nextAt: now,
        lastErrorClass: null,
        lastErrorMessage: null,
        dead: false,
        createdAt: now,
        updatedAt: now,
      };
      await em.insert(RetryEntity, toRow(row));
      return this.countFailure(em, row, input, jitter, row.payload);
    });
  }

  /** Another attempt of retry `id` failed. */
  async fail(id: string, error: RetryError, jitter: number): Promise<RetryRow> {
    return this.ctx.dataSource.transaction(async (em) => {
      const row = await em.findOne(RetryEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!row) throw new LedgerError('LEDGER_NOT_FOUND', `retry ${id} does not exist`, { id });
      return this.countFailure(em, row, error, jitter, row.payload);
    });
  }

  /** Live retries whose time has come, soonest first. */
  async due(limit = 100): Promise<RetryRow[]> {
    const rows = await this.ctx.dataSource.manager.find(RetryEntity, {
      where: { dead: false, nextAt: LessThanOrEqual(this.ctx.now()) },
      order: { nextAt: 'ASC' },
      take: limit,
    });
    return rows.map((r) => ({ ...r }));
  }

  /** The write went through: the retry is done. */
  async complete(id: string): Promise<void> {
    await this.ctx.dataSource.manager.delete(RetryEntity, { id });
  }

  async get(id: string): Promise<RetryRow | null> {
    const row = await this.ctx.dataSource.manager.findOne(RetryEntity, { where: { id } });
    return row ? { ...row } : null;
  }

  /** Every retry row of a sync, live and dead (the cycle uses it to honour backoff and to close retries that succeed). */
  async forSync(sync: string): Promise<RetryRow[]> {
    const rows = await this.ctx.dataSource.manager.find(RetryEntity, { where: { sync }, order: { nextAt: 'ASC' } });
    return rows.map((r) => ({ ...r }));
  }

  async listDead(sync?: string): Promise<RetryRow[]> {
    const rows = await this.ctx.dataSource.manager.find(RetryEntity, {
      where: { dead: true, ...(sync ? { sync } : {}) },
      order: { updatedAt: 'ASC' },
    });
    return rows.map((r) => ({ ...r }));
  }

  /** Brings dead retries (one by id, or all of a sync) back to life, due now with a fresh attempt budget. */
  async replay(target: { id: string } | { sync: string }): Promise<number> {
    const now = this.ctx.now();
    const result = await this.ctx.dataSource.manager.update(
      RetryEntity,
      { ...target, dead: true },
      { dead: false, attempts: 0, nextAt: now, updatedAt: now },
    );
    return result.affected ?? 0;
  }

  /** A page of retries (live and dead, or one kind), oldest first. */
  async list(filter: { sync?: string; dead?: boolean; limit?: number; offset?: number } = {}): Promise<RetryRow[]> {
    const rows = await this.ctx.dataSource.manager.find(RetryEntity, {
      where: { ...(filter.sync ? { sync: filter.sync } : {}), ...(filter.dead === undefined ? {} : { dead: filter.dead }) },
      order: { createdAt: 'ASC', id: 'ASC' },
      take: filter.limit ?? 50,
      skip: filter.offset ?? 0,
    });
    return rows.map((r) => ({ ...r }));
  }

  /** Live (`dead: false`) or dead retries of a sync. */
  count(sync: string, dead: boolean): Promise<number> {
    return this.ctx.dataSource.manager.count(RetryEntity, { where: { sync, dead } });
  }

  /**
   * Erasure: drops every retry (live or dead) of the given links or app records, so no queued write can re-create an
   * erased person. Returns how many were dropped.
   */
  async removeFor(sync: string, target: { linkIds?: string[]; records?: { app: string; externalId: string }[] }): Promise<number> {
    let removed = 0;
    const linkIds = [...new Set(target.linkIds ?? [])];
    if (linkIds.length > 0) {
      removed += (await this.ctx.dataSource.manager.delete(RetryEntity, { sync, linkId: In(linkIds) })).affected ?? 0;
    }
    for (const r of target.records ?? []) {
      removed += (await this.ctx.dataSource.manager.delete(RetryEntity, { sync, app: r.app, externalId: r.externalId })).affected ?? 0;
    }
    return removed;
  }

  private async countFailure(
    em: EntityManager,
    row: RetryEntity,
    error: RetryError,
    jitter: number,
    payload: Record<string, unknown>,
  ): Promise<RetryRow> {
    const now = this.ctx.now();
    const attempts = row.attempts + 1;
    const dead = attempts >= this.ctx.retryPolicy.maxAttempts;
    const next: RetryEntity = {
      ...row,
      payload,
      attempts,
      dead,
      nextAt: new Date(now.getTime() + backoffDelayMs(attempts, this.ctx.retryPolicy, jitter)),
      lastErrorClass: error.errorClass,
      lastErrorMessage: error.errorMessage.slice(0, MAX_MESSAGE),
      updatedAt: now,
    };
    const { id, ...values } = next;
    await em.update(RetryEntity, { id }, toRow(values));
    return next;
  }
}
