/**
 * Runs one cycle of one sync for the engine: takes over runs a dead process left behind, calls the runtime, and
 * records the outcome (metrics, a log line with counts only, the last run for the admin view).
 */
import type { Connector } from '@tandem/connector-sdk';
import type { AppName, SyncSpec } from '@tandem/core';
import type { Ledger } from '@tandem/ledger';
import { runCycle, settledEchoes, type CycleOptions, type CycleReport, type EchoQuery, type RuntimeLogger } from '@tandem/runtime';
import type { EngineMetrics } from '../ops/metrics.js';

export interface LastRun {
  runId: string | null;
  status: string;
  finishedAt: number;
}

export class CycleRunner {
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly running = new Map<string, number>();
  private readonly last = new Map<string, LastRun>();
  private readonly idleWaiters = new Map<string, (() => void)[]>();

  constructor(
    private readonly ledger: Ledger,
    private readonly connectors: Record<AppName, Connector>,
    private readonly metrics: EngineMetrics,
    private readonly logger: RuntimeLogger,
  ) {}

  /** One cycle. Resolves with status `skipped` when another cycle of the sync holds its lock (here or elsewhere). */
  run(spec: SyncSpec, options: CycleOptions): Promise<CycleReport> {
    const task = this.execute(spec, options);
    this.inFlight.add(task);
    void task.finally(() => this.inFlight.delete(task)).catch(() => undefined);
    return task;
  }

  /** Records a webhook named that hold just what the ledger has (echoes of the engine's writes): no cycle needed. */
  settledEchoes(spec: SyncSpec, query: EchoQuery): Promise<Set<string>> {
    return settledEchoes(spec, { ledger: this.ledger, connectors: this.connectorsOf(spec), logger: this.logger }, query);
  }

  isRunning(sync: string): boolean {
    return (this.running.get(sync) ?? 0) > 0;
  }

  /**
   * Resolves once no cycle of `sync` runs in this process (at once if none does): work that found the sync busy
   * here tries again right as the holder ends instead of after a fixed wait.
   */
  whenIdle(sync: string): Promise<void> {
    if (!this.isRunning(sync)) return Promise.resolve();
    return new Promise((resolve) => {
      const waiters = this.idleWaiters.get(sync) ?? [];
      waiters.push(resolve);
      this.idleWaiters.set(sync, waiters);
    });
  }

  lastRun(sync: string): LastRun | null {
    return this.last.get(sync) ?? null;
  }

  /** Resolves when no cycle is running, or after `timeoutMs` (true if they all finished). */
  async idle(timeoutMs: number): Promise<boolean> {
    if (this.inFlight.size === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const settled = Promise.allSettled([...this.inFlight]).then(() => true as const);
    try {
      return await Promise.race([settled, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async execute(spec: SyncSpec, options: CycleOptions): Promise<CycleReport> {
    const trigger = options.trigger ?? 'manual';
    this.running.set(spec.name, (this.running.get(spec.name) ?? 0) + 1);
    try {
      await this.takeOverDeadRuns(spec.name);
      const report = await runCycle(spec, { ledger: this.ledger, connectors: this.connectorsOf(spec), logger: this.logger }, options);
      this.record(report, trigger);
      return report;
    } catch (error) {
      this.logger.error({ sync: spec.name, trigger, err: error }, 'cycle failed with an error');
      this.last.set(spec.name, { runId: null, status: 'error', finishedAt: Date.now() });
      throw error;
    } finally {
      this.running.set(spec.name, (this.running.get(spec.name) ?? 1) - 1);
      if (!this.isRunning(spec.name)) this.wakeIdleWaiters(spec.name);
    }
  }

  private connectorsOf(spec: SyncSpec): Record<AppName, Connector> {
    return Object.fromEntries(Object.keys(spec.members).map((app) => [app, this.connectors[app]])) as Record<AppName, Connector>;
  }

  private wakeIdleWaiters(sync: string): void {
    const waiters = this.idleWaiters.get(sync) ?? [];
    this.idleWaiters.delete(sync);
    for (const wake of waiters) wake();
  }

  /**
   * Whoever holds the sync's lock knows no live cycle of it runs anywhere (a live cycle holds the lock), so every run
   * still marked running belongs to a process that died: mark it abandoned so this cycle replays its work.
   */
  private async takeOverDeadRuns(sync: string): Promise<void> {
    const attempt = await this.ledger.locks.trySyncLock(sync, () => this.ledger.runs.takeOverStale(sync, 0));
    if (attempt && attempt.value.length > 0) {
      this.logger.warn({ sync, runIds: attempt.value.map((r) => r.id) }, 'took over runs left by a stopped process');
    }
  }

  private record(report: CycleReport, trigger: string): void {
    this.metrics.cycle(report, trigger);
    if (report.status !== 'skipped') {
      this.last.set(report.sync, { runId: report.runId, status: report.status, finishedAt: report.finishedAt });
    }
    const totals = Object.fromEntries(
      Object.entries(report.apps).map(([app, c]) => [app, { read: c.read, created: c.created, updated: c.updated, deleted: c.deleted, failed: c.failed }]),
    );
    const level = report.status === 'failed' || report.status === 'aborted' ? 'warn' : 'info';
    this.logger[level](
      {
        sync: report.sync,
        runId: report.runId,
        trigger,
        status: report.status,
        durationMs: report.finishedAt - report.startedAt,
        apps: totals,
        heldDeletes: report.heldDeletes,
        errorCode: report.error?.code,
      },
      'cycle finished',
    );
  }
}
