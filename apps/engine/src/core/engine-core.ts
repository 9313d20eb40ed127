/**
 * The running engine's state and work: config, ledger, connectors, the job queue, cycle jobs and webhook drains.
 * It is what ENGINE_STATE provides to the admin module (contracts.ts) and what the Nest providers drive.
 */
import type { Connector } from '@tandem/connector-sdk';
import { TandemError, type SyncSpec } from '@tandem/core';
import type { TandemConfig } from '@tandem/config';
import type { Ledger } from '@tandem/ledger';
import type { CycleOptions, CycleReport, RuntimeLogger } from '@tandem/runtime';
import type { EngineState, ResyncScope, SyncState } from '../contracts.js';
import type { JobQueue } from '../jobs/job-queue.js';
import type { EngineMetrics } from '../ops/metrics.js';
import { WebhookDrain } from '../webhooks/webhook-drain.js';
import { WebhookIntake } from '../webhooks/webhook-intake.js';
import { CycleJobs } from './cycle-jobs.js';
import { CycleRunner } from './cycle-runner.js';
import type { EngineRole, EngineTiming } from './engine-options.js';

export interface EngineParts {
  config: TandemConfig;
  ledger: Ledger;
  connectors: Record<string, Connector>;
  queue: JobQueue;
  metrics: EngineMetrics;
  logger: RuntimeLogger;
  timing: EngineTiming;
  role: EngineRole;
}

/** A sync or run named by the admin API does not exist. */
export class UnknownSyncError extends TandemError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('ENGINE_NOT_FOUND', message, details);
  }
}

/** How long a manual cycle waits for a busy sync before giving up with `skipped`. */
const MANUAL_WAIT_MS = 120_000;

export class EngineCore implements EngineState {
  readonly config: TandemConfig;
  readonly ledger: Ledger;
  readonly logger: RuntimeLogger;
  readonly metrics: EngineMetrics;
  readonly queue: JobQueue;
  readonly timing: EngineTiming;
  readonly role: EngineRole;
  readonly runner: CycleRunner;
  readonly cycles: CycleJobs;
  readonly drain: WebhookDrain;
  readonly intake: WebhookIntake;
  private readonly specs = new Map<string, SyncSpec>();
  private readonly paused = new Set<string>();
  private readonly nextRuns = new Map<string, number>();
  private readonly resumeListeners: ((sync: string) => void)[] = [];
  private readonly connectorMap: Record<string, Connector>;

  constructor(parts: EngineParts) {
    this.config = parts.config;
    this.ledger = parts.ledger;
    this.logger = parts.logger;
    this.metrics = parts.metrics;
    this.queue = parts.queue;
    this.timing = parts.timing;
    this.role = parts.role;
    this.connectorMap = parts.connectors;
    for (const spec of parts.config.syncs) this.specs.set(spec.name, spec);
    this.runner = new CycleRunner(parts.ledger, parts.connectors, parts.metrics, parts.logger);
    const isPaused = (sync: string) => this.paused.has(sync);
    this.cycles = new CycleJobs({
      queue: parts.queue,
      runner: this.runner,
      spec: (sync) => this.spec(sync),
      isPaused,
      timing: parts.timing,
      logger: parts.logger,
    });
    this.drain = new WebhookDrain({
      ledger: parts.ledger,
      runner: this.runner,
      queue: parts.queue,
      metrics: parts.metrics,
      logger: parts.logger,
      timing: parts.timing,
      specs: () => [...this.specs.values()],
      isPaused,
    });
    this.intake = new WebhookIntake({
      ledger: parts.ledger,
      connectors: () => this.connectorMap,
      metrics: parts.metrics,
      logger: parts.logger,
      onStored: (connection) => this.onWebhookStored(connection),
    });
  }

  spec(sync: string): SyncSpec | undefined {
    return this.specs.get(sync);
  }

  connectors(): Record<string, Connector> {
    return this.connectorMap;
  }

  syncs(): SyncState[] {
    return [...this.specs.values()].map((spec) => ({
      name: spec.name,
      paused: this.paused.has(spec.name),
      running: this.runner.isRunning(spec.name),
      schedule: spec.schedule ?? null,
      lastRun: this.runner.lastRun(spec.name),
      nextRunAt: this.paused.has(spec.name) ? null : (this.nextRuns.get(spec.name) ?? null),
    }));
  }

  /**
   * Paused: scheduled ticks and webhook cycles of the sync wait; manual resyncs still run. Stored in the ledger, so
   * every instance follows it (within one refresh) and it survives restarts.
   */
  async pause(sync: string): Promise<void> {
    this.requireSpec(sync);
    await this.ledger.syncStates.setPaused(sync, true);
    this.paused.add(sync);
    this.logger.info({ sync }, 'sync paused');
  }

  async resume(sync: string): Promise<void> {
    this.requireSpec(sync);
    await this.ledger.syncStates.setPaused(sync, false);
    this.markResumed(sync);
  }

  /** Re-reads which syncs are paused (another instance may have paused or resumed one). */
  async refreshPaused(): Promise<void> {
    const now = new Set((await this.ledger.syncStates.pausedSyncs()).filter((s) => this.specs.has(s)));
    for (const sync of now) this.paused.add(sync);
    for (const sync of [...this.paused]) if (!now.has(sync)) this.markResumed(sync);
  }

  private markResumed(sync: string): void {
    if (this.paused.delete(sync)) {
      this.logger.info({ sync }, 'sync resumed');
      for (const listener of this.resumeListeners) listener(sync);
    }
  }

  onResume(listener: (sync: string) => void): void {
    this.resumeListeners.push(listener);
  }

  isPaused(sync: string): boolean {
    return this.paused.has(sync);
  }

  setNextRun(sync: string, at: number | null): void {
    if (at === null) this.nextRuns.delete(sync);
    else this.nextRuns.set(sync, at);
  }

  async resync(sync: string, scope: ResyncScope): Promise<{ runId: string | null; report?: CycleReport }> {
    const spec = this.requireSpec(sync);
    const options: CycleOptions = { trigger: 'manual' };
    if (scope.kind === 'full') options.full = true;
    if (scope.kind === 'since') options.since = scope.since;
    if (scope.kind === 'records') options.records = scope.records;
    const report = await this.runWhenFree(spec, options);
    return { runId: report.runId, report };
  }

  async approve(runId: string): Promise<CycleReport> {
    const run = await this.ledger.runs.get(runId);
    if (!run) throw new UnknownSyncError('no run with that id', { runId });
    return this.runWhenFree(this.requireSpec(run.sync), { trigger: 'manual', approveRun: runId });
  }

  /** A manual cycle runs in the calling process (the admin API answers with its run id), waiting for a busy sync. */
  private async runWhenFree(spec: SyncSpec, options: CycleOptions): Promise<CycleReport> {
    const deadline = Date.now() + MANUAL_WAIT_MS;
    for (;;) {
      const report = await this.runner.run(spec, options);
      if (report.status !== 'skipped' || Date.now() > deadline) return report;
      await new Promise((resolve) => setTimeout(resolve, Math.min(500, this.timing.busyRetryMs)));
    }
  }

  private onWebhookStored(connection: string): void {
    this.drain.request(connection, this.drain.debounceOf(connection)).catch((error: unknown) => {
      // The event is stored; the sweep hands it to a worker later.
      this.logger.warn({ connection, err: error }, 'could not enqueue webhook processing');
    });
  }

  private requireSpec(sync: string): SyncSpec {
    const spec = this.specs.get(sync);
    if (!spec) throw new UnknownSyncError(`no sync named ${sync}`, { sync });
    return spec;
  }
}
