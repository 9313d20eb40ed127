/**
 * Timers of this process, registered with @nestjs/schedule: each sync's schedule (enqueue only — the job queue makes
 * one cycle per tick across processes), the search for runs left by dead processes, and the webhook sweep.
 */
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { EngineCore } from '../core/engine-core.js';
import { runsWorkers } from '../core/engine-options.js';
import { nextTick, planSchedule, type SchedulePlan } from './schedule-plan.js';

/** Interval ticks are set one at a time to the next aligned boundary; timers cannot be longer than this. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

@Injectable()
export class SchedulerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private stopped = false;
  private readonly names = new Set<string>();

  constructor(
    @Inject(EngineCore) private readonly core: EngineCore,
    @Inject(SchedulerRegistry) private readonly registry: SchedulerRegistry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!runsWorkers(this.core.role)) return;
    const syncs = this.core.config.syncs.map((s) => s.name);
    await this.core.cycles.startWorkers(syncs);
    await this.core.drain.startWorkers(Object.keys(this.core.connectors()));
    for (const spec of this.core.config.syncs) {
      const plan = spec.schedule === undefined ? undefined : planSchedule(spec.schedule);
      if (plan) this.schedule(spec.name, plan);
    }
    this.every('tandem-recover', this.core.timing.recoveryCheckMs, () => this.recoverDeadRuns());
    this.every('tandem-webhook-sweep', this.core.timing.webhookSweepMs, () => this.core.drain.sweep());
    this.every('tandem-paused', this.core.timing.pausedRefreshMs, () => this.core.refreshPaused());
    this.core.onResume((sync) => {
      // Ticks were dropped while paused: catch up now, and process the webhooks that waited.
      void this.core.cycles.enqueueNow(sync, 'startup').catch(() => undefined);
      void this.core.drain.sweep().catch(() => undefined);
    });
    // A first cycle right away: a fresh engine converges without waiting a whole interval, and a restarted one
    // finishes what its predecessor left.
    for (const sync of syncs) await this.core.cycles.enqueueNow(sync, 'startup');
    await this.core.drain.sweep();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    for (const name of this.names) {
      if (this.registry.doesExist('cron', name)) {
        void this.registry.getCronJob(name).stop();
        this.registry.deleteCronJob(name);
      }
      if (this.registry.doesExist('timeout', name)) this.registry.deleteTimeout(name);
      if (this.registry.doesExist('interval', name)) this.registry.deleteInterval(name);
    }
  }

  private schedule(sync: string, plan: SchedulePlan): void {
    const name = `tandem-schedule-${sync}`;
    this.names.add(name);
    if (plan.kind === 'cron') {
      const job = CronJob.from({
        cronTime: plan.text,
        start: true,
        onTick: () => {
          // Cron fires on whole seconds; rounding makes every process name the tick alike despite timer jitter.
          this.tick(sync, Math.round(Date.now() / 1000) * 1000);
          this.core.setNextRun(sync, nextTick(plan, Date.now()));
        },
      });
      this.registry.addCronJob(name, job);
      this.core.setNextRun(sync, nextTick(plan, Date.now()));
      return;
    }
    this.armInterval(name, sync, plan);
  }

  /** The next aligned boundary of an interval schedule; each firing arms the following one. */
  private armInterval(name: string, sync: string, plan: SchedulePlan): void {
    if (this.stopped) return;
    const at = nextTick(plan, Date.now());
    this.core.setNextRun(sync, at);
    const handle = setTimeout(() => {
      this.registry.deleteTimeout(name);
      this.tick(sync, at);
      this.armInterval(name, sync, plan);
    }, Math.min(MAX_TIMEOUT_MS, Math.max(0, at - Date.now())));
    handle.unref();
    if (this.registry.doesExist('timeout', name)) this.registry.deleteTimeout(name);
    this.registry.addTimeout(name, handle);
  }

  private tick(sync: string, tickMs: number): void {
    if (this.stopped || this.core.isPaused(sync)) return;
    this.core.cycles.enqueueTick(sync, tickMs).catch((error: unknown) => {
      this.core.logger.warn({ sync, tick: tickMs, err: error }, 'could not enqueue a scheduled cycle');
    });
  }

  private every(name: string, ms: number, task: () => Promise<void>): void {
    this.names.add(name);
    const handle = setInterval(() => {
      if (this.stopped) return;
      task().catch((error: unknown) => this.core.logger.warn({ task: name, err: error }, 'periodic task failed'));
    }, ms);
    handle.unref();
    this.registry.addInterval(name, handle);
  }

  /** A run whose heartbeat stopped belongs to a dead process: one cycle per dead run, enqueued once cluster-wide. */
  private async recoverDeadRuns(): Promise<void> {
    for (const spec of this.core.config.syncs) {
      if (this.core.isPaused(spec.name)) continue;
      const stale = await this.core.ledger.runs.findStale(this.core.timing.staleRunMs, spec.name);
      for (const run of stale) {
        this.core.logger.warn({ sync: spec.name, runId: run.id }, 'run stopped heartbeating; enqueueing its take-over');
        await this.core.cycles.enqueueNow(spec.name, 'recover', `recover:${run.id}`);
      }
    }
  }
}
