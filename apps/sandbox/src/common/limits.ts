/** Counts hits per key inside a rolling window of the simulator's clock. */
export class RollingWindow {
  private readonly hits = new Map<string, number[]>();

  constructor(private readonly windowMs: () => number) {}

  private live(key: string, now: number): number[] {
    const from = now - this.windowMs();
    const kept = (this.hits.get(key) ?? []).filter((t) => t > from);
    this.hits.set(key, kept);
    return kept;
  }

  count(key: string, now: number): number {
    return this.live(key, now).length;
  }

  /** Records a hit when under `limit`; returns false (and records nothing) when the window is full. */
  tryHit(key: string, now: number, limit: number): boolean {
    const kept = this.live(key, now);
    if (kept.length >= limit) return false;
    kept.push(now);
    return true;
  }

  /** Ms until the oldest hit leaves the window. */
  retryAfterMs(key: string, now: number): number {
    const oldest = this.live(key, now)[0];
    return oldest === undefined ? 0 : Math.max(0, oldest + this.windowMs() - now);
  }

  clear(): void {
    this.hits.clear();
  }
}

/** A per-day counter that resets when the UTC date of the clock changes. */
export class DailyCounter {
  private day = '';
  private readonly used = new Map<string, number>();

  hit(key: string, now: number): number {
    this.roll(now);
    const next = (this.used.get(key) ?? 0) + 1;
    this.used.set(key, next);
    return next;
  }

  count(key: string, now: number): number {
    this.roll(now);
    return this.used.get(key) ?? 0;
  }

  clear(): void {
    this.used.clear();
  }

  private roll(now: number): void {
    const day = new Date(now).toISOString().slice(0, 10);
    if (day !== this.day) {
      this.day = day;
      this.used.clear();
    }
  }
}
