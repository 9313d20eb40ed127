/**
 * Time as a dependency. The rate limiter and the HTTP client's backoff read the time and sleep through a Clock,
 * so tests can drive them with a ManualClock instead of waiting.
 */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};

/**
 * A clock whose sleeps return at once and move its time forward by the time slept, so backoff, rate-limit pauses and
 * job polling take no real time while the code still sees the waits. For tests.
 */
export function jumpClock(): Clock {
  let offset = 0;
  return { now: () => Date.now() + offset, sleep: async (ms) => void (offset += Math.max(0, ms)) };
}

interface Timer {
  at: number;
  seq: number;
  resolve: () => void;
}

/** A clock that only moves when `advance` is called; sleepers wake in time order. For tests. */
export class ManualClock implements Clock {
  private current: number;
  private timers: Timer[] = [];
  private seq = 0;

  constructor(startMs = 0) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.timers.push({ at: this.current + ms, seq: this.seq++, resolve });
    });
  }

  /** Number of sleepers not yet woken. */
  get pendingSleeps(): number {
    return this.timers.length;
  }

  /** Moves time forward, waking each sleeper at its own time and letting the code it resumes run before the next. */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    for (;;) {
      await settle();
      const next = this.earliestDue(target);
      if (!next) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.current = Math.max(this.current, next.at);
      next.resolve();
    }
    this.current = target;
    await settle();
  }

  private earliestDue(target: number): Timer | undefined {
    let best: Timer | undefined;
    for (const t of this.timers) {
      if (t.at > target) continue;
      if (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq)) best = t;
    }
    return best;
  }
}

/** Lets every queued promise continuation run (a macrotask turn drains the microtask queue). */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
