import type { Faults } from './faults.js';
import type { Prng } from './prng.js';
import type { Stats } from './stats.js';
import { sleep } from './http.js';

/** Where a simulator sends its webhooks; `secret` signs them when the app signs. */
export interface WebhookTarget {
  url: string;
  secret?: string;
}

/** One HTTP delivery built by an app-specific formatter. */
export interface Delivery {
  headers: Record<string, string>;
  body: string;
}

export interface EmitterOptions<E> {
  /** Builds the request for a batch of events on a given attempt (0 = first try). */
  format: (events: E[], attempt: number, target: WebhookTarget) => Delivery;
  /** Events per request: HubSpot batches up to 100, the others send one each. */
  batchSize: number;
  maxAttempts: () => number;
  retryBaseMs: () => number;
  timeoutMs: number;
  faults: () => Faults;
  rng: Prng;
  stats: Stats;
}

export interface DeliveryLogEntry {
  attempt: number;
  status: number | 'error';
  events: number;
}

const HOLD_MS = 200;

/** The part of an emitter the shared simulator code and admin endpoints drive. */
export interface EmitterControl {
  readonly log: DeliveryLogEntry[];
  configure(target: WebhookTarget | null): void;
  current(): WebhookTarget | null;
  idle(): Promise<void>;
  reset(): void;
}

/**
 * Queues change events and POSTs them to the target, applying drop / duplicate / reorder faults and retrying
 * failures with growing delays. `idle()` resolves once nothing is queued or in flight (tests wait on it).
 */
export class WebhookEmitter<E> implements EmitterControl {
  private target: WebhookTarget | null = null;
  private queue: E[] = [];
  private held: E[] = [];
  /** When the oldest held event was held; it goes out after a later event, or after HOLD_MS at the latest. */
  private heldSince = 0;
  private pending = 0;
  private scheduled = false;
  private waiters: (() => void)[] = [];
  readonly log: DeliveryLogEntry[] = [];

  constructor(private readonly options: EmitterOptions<E>) {}

  configure(target: WebhookTarget | null): void {
    this.target = target;
  }

  current(): WebhookTarget | null {
    return this.target;
  }

  emit(event: E): void {
    if (!this.target) return;
    const faults = this.options.faults();
    const { rng, stats } = this.options;
    if (rng.chance(faults.webhookDropRate)) {
      stats.webhook('dropped');
      return;
    }
    // A reordered event is held back and sent after the events that follow it.
    if (rng.chance(faults.webhookReorderRate)) {
      stats.webhook('reordered');
      this.hold(event);
    } else {
      this.queue.push(event);
    }
    if (rng.chance(faults.webhookDuplicateRate)) {
      stats.webhook('duplicated');
      this.hold(event);
    }
    this.schedule();
  }

  idle(): Promise<void> {
    if (!this.busy()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  reset(): void {
    this.queue = [];
    this.held = [];
    this.log.length = 0;
  }

  private busy(): boolean {
    return this.pending > 0 || this.scheduled || this.queue.length > 0 || this.held.length > 0;
  }

  private hold(event: E): void {
    if (this.held.length === 0) this.heldSince = Date.now();
    this.held.push(event);
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setTimeout(() => this.flush(), 5);
  }

  private flush(): void {
    this.scheduled = false;
    const release = this.queue.length > 0 || Date.now() - this.heldSince >= HOLD_MS;
    const events = release ? [...this.queue, ...this.held] : [...this.queue];
    this.queue = [];
    if (release) this.held = [];
    else this.schedule();
    const target = this.target;
    if (target) {
      for (let i = 0; i < events.length; i += this.options.batchSize) {
        this.pending += 1;
        void this.deliver(events.slice(i, i + this.options.batchSize), target).finally(() => this.settle());
      }
    }
    this.settle();
  }

  private settle(): void {
    if (this.busy()) return;
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((resolve) => resolve());
  }

  private async deliver(events: E[], target: WebhookTarget): Promise<void> {
    try {
      for (let attempt = 0; attempt < this.options.maxAttempts(); attempt += 1) {
        if (attempt > 0) await sleep(this.options.retryBaseMs() * 2 ** (attempt - 1));
        if (await this.attempt(events, attempt, target)) return;
      }
    } finally {
      this.pending -= 1;
    }
  }

  private async attempt(events: E[], attempt: number, target: WebhookTarget): Promise<boolean> {
    const { stats } = this.options;
    const delivery = this.options.format(events, attempt, target);
    stats.webhook('attempts');
    try {
      const res = await fetch(target.url, {
        method: 'POST',
        headers: delivery.headers,
        body: delivery.body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      await res.arrayBuffer();
      this.log.push({ attempt, status: res.status, events: events.length });
      const ok = res.status >= 200 && res.status < 300;
      stats.webhook(ok ? 'delivered' : 'failed');
      return ok;
    } catch {
      this.log.push({ attempt, status: 'error', events: events.length });
      stats.webhook('failed');
      return false;
    }
  }
}
