import fc from 'fast-check';
import { ManualClock } from './clock.js';
import { RateLimiter, type Release } from './rate-limiter.js';

/** Starts `n` acquisitions and records the clock time at which each is granted. */
function startMany(limiter: RateLimiter, clock: ManualClock, n: number) {
  const grantedAt: number[] = [];
  const releases: Release[] = [];
  for (let i = 0; i < n; i++) {
    void limiter.acquire().then((release) => {
      grantedAt[i] = clock.now();
      releases[i] = release;
    });
  }
  return { grantedAt, releases };
}

describe('RateLimiter', () => {
  it('lets 100 requests through in a 10 s window and holds the 101st until the first one leaves the window', async () => {
    const clock = new ManualClock(1_000);
    const limiter = new RateLimiter({ requests: 100, windowMs: 10_000, clock });
    const { grantedAt, releases } = startMany(limiter, clock, 101);
    await clock.advance(0);
    expect(grantedAt.filter((t) => t !== undefined)).toHaveLength(100);
    releases.forEach((release) => release());
    await clock.advance(9_999);
    expect(grantedAt[100]).toBeUndefined();
    await clock.advance(1);
    expect(grantedAt[100]).toBe(11_000);
    expect(releases[0].waitedMs).toBe(0);
    expect(releases[100].waitedMs).toBe(10_000);
  });

  it('counts an answered request from its answer, so its slot frees a window after the app may have counted it', async () => {
    const clock = new ManualClock(0);
    const limiter = new RateLimiter({ requests: 1, windowMs: 1_000, clock });
    const { grantedAt, releases } = startMany(limiter, clock, 2);
    await clock.advance(0);
    expect(grantedAt[0]).toBe(0);
    await clock.advance(300);
    releases[0]();
    expect(limiter.msUntilOwnSlot(clock.now())).toBe(1_000);
    await clock.advance(999);
    expect(grantedAt[1]).toBeUndefined();
    await clock.advance(1);
    expect(grantedAt[1]).toBe(1_300);
  });

  it('never grants more than the limit within any window, over a long burst', async () => {
    const clock = new ManualClock(0);
    const limiter = new RateLimiter({ requests: 5, windowMs: 1_000, clock });
    const { grantedAt, releases } = startMany(limiter, clock, 23);
    for (let step = 0; step < 6; step++) {
      await clock.advance(1_000);
      releases.forEach((release) => release?.());
    }
    expect(grantedAt.filter((t) => t !== undefined)).toHaveLength(23);
    for (const t of grantedAt) {
      expect(grantedAt.filter((u) => u >= t && u < t + 1_000).length).toBeLessThanOrEqual(5);
    }
  });

  it('keeps in flight no more than maxConcurrent and starts the next as soon as one finishes', async () => {
    const clock = new ManualClock(0);
    const limiter = new RateLimiter({ maxConcurrent: 2, clock });
    const { grantedAt, releases } = startMany(limiter, clock, 3);
    await clock.advance(0);
    expect(limiter.active).toBe(2);
    expect(grantedAt[2]).toBeUndefined();
    await clock.advance(50);
    releases[0]();
    await clock.advance(0);
    expect(grantedAt[2]).toBe(50);
    expect(limiter.active).toBe(2);
  });

  it('ignores a second release of the same slot', async () => {
    const limiter = new RateLimiter({ maxConcurrent: 1 });
    const release = await limiter.acquire();
    release();
    release();
    expect(limiter.active).toBe(0);
    const again = await limiter.acquire();
    expect(limiter.active).toBe(1);
    again();
  });

  it('takes only its share of the app quota for requests and concurrency', () => {
    const limiter = new RateLimiter({ requests: 100, windowMs: 10_000, maxConcurrent: 10, share: 0.25 });
    expect(limiter.limit).toBe(25);
    expect(limiter.maxConcurrent).toBe(2);
    expect(new RateLimiter({ requests: 3, share: 0.1 }).limit).toBe(1);
  });

  it('rejects a share outside (0, 1]', () => {
    expect(() => new RateLimiter({ requests: 10, share: 0 })).toThrow(RangeError);
    expect(() => new RateLimiter({ requests: 10, share: 1.5 })).toThrow(RangeError);
  });

  it('holds every request of the connection while a 429 pause lasts, then resumes in arrival order', async () => {
    const clock = new ManualClock(0);
    const limiter = new RateLimiter({ requests: 100, windowMs: 10_000, clock });
    limiter.pauseUntil(3_000);
    const { grantedAt } = startMany(limiter, clock, 3);
    await clock.advance(2_999);
    expect(grantedAt.filter((t) => t !== undefined)).toHaveLength(0);
    await clock.advance(1);
    expect(grantedAt).toEqual([3_000, 3_000, 3_000]);
  });

  it('extends a pause that is already running but never shortens it', async () => {
    const clock = new ManualClock(0);
    const limiter = new RateLimiter({ clock });
    limiter.pauseUntil(1_000);
    const { grantedAt } = startMany(limiter, clock, 1);
    await clock.advance(500);
    limiter.pauseUntil(2_000);
    limiter.pauseUntil(1_200);
    expect(limiter.pausedUntil).toBe(2_000);
    await clock.advance(1_000);
    expect(grantedAt[0]).toBeUndefined();
    await clock.advance(500);
    expect(grantedAt[0]).toBe(2_000);
  });

  it('serves waiters first come, first served', async () => {
    const clock = new ManualClock(0);
    const limiter = new RateLimiter({ requests: 1, windowMs: 100, clock });
    const order: number[] = [];
    for (let i = 0; i < 4; i++) void limiter.run(async () => order.push(i));
    await clock.advance(400);
    expect(order).toEqual([0, 1, 2, 3]);
  });
});

describe('RateLimiter under random load', () => {
  it('never exceeds the window limit or the concurrency cap, and serves every request', async () => {
    const load = fc.record({
      limit: fc.integer({ min: 1, max: 5 }),
      windowMs: fc.integer({ min: 10, max: 200 }),
      maxConcurrent: fc.integer({ min: 1, max: 4 }),
      requests: fc.array(
        fc.record({ arrival: fc.integer({ min: 0, max: 500 }), holdMs: fc.integer({ min: 0, max: 80 }) }),
        {
          minLength: 1,
          maxLength: 30,
        },
      ),
    });
    await fc.assert(
      fc.asyncProperty(load, async ({ limit, windowMs, maxConcurrent, requests }) => {
        const clock = new ManualClock(0);
        const limiter = new RateLimiter({ requests: limit, windowMs, maxConcurrent, clock });
        const spans: Array<{ start: number; end: number; arrival: number }> = [];
        for (const { arrival, holdMs } of requests) {
          void clock.sleep(arrival).then(async () => {
            const release = await limiter.acquire();
            const start = clock.now();
            await clock.sleep(holdMs);
            spans.push({ start, end: clock.now(), arrival });
            release();
          });
        }
        await clock.advance(100_000);
        expect(spans).toHaveLength(requests.length);
        for (const s of spans) {
          expect(s.start).toBeGreaterThanOrEqual(s.arrival);
          expect(spans.filter((o) => o.start >= s.start && o.start < s.start + windowMs).length).toBeLessThanOrEqual(
            limit,
          );
          // Requests running at the instant s starts (zero-length holds end before the next starts).
          expect(spans.filter((o) => o.start <= s.start && o.end > s.start).length).toBeLessThanOrEqual(maxConcurrent);
        }
      }),
      { numRuns: 150 },
    );
  });
});
