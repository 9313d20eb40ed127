import fc from 'fast-check';
import { backoffDelayMs, DEFAULT_RETRY_POLICY, type RetryPolicy } from './backoff.js';

const policy = fc
  .record({
    baseMs: fc.integer({ min: 1, max: 60_000 }),
    factor: fc.integer({ min: 1, max: 1000 }),
    maxAttempts: fc.constant(8),
  })
  .map(({ baseMs, factor, maxAttempts }): RetryPolicy => ({ baseMs, maxMs: baseMs * factor, maxAttempts }));
const jitter = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

describe('backoffDelayMs', () => {
  it('waits the base delay after a first failure with full jitter, and half of it with none', () => {
    expect(backoffDelayMs(1, DEFAULT_RETRY_POLICY, 0)).toBe(DEFAULT_RETRY_POLICY.baseMs / 2);
    expect(backoffDelayMs(1, DEFAULT_RETRY_POLICY, 0.999999)).toBe(DEFAULT_RETRY_POLICY.baseMs);
  });

  it('never waits less than half the exponential step nor more than the cap', () => {
    fc.assert(
      fc.property(policy, fc.integer({ min: 1, max: 200 }), jitter, (p, attempts, j) => {
        const step = Math.min(p.maxMs, p.baseMs * 2 ** Math.min(attempts - 1, 40));
        const delay = backoffDelayMs(attempts, p, j);
        return delay >= Math.floor(step / 2) && delay <= p.maxMs;
      }),
    );
  });

  it('never retries sooner after more failures, for the same jitter', () => {
    fc.assert(
      fc.property(policy, fc.integer({ min: 1, max: 100 }), jitter, (p, attempts, j) => {
        return backoffDelayMs(attempts + 1, p, j) >= backoffDelayMs(attempts, p, j);
      }),
    );
  });
});
