import { WebhookSignatureError } from './errors.js';

export interface ReplayGuardOptions {
  /** How long an event id is remembered. Match it to the signature tolerance (e.g. 5 minutes). */
  ttlMs: number;
  /** Most ids kept; the oldest are forgotten first. The engine's database dedup covers what falls out. */
  maxEntries?: number;
}

/**
 * In-memory defence against a captured webhook being sent again within the signature's tolerance window.
 * Memory is bounded by `maxEntries`; expiry relies on times passed in being (roughly) increasing.
 */
export class ReplayGuard {
  private readonly expiries = new Map<string, number>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;

  constructor(options: ReplayGuardOptions) {
    if (!(options.ttlMs > 0)) throw new RangeError('ttlMs must be > 0');
    this.ttlMs = options.ttlMs;
    this.maxEntries = options.maxEntries ?? 10_000;
  }

  /** True if the id was seen within the TTL. */
  has(eventId: string, nowMs: number): boolean {
    this.evictExpired(nowMs);
    const expiry = this.expiries.get(eventId);
    return expiry !== undefined && expiry > nowMs;
  }

  /** Records the id; returns false if it was already seen within the TTL (a replay). */
  checkAndRemember(eventId: string, nowMs: number): boolean {
    if (this.has(eventId, nowMs)) return false;
    this.expiries.delete(eventId);
    this.expiries.set(eventId, nowMs + this.ttlMs);
    while (this.expiries.size > this.maxEntries) {
      const oldest = this.expiries.keys().next().value as string;
      this.expiries.delete(oldest);
    }
    return true;
  }

  /** Like checkAndRemember, but throws WebhookSignatureError('replayed') on a replay. */
  assertFresh(eventId: string, nowMs: number): void {
    if (!this.checkAndRemember(eventId, nowMs)) {
      throw new WebhookSignatureError('replayed', 'webhook event was already received');
    }
  }

  get size(): number {
    return this.expiries.size;
  }

  // Map iteration follows insertion order, which is expiry order while time moves forward.
  private evictExpired(nowMs: number): void {
    for (const [id, expiry] of this.expiries) {
      if (expiry > nowMs) break;
      this.expiries.delete(id);
    }
  }
}
