/**
 * Prometheus series for the engine. Each engine has its own registry (tests run several engines in one process).
 * Labels are sync, app/connection, trigger and status names only — never record values.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ConnectionHooks } from '@tandem/connectors';
import type { Ledger } from '@tandem/ledger';
import type { CycleReport } from '@tandem/runtime';

export type WebhookOutcome = 'accepted' | 'duplicate' | 'unauthorized' | 'malformed' | 'unknown-connection' | 'error';

export class EngineMetrics {
  readonly registry = new Registry();
  private readonly recordsRead: Counter<'sync' | 'app'>;
  private readonly recordsWritten: Counter<'sync' | 'app' | 'op'>;
  private readonly cycleDuration: Histogram<'sync' | 'trigger' | 'status'>;
  private readonly webhookLag: Histogram<'connection'>;
  private readonly webhooksReceived: Counter<'connection' | 'outcome'>;
  private readonly rateLimitWait: Counter<'connection' | 'kind'>;

  constructor(ledger: Ledger, syncs: string[], options: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    if (options.defaultMetrics) collectDefaultMetrics({ register: this.registry });
    this.recordsRead = new Counter({ name: 'tandem_records_read_total', help: 'Records read from an app', labelNames: ['sync', 'app'], registers });
    this.recordsWritten = new Counter({
      name: 'tandem_records_written_total',
      help: 'Records written to an app (create, update, delete)',
      labelNames: ['sync', 'app', 'op'],
      registers,
    });
    this.cycleDuration = new Histogram({
      name: 'tandem_cycle_duration_seconds',
      help: 'Duration of sync cycles',
      labelNames: ['sync', 'trigger', 'status'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900],
      registers,
    });
    this.webhookLag = new Histogram({
      name: 'tandem_webhook_lag_seconds',
      help: 'From receiving a webhook to the end of the cycle that handled it',
      labelNames: ['connection'],
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
      registers,
    });
    this.webhooksReceived = new Counter({
      name: 'tandem_webhooks_received_total',
      help: 'Webhook requests by outcome',
      labelNames: ['connection', 'outcome'],
      registers,
    });
    this.rateLimitWait = new Counter({
      name: 'tandem_rate_limit_wait_seconds_total',
      help: 'Time requests waited for an app rate limit',
      labelNames: ['connection', 'kind'],
      registers,
    });
    this.backlogGauges(ledger, syncs, registers);
  }

  /** Retry and conflict backlogs are read from the ledger at scrape time, so every instance reports the same truth. */
  private backlogGauges(ledger: Ledger, syncs: string[], registers: Registry[]): void {
    new Gauge({
      name: 'tandem_retry_backlog',
      help: 'Failed writes waiting for a retry (live) or dead',
      labelNames: ['sync', 'state'],
      registers,
      async collect() {
        for (const sync of syncs) {
          const rows = await ledger.retries.forSync(sync).catch(() => []);
          const dead = rows.filter((r) => r.dead).length;
          this.set({ sync, state: 'live' }, rows.length - dead);
          this.set({ sync, state: 'dead' }, dead);
        }
      },
    });
    new Gauge({
      name: 'tandem_conflict_backlog',
      help: 'Open conflicts waiting for a decision',
      labelNames: ['sync'],
      registers,
      async collect() {
        for (const sync of syncs) this.set({ sync }, (await ledger.conflicts.listOpen({ sync }).catch(() => [])).length);
      },
    });
    new Gauge({
      name: 'tandem_held_delete_runs',
      help: 'Runs whose deletes wait for approval (tandem approve)',
      labelNames: ['sync'],
      registers,
      async collect() {
        for (const sync of syncs) this.set({ sync }, await ledger.runs.count(sync, 'held').catch(() => 0));
      },
    });
  }

  cycle(report: CycleReport, trigger: string): void {
    const seconds = Math.max(0, report.finishedAt - report.startedAt) / 1000;
    this.cycleDuration.observe({ sync: report.sync, trigger, status: report.status }, seconds);
    for (const [app, counts] of Object.entries(report.apps)) {
      if (counts.read > 0) this.recordsRead.inc({ sync: report.sync, app }, counts.read);
      for (const op of ['created', 'updated', 'deleted'] as const) {
        if (counts[op] > 0) this.recordsWritten.inc({ sync: report.sync, app, op }, counts[op]);
      }
    }
  }

  webhook(connection: string, outcome: WebhookOutcome): void {
    this.webhooksReceived.inc({ connection, outcome });
  }

  webhookHandled(connection: string, receivedAt: Date, now: number): void {
    this.webhookLag.observe({ connection }, Math.max(0, now - receivedAt.getTime()) / 1000);
  }

  rateLimitWaited(connection: string, kind: string, waitMs: number): void {
    this.rateLimitWait.inc({ connection, kind }, waitMs / 1000);
  }

  /**
   * Hooks for `buildConnectors(connections, { hooks })`: every wait a connection's requests spend held back by its
   * rate limit (its quota, or a 429's Retry-After) adds to tandem_rate_limit_wait_seconds_total.
   */
  connectorHooks(): ConnectionHooks {
    return { onRateLimitWait: (ms, { connection }) => this.rateLimitWaited(connection, 'queued', ms) };
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
