/**
 * A small, real EngineState for the admin specs: a real ledger (in-memory PGlite), memory apps behind the memory
 * connector, and cycles run inline with `runCycle`. No scheduler, no job queue: the engine core provides those.
 */
import type { Connector } from '@tandem/connector-sdk';
import { parseConfig, type TandemConfig } from '@tandem/config';
import type { SyncSpec } from '@tandem/core';
import { openLedger, type Ledger } from '@tandem/ledger';
import {
  approveRun,
  runCycle,
  type CycleOptions,
  type CycleReport,
  type RuntimeLogger,
  type SyncEnvironment,
} from '@tandem/runtime';
import { MemoryApps, memoryConnectorFactory, type MemoryApp } from '@tandem/connectors/memory';
// eslint-disable-next-line no-restricted-imports -- the engine's own seam (same app, not another lib)
import type { EngineState, ResyncScope, SyncState } from '../../contracts.js';

/** Keeps log entries in memory so a test can check that nothing personal was logged. */
export class CapturingLogger implements RuntimeLogger {
  readonly lines: string[] = [];
  info(obj: Record<string, unknown>, msg: string): void {
    this.lines.push(JSON.stringify({ level: 'info', msg, ...obj }));
  }
  warn(obj: Record<string, unknown>, msg: string): void {
    this.lines.push(JSON.stringify({ level: 'warn', msg, ...obj }));
  }
  error(obj: Record<string, unknown>, msg: string): void {
    this.lines.push(JSON.stringify({ level: 'error', msg, ...obj }));
  }
}

export class TestEngineState implements EngineState {
  readonly logger = new CapturingLogger();
  private readonly paused = new Set<string>();
  private readonly lastRuns = new Map<string, SyncState['lastRun']>();
  private readonly byName: Record<string, Connector>;

  private constructor(
    readonly config: TandemConfig,
    readonly ledger: Ledger,
    readonly apps: Record<string, MemoryApp>,
  ) {
    this.byName = Object.fromEntries(
      Object.entries(config.connections).map(([name, c]) => [name, memoryConnectorFactory(c.settings, { name })]),
    );
  }

  /** A fresh in-memory ledger and one fresh memory app per `type: memory` connection of the YAML (keyed by connection). */
  static async create(yaml: string): Promise<TestEngineState> {
    const { config } = parseConfig(yaml, 'tandem.yaml', {});
    const apps: Record<string, MemoryApp> = {};
    for (const [name, c] of Object.entries(config.connections))
      apps[name] = MemoryApps.create(String(c.settings.app ?? name));
    const ledger = await openLedger({ databaseUrl: null, dataDir: 'memory://' });
    return new TestEngineState(config, ledger, apps);
  }

  spec(sync: string): SyncSpec | undefined {
    return this.config.syncs.find((s) => s.name === sync);
  }

  connectors(): Record<string, Connector> {
    return this.byName;
  }

  syncs(): SyncState[] {
    return this.config.syncs.map((s) => ({
      name: s.name,
      paused: this.paused.has(s.name),
      running: false,
      schedule: s.schedule ?? null,
      lastRun: this.lastRuns.get(s.name) ?? null,
      nextRunAt: null,
    }));
  }

  async pause(sync: string): Promise<void> {
    this.paused.add(sync);
  }

  async resume(sync: string): Promise<void> {
    this.paused.delete(sync);
  }

  async resync(sync: string, scope: ResyncScope): Promise<{ runId: string | null; report?: CycleReport }> {
    // This test engine has no incremental `since` read: a since-resync reads everything, which covers the window.
    const options: CycleOptions = scope.kind === 'records' ? { records: scope.records } : { full: true };
    const report = await this.cycle(sync, options);
    return { runId: report.runId, report };
  }

  approve(runId: string): Promise<CycleReport> {
    return this.ledger.runs.get(runId).then((run) => approveRun(runId, this.requireSpec(run?.sync ?? ''), this.env()));
  }

  /** One cycle run inline (what the scheduler would enqueue). */
  async cycle(sync: string, options: CycleOptions = {}): Promise<CycleReport> {
    const report = await runCycle(this.requireSpec(sync), this.env(), { trigger: 'manual', ...options });
    this.lastRuns.set(sync, { runId: report.runId, status: report.status, finishedAt: report.finishedAt });
    return report;
  }

  async close(): Promise<void> {
    for (const name of Object.keys(this.apps)) MemoryApps.remove(name);
    await this.ledger.close();
  }

  private env(): SyncEnvironment {
    return { ledger: this.ledger, connectors: this.byName, logger: this.logger };
  }

  private requireSpec(sync: string): SyncSpec {
    const spec = this.spec(sync);
    if (!spec) throw new Error(`test engine has no sync ${sync}`);
    return spec;
  }
}
