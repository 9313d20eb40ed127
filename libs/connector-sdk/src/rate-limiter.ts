import { systemClock, type Clock } from './clock.js';

export interface RateLimitOptions {
  /** Requests allowed per window by the app (the whole quota; `share` takes a part of it). Omit for no window limit. */
  requests?: number;
  windowMs?: number;
  /** Requests in flight at once (e.g. Mailchimp's 10 connections). Omit for no limit. */
  maxConcurrent?: number;
  /** Part of the app's quota this connection may use, in (0, 1]; applies to `requests` and `maxConcurrent`. */
  share?: number;
  clock?: Clock;
}

/** Gives back the concurrency slot; calling it twice is harmless. `waitedMs` is how long the grant was held back. */
export type Release = (() => void) & { readonly waitedMs: number };

interface Waiter {
  resolve: (release: Release) => void;
  enqueuedAt: number;
  // True only while acquire() itself runs the first pump, i.e. the grant needed no waiting at all.
  immediate: boolean;
}

/**
 * Per-connection limiter: a sliding-window log of grant times (at most `limit` entries), a concurrency cap, and a
 * pause shared by every request of the connection (set when the app says "wait", e.g. a 429 with Retry-After).
 * Waiters are served first come, first served so a burst cannot starve an earlier caller.
 */
export class RateLimiter {
  readonly limit: number;
  readonly windowMs: number;
  readonly maxConcurrent: number;
  private readonly clock: Clock;
  private readonly grants: number[] = [];
  private readonly waiters: Waiter[] = [];
  private inFlight = 0;
  private pausedUntilMs = 0;
  private timerArmed = false;

  constructor(options: RateLimitOptions = {}) {
    const share = options.share ?? 1;
    if (!(share > 0 && share <= 1)) throw new RangeError(`rate limit share must be in (0, 1], got ${share}`);
    this.limit = scaled(options.requests, share);
    this.windowMs = options.windowMs ?? 1000;
    this.maxConcurrent = scaled(options.maxConcurrent, share);
    this.clock = options.clock ?? systemClock;
    if (Number.isFinite(this.limit) && !(this.windowMs > 0)) throw new RangeError('rate limit windowMs must be > 0');
  }

  /** Waits for a window slot, a concurrency slot and the end of any pause. */
  acquire(): Promise<Release> {
    return new Promise((resolve) => {
      const waiter: Waiter = { resolve, enqueuedAt: this.clock.now(), immediate: true };
      this.waiters.push(waiter);
      this.pump();
      waiter.immediate = false;
    });
  }

  /** Runs `fn` inside a slot. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await fn();
    } finally {
      release();
    }
  }

  /** Holds every request of the connection until `epochMs` (never shortens an existing pause). */
  pauseUntil(epochMs: number): void {
    if (epochMs > this.pausedUntilMs) this.pausedUntilMs = epochMs;
  }

  get pausedUntil(): number {
    return this.pausedUntilMs;
  }

  get active(): number {
    return this.inFlight;
  }

  get queued(): number {
    return this.waiters.length;
  }

  private pump(): void {
    while (this.waiters.length > 0 && this.inFlight < this.maxConcurrent) {
      const now = this.clock.now();
      const wait = this.delayMs(now);
      if (wait > 0) {
        this.wakeAfter(wait);
        return;
      }
      const waiter = this.waiters.shift() as Waiter;
      if (Number.isFinite(this.limit)) this.grants.push(now);
      this.inFlight++;
      waiter.resolve(this.releaser(waiter.immediate ? 0 : Math.max(0, now - waiter.enqueuedAt)));
    }
  }

  /** Milliseconds until the next grant is allowed by the pause and the window. */
  private delayMs(now: number): number {
    while (this.grants.length > 0 && this.grants[0] + this.windowMs <= now) this.grants.shift();
    let wait = this.pausedUntilMs - now;
    if (this.grants.length >= this.limit) {
      const oldestCounted = this.grants[this.grants.length - this.limit];
      wait = Math.max(wait, oldestCounted + this.windowMs - now);
    }
    return wait;
  }

  private wakeAfter(ms: number): void {
    if (this.timerArmed) return;
    this.timerArmed = true;
    void this.clock.sleep(ms).then(() => {
      this.timerArmed = false;
      this.pump();
    });
  }

  private releaser(waitedMs: number): Release {
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.inFlight--;
      this.pump();
    };
    return Object.assign(release, { waitedMs });
  }
}

function scaled(quota: number | undefined, share: number): number {
  if (quota === undefined || !Number.isFinite(quota)) return Number.POSITIVE_INFINITY;
  if (!(quota >= 1)) throw new RangeError(`rate limit quota must be >= 1, got ${quota}`);
  return Math.max(1, Math.floor(quota * share));
}
