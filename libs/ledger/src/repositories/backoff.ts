/** How failed writes are retried (DESIGN §4 `retry`). */
export interface RetryPolicy {
  /** The retry is dead after this many failed attempts; a human can replay it. */
  maxAttempts: number;
  /** Delay after the first failure. */
  baseMs: number;
  /** Upper bound of any delay. */
  maxMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 8, baseMs: 30_000, maxMs: 6 * 60 * 60 * 1000 };

/**
 * Delay before the next attempt after `attempts` failures: exponential, capped, then scaled into [50 %, 100 %]
 * by `jitter` (a number in [0, 1) the caller passes in, so tests are deterministic and peers do not retry in step).
 */
export function backoffDelayMs(attempts: number, policy: RetryPolicy, jitter: number): number {
  const exponent = Math.max(0, attempts - 1);
  const raw = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(exponent, 40));
  const j = Math.min(Math.max(jitter, 0), 1);
  return Math.round(raw * (0.5 + j / 2));
}
