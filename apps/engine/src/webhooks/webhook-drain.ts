/**
 * Processing stored webhook events, one connection at a time per cluster: events are coalesced per record over the
 * sync's debounce (a half-typed value is not mirrored), then one targeted cycle per sync fetches those records and
 * reconciles them. Events are marked processed only after their cycle ran, so nothing is lost to a busy sync, a
 * crash or a restart: the sweep hands unprocessed events to a worker again. A process draining a connection times
 * its next pass itself (drain-wakeups.ts): when the next record's window closes, and the moment a cycle of this
 * process that kept the sync busy ends.
 */
import type { ChangeHint } from '@tandem/connector-sdk';
import type { SyncSpec } from '@tandem/core';
import type { Ledger, WebhookEventRow } from '@tandem/ledger';
import type { RuntimeLogger } from '@tandem/runtime';
import type { CycleRunner } from '../core/cycle-runner.js';
import type { EngineTiming } from '../core/engine-options.js';
import type { JobQueue } from '../jobs/job-queue.js';
import type { EngineMetrics } from '../ops/metrics.js';
import { DrainWakeups } from './drain-wakeups.js';
import { hintsOf, idsOf, uniqueHints, uniqueRecords } from './webhook-hints.js';

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
  runner: Pick<CycleRunner, 'run' | 'isRunning' | 'whenIdle' | 'settledEchoes'>;
  queue: Pick<JobQueue, 'send' | 'work'>;
  metrics: Pick<EngineMetrics, 'webhookHandled'>;
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

/** What a pass leaves: when to look again (ms from now, null: nothing waits) and the syncs another cycle held. */
interface PassOutcome {
  againMs: number | null;
  busy: string[];
}

const BATCH = 500;
/** First retry of a drain whose sync is held by another process; doubles up to `busyRetryMs`. */
const BUSY_FIRST_RETRY_MS = 250;
/**
 * An event is checked for being an echo only if its record's ledger member was saved at most this long before the
 * event arrived (an app echoes a write within seconds); other events go to the cycle without an extra fetch.
 */
const ECHO_WINDOW_MS = 10_000;

export class WebhookDrain {
  private readonly now: () => number;
  private readonly wakeups: DrainWakeups;
  /** Connections whose worker runs in this process: their passes are timed here, not by queue polling. */
  private readonly local = new Set<string>();
  /** Passes running in this process, per connection; `again` asks for one more pass once it ends. */
  private readonly passes = new Map<string, { again: boolean; done: Promise<void> }>();
  /** Consecutive passes that found a sync held by another process, per connection (the retry backs off). */
  private readonly busyStreak = new Map<string, number>();
  private stopped = false;
  /** The last second slot this process queued a job for, per connection. */
  private readonly sentSlots = new Map<string, number>();

  constructor(private readonly deps: DrainDeps) {
    this.now = deps.now ?? Date.now;
    this.wakeups = new DrainWakeups((connection) => this.runLocally(connection), this.now);
  }

  /**
   * Asks for a pass over `connection`'s events after `delayMs`: a queued job (one per connection per second: the
   * durable path, any process), and a timer here when this process drains the connection.
   */
  async request(connection: string, delayMs: number, dedup = true): Promise<void> {
    if (this.local.has(connection)) this.wakeups.wake(connection, delayMs);
    const slot = Math.floor(this.now() / 1000);
    // The queue drops a second job with the same key anyway; not asking it again spares a query per event.
    if (dedup && this.sentSlots.get(connection) === slot) return;
    await this.deps.queue.send<DrainJob>(
      webhookQueue(connection),
      { connection },
      { startAfterMs: delayMs, ...(dedup ? { key: `${connection}@${slot}` } : {}) },
    );
    if (dedup) this.sentSlots.set(connection, slot);
  }

  /** The longest debounce of the syncs a connection is a member of: how long a new event waits before its cycle. */
  debounceOf(connection: string): number {
    return Math.max(0, ...this.deps.specs().filter((s) => connection in s.members).map((s) => s.debounceMs));
  }

  async startWorkers(connections: string[]): Promise<void> {
    for (const connection of connections) {
      await this.deps.queue.work<DrainJob>(webhookQueue(connection), (job) => this.drain(job.connection));
      this.local.add(connection);
    }
  }

  /** No new passes here; waits (up to `timeoutMs`) for those running. The sweep of the next process does what is left. */
  async stop(timeoutMs: number): Promise<void> {
    this.stopped = true;
    this.wakeups.stop();
    const running = [...this.passes.values()].map((p) => p.done);
    if (running.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled(running),
      new Promise((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
  }

  /** Hands every connection with unprocessed events to a worker (after a restart, or a job lost with its process). */
  async sweep(): Promise<void> {
    const rows = await this.deps.ledger.webhookEvents.listUnprocessed({ limit: BATCH });
    for (const connection of new Set(rows.map((r) => r.connection))) await this.request(connection, 0);
  }

  /**
   * Passes over a connection's unprocessed events. A pass already running in this process is asked for one more
   * pass instead (it may have listed the events before the newest arrived); another process draining the connection
   * makes this come back later.
   */
  async drain(connection: string): Promise<void> {
    if (this.stopped) return;
    const running = this.passes.get(connection);
    if (running) {
      running.again = true;
      return;
    }
    let finish: () => void = () => undefined;
    const pass = { again: false, done: new Promise<void>((resolve) => (finish = resolve)) };
    this.passes.set(connection, pass);
    let outcome: PassOutcome | null;
    try {
      do {
        pass.again = false;
        const attempt = await this.deps.ledger.locks.trySyncLock(drainLock(connection), () => this.drainLocked(connection));
        outcome = attempt ? attempt.value : null;
      } while (pass.again && outcome !== null);
    } finally {
      this.passes.delete(connection);
      finish();
    }
    await this.followUp(connection, outcome);
  }

  /** Schedules the next pass: when a waiting record's window closes, and as soon as a busy sync is free. */
  private async followUp(connection: string, outcome: PassOutcome | null): Promise<void> {
    if (outcome === null) return this.later(connection, this.deps.timing.busyRetryMs);
    if (outcome.againMs !== null) await this.later(connection, outcome.againMs);
    const local = this.local.has(connection);
    const here = outcome.busy.filter((sync) => this.deps.runner.isRunning(sync));
    const elsewhere = outcome.busy.filter((sync) => !here.includes(sync));
    // Held by a cycle of this process: one more pass the moment it ends.
    if (local) for (const sync of here) void this.deps.runner.whenIdle(sync).then(() => this.wakeups.wake(connection, 0));
    if (elsewhere.length === 0) this.busyStreak.delete(connection);
    if (elsewhere.length === 0 && (here.length === 0 || local)) return;
    // Held by another process (its end is not signalled here): soon, then less often while it stays busy.
    const streak = this.busyStreak.get(connection) ?? 0;
    this.busyStreak.set(connection, streak + 1);
    await this.later(connection, Math.min(this.deps.timing.busyRetryMs, BUSY_FIRST_RETRY_MS * 2 ** streak));
  }

  /** The next pass: a timer when this process drains the connection, else a queued job. */
  private async later(connection: string, delayMs: number): Promise<void> {
    if (this.local.has(connection)) this.wakeups.wake(connection, delayMs);
    else await this.deps.queue.send<DrainJob>(webhookQueue(connection), { connection }, { startAfterMs: delayMs });
  }

  private runLocally(connection: string): void {
    this.drain(connection).catch((error: unknown) => {
      // The events stay unprocessed; the sweep hands them to a worker again.
      this.deps.logger.warn({ connection, err: error }, 'webhook drain pass failed');
    });
  }

  private async drainLocked(connection: string): Promise<PassOutcome> {
    const events = await this.deps.ledger.webhookEvents.listUnprocessed({ connection, limit: BATCH });
    if (events.length === 0) return { againMs: null, busy: [] };
    const pending = events.flatMap((event) => hintsOf(event).map((hint) => ({ event, hint })));
    const blocked = new Set<string>();
    const busy: string[] = [];
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
      const ready = await this.withoutEchoes(connection, spec, work.ready);
      if (ready.length > 0 && !(await this.runTargeted(connection, spec, ready))) {
        for (const p of ready) blocked.add(p.event.id);
        busy.push(spec.name);
      }
    }
    await this.markDone(connection, events, blocked);
    return { againMs: again ?? (events.length === BATCH && busy.length === 0 ? 0 : null), busy };
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

  /**
   * Drops the `changed` hints of records that hold what the ledger has (the apps' echoes of the engine's own writes):
   * checked without the sync lock, so echoes no longer queue behind, or hold up, the cycles of real edits.
   */
  private async withoutEchoes(connection: string, spec: SyncSpec, ready: PendingHint[]): Promise<PendingHint[]> {
    const changed = ready.filter((p) => p.hint.kind === 'changed');
    if (changed.length === 0) return ready;
    const savedSince = Math.min(...changed.map((p) => p.event.receivedAt.getTime())) - ECHO_WINDOW_MS;
    let echoes: Set<string>;
    try {
      echoes = await this.deps.runner.settledEchoes(spec, { app: connection, ids: changed.map((p) => p.hint.id), savedSince });
    } catch (error) {
      this.deps.logger.warn({ sync: spec.name, connection, err: error }, 'echo check failed; the cycle looks at every record');
      return ready;
    }
    return echoes.size === 0 ? ready : ready.filter((p) => p.hint.kind !== 'changed' || !echoes.has(p.hint.id));
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
    const done = events.filter((event) => !blocked.has(event.id));
    if (done.length === 0) return;
    await this.deps.ledger.webhookEvents.markProcessedMany(done.map((event) => event.id));
    const now = this.now();
    for (const event of done) this.deps.metrics.webhookHandled(connection, event.receivedAt, now);
  }
}

function minDelay(current: number | null, delay: number): number {
  const d = Math.max(0, delay);
  return current === null ? d : Math.min(current, d);
}
