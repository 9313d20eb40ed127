/**
 * Cycle work through the job queue: scheduled ticks, startup cycles and take-overs of dead processes' runs. One queue
 * per sync, so a sync busy with a long cycle never holds up another sync's jobs.
 */
import type { SyncSpec } from '@tandem/core';
import type { RunTrigger } from '@tandem/ledger';
import type { RuntimeLogger } from '@tandem/runtime';
import type { JobQueue } from '../jobs/job-queue.js';
import { isSuperseded, planSchedule, tickKey } from '../schedule/schedule-plan.js';
import type { CycleRunner } from './cycle-runner.js';
import type { EngineTiming } from './engine-options.js';

export interface CycleJob {
  sync: string;
  trigger: RunTrigger;
  /** Scheduled ticks: the tick's time (epoch ms), to drop a tick a newer one superseded. */
  tick?: number;
  /** Other work: retried while the sync is busy, this many more times. */
  busyRetries?: number;
  /** Set on the re-sends of a job that found its sync busy. */
  retry?: number;
  reason?: 'schedule' | 'startup' | 'recover';
}

export type CycleJobOutcome = { runId: string | null; status: string } | { dropped: 'unknown-sync' | 'paused' | 'superseded' };

export function cycleQueue(sync: string): string {
  return `tandem-cycle-${sync}`;
}

export interface CycleJobsDeps {
  queue: JobQueue;
  runner: CycleRunner;
  spec(sync: string): SyncSpec | undefined;
  isPaused(sync: string): boolean;
  timing: EngineTiming;
  logger: RuntimeLogger;
  now?: () => number;
}

export class CycleJobs {
  private readonly now: () => number;

  constructor(private readonly deps: CycleJobsDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** One job per (sync, tick), whichever process and however many processes enqueue it. */
  enqueueTick(sync: string, tick: number): Promise<string | null> {
    return this.deps.queue.send<CycleJob>(
      cycleQueue(sync),
      { sync, trigger: 'schedule', tick, reason: 'schedule' },
      { key: tickKey(sync, tick) },
    );
  }

  /** A cycle soon (startup, or finishing a dead process's run); `key` dedups it across processes when given. */
  enqueueNow(sync: string, reason: 'startup' | 'recover', key?: string): Promise<string | null> {
    return this.deps.queue.send<CycleJob>(
      cycleQueue(sync),
      { sync, trigger: 'startup', reason, busyRetries: 30 },
      key === undefined ? {} : { key },
    );
  }

  /** Starts this process's worker for every sync. */
  async startWorkers(syncs: string[]): Promise<void> {
    for (const sync of syncs) await this.deps.queue.work<CycleJob>(cycleQueue(sync), (job) => this.handle(job));
  }

  /** Runs the job's cycle; the outcome (stored as the job's output) says what became of it. */
  async handle(job: CycleJob): Promise<CycleJobOutcome> {
    const { logger } = this.deps;
    const spec = this.deps.spec(job.sync);
    if (!spec) return { dropped: 'unknown-sync' };
    if (this.deps.isPaused(job.sync)) {
      logger.info({ sync: job.sync, reason: job.reason }, 'sync is paused; cycle job dropped');
      return { dropped: 'paused' };
    }
    if (this.stale(spec, job)) {
      logger.info({ sync: job.sync, tick: job.tick }, 'tick superseded by a newer one; dropped');
      return { dropped: 'superseded' };
    }
    const report = await this.deps.runner.run(spec, { trigger: job.trigger });
    if (report.status === 'skipped') await this.retryLater(job);
    return { runId: report.runId, status: report.status };
  }

  /** A busy sync: try again shortly, unless the tick will be superseded first or the retries ran out. */
  private async retryLater(job: CycleJob): Promise<void> {
    const spec = this.deps.spec(job.sync);
    const retryAt = this.now() + this.deps.timing.busyRetryMs;
    if (job.tick !== undefined) {
      if (!spec || this.staleAt(spec, job.tick, retryAt)) return;
    } else if ((job.busyRetries ?? 0) <= 0) {
      return;
    }
    const retry = (job.retry ?? 0) + 1;
    const next: CycleJob = job.tick !== undefined ? { ...job, retry } : { ...job, retry, busyRetries: (job.busyRetries ?? 1) - 1 };
    await this.deps.queue.send<CycleJob>(cycleQueue(job.sync), next, { startAfterMs: this.deps.timing.busyRetryMs });
  }

  private stale(spec: SyncSpec, job: CycleJob): boolean {
    return job.tick !== undefined && this.staleAt(spec, job.tick, this.now());
  }

  private staleAt(spec: SyncSpec, tick: number, at: number): boolean {
    const plan = spec.schedule === undefined ? undefined : planSchedule(spec.schedule);
    return plan !== undefined && isSuperseded(plan, tick, at);
  }
}
