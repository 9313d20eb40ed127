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
 * Per-connection limiter: a sliding-window log of request times (each from its grant, then from its answer), a
 * concurrency cap, and a pause shared by every request of the connection (set when the app says "wait", e.g. a 429
 * with Retry-After).
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

  /**
   * When this limiter's own log says a window slot frees (ms from `now`), or undefined when the log is not full: the
   * log is full exactly when this connection itself spent the window's quota, and then its oldest counted grant tells
   * when the rolling window lets the next request through.
   */
  msUntilOwnSlot(now: number): number | undefined {
    while (this.grants.length > 0 && (this.grants[0] as number) + this.windowMs <= now) this.grants.shift();
    if (!Number.isFinite(this.limit) || this.grants.length < this.limit) return undefined;
    return Math.max(0, (this.grants[this.grants.length - this.limit] as number) + this.windowMs - now);
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
      const counted = Number.isFinite(this.limit);
      if (counted) this.grants.push(now);
      this.inFlight++;
      waiter.resolve(this.releaser(waiter.immediate ? 0 : Math.max(0, now - waiter.enqueuedAt), counted ? now : null));
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

  private recount(grantedAt: number, answeredAt: number): void {
    moveGrant(this.grants, grantedAt, answeredAt);
  }

  private wakeAfter(ms: number): void {
    if (this.timerArmed) return;
    this.timerArmed = true;
    void this.clock.sleep(ms).then(() => {
      this.timerArmed = false;
      this.pump();
    });
  }

  /**
   * The app counted the request at some moment between its grant and its answer, so once answered it counts from the
   * answer: its window slot frees a full window after that, never before the app's own count lets go of it.
   */
  private releaser(waitedMs: number, grantedAt: number | null): Release {
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      if (grantedAt !== null) this.recount(grantedAt, this.clock.now());
      this.inFlight--;
      this.pump();
    };
    return Object.assign(release, { waitedMs });
  }
}

/** Moves one grant of the (sorted) log from `from` to the later time `to`, keeping the log sorted. */
function moveGrant(grants: number[], from: number, to: number): void {
  const at = grants.indexOf(from);
  if (at < 0 || to <= from) return;
  grants.splice(at, 1);
  let i = grants.length;
  while (i > 0 && (grants[i - 1] as number) > to) i -= 1;
  grants.splice(i, 0, to);
}

function scaled(quota: number | undefined, share: number): number {
  if (quota === undefined || !Number.isFinite(quota)) return Number.POSITIVE_INFINITY;
  if (!(quota >= 1)) throw new RangeError(`rate limit quota must be >= 1, got ${quota}`);
  return Math.max(1, Math.floor(quota * share));
}
