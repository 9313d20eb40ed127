/**
 * Runs one cycle of one sync for the engine: takes over runs a dead process left behind, calls the runtime, and
 * records the outcome (metrics, a log line with counts only, the last run for the admin view).
 */
import type { Connector } from '@tandem/connector-sdk';
import type { AppName, SyncSpec } from '@tandem/core';
import type { Ledger } from '@tandem/ledger';
import { runCycle, type CycleOptions, type CycleReport, type RuntimeLogger } from '@tandem/runtime';
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

  isRunning(sync: string): boolean {
    return (this.running.get(sync) ?? 0) > 0;
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
      const connectors = Object.fromEntries(Object.keys(spec.members).map((app) => [app, this.connectors[app]]));
      const report = await runCycle(spec, { ledger: this.ledger, connectors, logger: this.logger }, options);
      this.record(report, trigger);
      return report;
    } catch (error) {
      this.logger.error({ sync: spec.name, trigger, err: error }, 'cycle failed with an error');
      this.last.set(spec.name, { runId: null, status: 'error', finishedAt: Date.now() });
      throw error;
    } finally {
      this.running.set(spec.name, (this.running.get(spec.name) ?? 1) - 1);
    }
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
