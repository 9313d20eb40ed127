import { randomUUID } from 'node:crypto';
import { LessThan } from 'typeorm';
import { RunEntity, type RunStatus, type RunTrigger } from '../entities/run.entity.js';
import type { LedgerContext } from '../context.js';

export interface RunRow {
  id: string;
  sync: string;
  trigger: RunTrigger;
  stage: string | null;
  status: RunStatus;
  heartbeatAt: Date;
  counts: Record<string, number>;
  startedAt: Date;
  finishedAt: Date | null;
  errorSummary: string | null;
}

export type FinishedStatus = Exclude<RunStatus, 'running' | 'abandoned'>;

/** Sync cycles with a stage and heartbeat, so a run whose process died is taken over instead of left stuck. */
export class RunsRepository {
  constructor(private readonly ctx: LedgerContext) {}

  async start(sync: string, trigger: RunTrigger, stage: string | null = null): Promise<RunRow> {
    const now = this.ctx.now();
    const row: RunEntity = {
      id: randomUUID(),
      sync,
      trigger,
      stage,
      status: 'running',
      heartbeatAt: now,
      counts: {},
      startedAt: now,
      finishedAt: null,
      errorSummary: null,
    };
    await this.ctx.dataSource.manager.insert(RunEntity, row);
    return { ...row };
  }

  /** Proves the run's owner is alive. Returns false if the run is no longer running (it was taken over). */
  async heartbeat(runId: string): Promise<boolean> {
    return this.updateRunning(runId, { heartbeatAt: this.ctx.now() });
  }

  /** Moves the run to a new stage (and heartbeats). Returns false if it is no longer running. */
  async stage(runId: string, stage: string, counts?: Record<string, number>): Promise<boolean> {
    return this.updateRunning(runId, { stage, heartbeatAt: this.ctx.now(), ...(counts ? { counts } : {}) });
  }

  async finish(
    runId: string,
    status: FinishedStatus,
    result: { counts?: Record<string, number>; errorSummary?: string | null } = {},
  ): Promise<boolean> {
    const now = this.ctx.now();
    return this.updateRunning(runId, {
      status,
      finishedAt: now,
      heartbeatAt: now,
      errorSummary: result.errorSummary ?? null,
      ...(result.counts ? { counts: result.counts } : {}),
    });
  }

  async get(runId: string): Promise<RunRow | null> {
    const row = await this.ctx.dataSource.manager.findOne(RunEntity, { where: { id: runId } });
    return row ? { ...row } : null;
  }

  /** Running runs whose heartbeat is older than `staleMs` (across all syncs, or one). */
  async findStale(staleMs: number, sync?: string): Promise<RunRow[]> {
    const cutoff = new Date(this.ctx.now().getTime() - staleMs);
    const rows = await this.ctx.dataSource.manager.find(RunEntity, {
      where: { status: 'running', heartbeatAt: LessThan(cutoff), ...(sync ? { sync } : {}) },
      order: { startedAt: 'ASC' },
    });
    return rows.map((r) => ({ ...r }));
  }

  /** Running runs of a sync, stale or not. */
  async findRunning(sync: string): Promise<RunRow[]> {
    const rows = await this.ctx.dataSource.manager.find(RunEntity, {
      where: { sync, status: 'running' },
      order: { startedAt: 'ASC' },
    });
    return rows.map((r) => ({ ...r }));
  }

  /**
   * Marks the sync's stale runs abandoned and returns them, so the caller can start a new run (and resume from their
   * stage). A run whose heartbeat arrives first is not touched: the condition is re-checked in the UPDATE itself.
   */
  async takeOverStale(sync: string, staleMs: number): Promise<RunRow[]> {
    const now = this.ctx.now();
    const cutoff = new Date(now.getTime() - staleMs);
    const result = await this.ctx.dataSource.manager
      .createQueryBuilder()
      .update(RunEntity)
      .set({ status: 'abandoned', finishedAt: now, errorSummary: `heartbeat older than ${staleMs} ms; taken over` })
      .where('sync = :sync AND status = :running AND heartbeat_at < :cutoff', { sync, running: 'running', cutoff })
      .returning('*')
      .execute();
    const raw = result.raw as Array<Record<string, unknown>>;
    return raw.map(fromRaw).sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
  }

  /** Latest runs of a sync, newest first. */
  async recent(sync: string, limit = 20): Promise<RunRow[]> {
    const rows = await this.ctx.dataSource.manager.find(RunEntity, {
      where: { sync },
      order: { startedAt: 'DESC' },
      take: limit,
    });
    return rows.map((r) => ({ ...r }));
  }

  /** A held run's deletes were carried out by run `byRunId` (`tandem approve`): it is no longer waiting. */
  async markApproved(runId: string, byRunId: string | null): Promise<boolean> {
    const result = await this.ctx.dataSource.manager.update(
      RunEntity,
      { id: runId, status: 'held' },
      { status: 'succeeded', errorSummary: `held deletes approved${byRunId ? ` and run by ${byRunId}` : ''}` },
    );
    return (result.affected ?? 0) > 0;
  }

  async list(filter: { sync?: string; status?: RunStatus; limit?: number; offset?: number } = {}): Promise<RunRow[]> {
    const rows = await this.ctx.dataSource.manager.find(RunEntity, {
      where: { ...(filter.sync ? { sync: filter.sync } : {}), ...(filter.status ? { status: filter.status } : {}) },
      order: { startedAt: 'DESC', id: 'ASC' },
      take: filter.limit ?? 50,
      skip: filter.offset ?? 0,
    });
    return rows.map((r) => ({ ...r }));
  }

  /** How many runs of a sync have a status (e.g. `held`: deletes waiting for approval). */
  count(sync: string, status: RunStatus): Promise<number> {
    return this.ctx.dataSource.manager.count(RunEntity, { where: { sync, status } });
  }

  private async updateRunning(runId: string, values: Partial<RunEntity>): Promise<boolean> {
    const result = await this.ctx.dataSource.manager.update(RunEntity, { id: runId, status: 'running' }, values);
    return (result.affected ?? 0) > 0;
  }
}

function fromRaw(r: Record<string, unknown>): RunRow {
  return {
    id: r.id as string,
    sync: r.sync as string,
    trigger: r.trigger as RunTrigger,
    stage: (r.stage as string | null) ?? null,
    status: r.status as RunStatus,
    heartbeatAt: new Date(r.heartbeat_at as string | Date),
    counts: (r.counts as Record<string, number>) ?? {},
    startedAt: new Date(r.started_at as string | Date),
    finishedAt: r.finished_at ? new Date(r.finished_at as string | Date) : null,
    errorSummary: (r.error_summary as string | null) ?? null,
  };
}
