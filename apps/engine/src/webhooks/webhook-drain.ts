/**
 * Processing stored webhook events, one connection at a time per cluster: events are coalesced per record over the
 * sync's debounce (a half-typed value is not mirrored), then one targeted cycle per sync fetches those records and
 * reconciles them. Events are marked processed only after their cycle ran, so nothing is lost to a busy sync, a
 * crash or a restart: the sweep hands unprocessed events to a worker again.
 */
import type { ChangeHint } from '@tandem/connector-sdk';
import type { SyncSpec } from '@tandem/core';
import type { Ledger, WebhookEventRow } from '@tandem/ledger';
import type { RecordRef, RuntimeLogger } from '@tandem/runtime';
import type { CycleRunner } from '../core/cycle-runner.js';
import type { EngineTiming } from '../core/engine-options.js';
import type { JobQueue } from '../jobs/job-queue.js';
import type { EngineMetrics } from '../ops/metrics.js';
import { HINTS_HEADER } from './webhook-intake.js';

export interface DrainJob {
  connection: string;
}

export function webhookQueue(connection: string): string {
  return `tandem-webhooks-${connection}`;
}

/** The lock name of a connection's drain; a NUL cannot occur in a sync name, so it never meets a sync's lock. */
function drainLock(connection: string): string {
  return `\u0000webhooks:${connection}`;
}

export interface DrainDeps {
  ledger: Ledger;
  runner: CycleRunner;
  queue: JobQueue;
  metrics: EngineMetrics;
  logger: RuntimeLogger;
  timing: EngineTiming;
  specs(): SyncSpec[];
  isPaused(sync: string): boolean;
  now?: () => number;
}

interface PendingHint {
  event: WebhookEventRow;
  hint: ChangeHint;
}

/** What one sync should do with a connection's pending events now. */
interface SyncWork {
  spec: SyncSpec;
  ready: PendingHint[];
  /** Earliest time a not-yet-quiet record becomes ready; null when none waits. */
  waitUntil: number | null;
}

const BATCH = 500;

export class WebhookDrain {
  private readonly now: () => number;

  constructor(private readonly deps: DrainDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Asks a worker to process `connection`'s events after `delayMs` (one request per connection per second). */
  async request(connection: string, delayMs: number, dedup = true): Promise<void> {
    const slot = Math.floor(this.now() / 1000);
    await this.deps.queue.send<DrainJob>(
      webhookQueue(connection),
      { connection },
      { startAfterMs: delayMs, ...(dedup ? { key: `${connection}@${slot}` } : {}) },
    );
  }

  /** The longest debounce of the syncs a connection is a member of: how long a new event waits before its cycle. */
  debounceOf(connection: string): number {
    return Math.max(0, ...this.deps.specs().filter((s) => connection in s.members).map((s) => s.debounceMs));
  }

  async startWorkers(connections: string[]): Promise<void> {
    for (const connection of connections) {
      await this.deps.queue.work<DrainJob>(webhookQueue(connection), (job) => this.drain(job.connection));
    }
  }

  /** Hands every connection with unprocessed events to a worker (after a restart, or a job lost with its process). */
  async sweep(): Promise<void> {
    const rows = await this.deps.ledger.webhookEvents.listUnprocessed({ limit: BATCH });
    for (const connection of new Set(rows.map((r) => r.connection))) await this.request(connection, 0);
  }

  /** One pass over a connection's unprocessed events; another process draining it makes this pass come back later. */
  async drain(connection: string): Promise<void> {
    const attempt = await this.deps.ledger.locks.trySyncLock(drainLock(connection), () => this.drainLocked(connection));
    const again = attempt ? attempt.value : this.deps.timing.busyRetryMs;
    if (again !== null) await this.request(connection, again, false);
  }

  /** Returns when to look again (ms from now), or null when nothing is left waiting. */
  private async drainLocked(connection: string): Promise<number | null> {
    const events = await this.deps.ledger.webhookEvents.listUnprocessed({ connection, limit: BATCH });
    if (events.length === 0) return null;
    const pending = events.flatMap((event) => hintsOf(event).map((hint) => ({ event, hint })));
    const blocked = new Set<string>();
    let again: number | null = null;
    for (const spec of this.deps.specs()) {
      const member = spec.members[connection];
      if (!member) continue;
      const mine = pending.filter((p) => p.hint.object === member.object);
      if (this.deps.isPaused(spec.name)) {
        for (const p of mine) blocked.add(p.event.id);
        continue;
      }
      const work = this.plan(spec, mine);
      for (const p of mine) if (!work.ready.includes(p)) blocked.add(p.event.id);
      if (work.waitUntil !== null) again = minDelay(again, work.waitUntil - this.now());
      if (work.ready.length === 0) continue;
      if (!(await this.runTargeted(connection, spec, work.ready))) {
        for (const p of work.ready) blocked.add(p.event.id);
        again = minDelay(again, this.deps.timing.busyRetryMs);
      }
    }
    await this.markDone(connection, events, blocked);
    return again ?? (events.length === BATCH ? 0 : null);
  }

  /** Splits a sync's hints into those whose record has been quiet for the debounce, and the time the rest will be. */
  private plan(spec: SyncSpec, hints: PendingHint[]): SyncWork {
    const latest = new Map<string, number>();
    for (const p of hints) {
      for (const id of idsOf(p.hint)) latest.set(id, Math.max(latest.get(id) ?? 0, p.event.receivedAt.getTime()));
    }
    const now = this.now();
    const quietAt = (p: PendingHint): number =>
      Math.max(...idsOf(p.hint).map((id) => latest.get(id) ?? 0)) + spec.debounceMs;
    const ready = hints.filter((p) => quietAt(p) <= now);
    const waiting = hints.filter((p) => quietAt(p) > now).map(quietAt);
    return { spec, ready, waitUntil: waiting.length > 0 ? Math.min(...waiting) : null };
  }

  /** Runs the sync's targeted cycle; false when the sync was busy (the events wait for the next pass). */
  private async runTargeted(connection: string, spec: SyncSpec, ready: PendingHint[]): Promise<boolean> {
    const records = uniqueRecords(connection, ready.map((p) => p.hint));
    const hints = uniqueHints(ready.map((p) => p.hint)).map((hint) => ({ app: connection, hint }));
    try {
      const report = await this.deps.runner.run(spec, { trigger: 'webhook', records, hints });
      return report.status !== 'skipped';
    } catch (error) {
      // The scheduled cycle reads these changes anyway; retrying a poison event forever would not help.
      this.deps.logger.error({ sync: spec.name, connection, err: error }, 'webhook cycle failed; left to the schedule');
      return true;
    }
  }

  private async markDone(connection: string, events: WebhookEventRow[], blocked: Set<string>): Promise<void> {
    const now = this.now();
    for (const event of events) {
      if (blocked.has(event.id)) continue;
      await this.deps.ledger.webhookEvents.markProcessed(event.id);
      this.deps.metrics.webhookHandled(connection, event.receivedAt, now);
    }
  }
}

/** The hints stored at receipt; an event without them (erased, or malformed) yields none. */
export function hintsOf(event: WebhookEventRow): ChangeHint[] {
  const raw = event.headers[HINTS_HEADER];
  if (raw === undefined) return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) ? (parsed as ChangeHint[]) : [];
  } catch {
    return [];
  }
}

/** The record ids a hint is about (a rekey or merge concerns both records). */
function idsOf(hint: ChangeHint): string[] {
  if (hint.kind === 'rekeyed') return [hint.id, hint.newId];
  if (hint.kind === 'merged') return [hint.id, hint.intoId];
  return [hint.id];
}

/** The records to fetch: what changed, and where a rekey or merge now lives. A deleted record cannot be fetched. */
export function uniqueRecords(app: string, hints: ChangeHint[]): RecordRef[] {
  const ids = new Set<string>();
  for (const hint of hints) {
    if (hint.kind === 'changed') ids.add(hint.id);
    if (hint.kind === 'rekeyed') ids.add(hint.newId);
    if (hint.kind === 'merged') ids.add(hint.intoId);
  }
  return [...ids].map((id) => ({ app, id }));
}

/** One hint per distinct change; `changed` hints add nothing beyond the fetch, the others are kept in order. */
export function uniqueHints(hints: ChangeHint[]): ChangeHint[] {
  const seen = new Set<string>();
  const out: ChangeHint[] = [];
  for (const hint of hints) {
    if (hint.kind === 'changed') continue;
    const key = JSON.stringify([hint.kind, hint.object, hint.id, 'newId' in hint ? hint.newId : '', 'intoId' in hint ? hint.intoId : '']);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(hint);
  }
  return out;
}

function minDelay(current: number | null, delay: number): number {
  const d = Math.max(0, delay);
  return current === null ? d : Math.min(current, d);
}
