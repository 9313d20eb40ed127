import { parseRetryAfter, pauseFromResponse, quotaPauseMs } from './rate-limit-headers.js';

const NOW = Date.parse('2026-03-01T12:00:00Z');

describe('parseRetryAfter', () => {
  it('reads delay-seconds, including fractions', () => {
    expect(parseRetryAfter('2', NOW)).toBe(2_000);
    expect(parseRetryAfter(' 0.5 ', NOW)).toBe(500);
  });

  it('reads an HTTP date relative to now and never goes negative', () => {
    expect(parseRetryAfter('Sun, 01 Mar 2026 12:00:30 GMT', NOW)).toBe(30_000);
    expect(parseRetryAfter('Sun, 01 Mar 2026 11:59:00 GMT', NOW)).toBe(0);
  });

  it('ignores a missing or unreadable value', () => {
    expect(parseRetryAfter(undefined, NOW)).toBeUndefined();
    expect(parseRetryAfter('soon', NOW)).toBeUndefined();
  });
});

describe('quotaPauseMs', () => {
  it('waits a HubSpot interval when the rolling budget is spent', () => {
    const headers = { 'x-hubspot-ratelimit-remaining': '0', 'x-hubspot-ratelimit-interval-milliseconds': '10000' };
    expect(quotaPauseMs(headers, NOW, 1_000)).toBe(10_000);
  });

  it('does not wait while budget remains', () => {
    const headers = {
      'x-hubspot-ratelimit-remaining': '12',
      'x-rate-limit-remaining': '3',
      'ratelimit-remaining': '1',
    };
    expect(quotaPauseMs(headers, NOW, 1_000)).toBeUndefined();
  });

  it('waits a second when the HubSpot per-second budget is spent', () => {
    expect(quotaPauseMs({ 'x-hubspot-ratelimit-secondly-remaining': '0' }, NOW, 60_000)).toBe(1_000);
  });

  it('uses the IETF ratelimit-reset seconds that Zendesk sends', () => {
    expect(quotaPauseMs({ 'ratelimit-remaining': '0', 'ratelimit-reset': '41' }, NOW, 1_000)).toBe(41_000);
  });

  it('treats a large x-ratelimit-reset as an epoch time (Intercom style)', () => {
    const reset = String(NOW / 1000 + 7);
    expect(quotaPauseMs({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }, NOW, 1_000)).toBe(7_000);
  });

  it("falls back to the connection's window when Zendesk's X-Rate-Limit-Remaining hits 0 with no reset", () => {
    expect(quotaPauseMs({ 'x-rate-limit-remaining': '0' }, NOW, 60_000)).toBe(60_000);
  });
});

describe('pauseFromResponse', () => {
  it('prefers Retry-After on an error when it asks for longer than the quota headers', () => {
    const headers = { 'retry-after': '30', 'ratelimit-remaining': '0', 'ratelimit-reset': '5' };
    expect(pauseFromResponse(429, headers, NOW, 1_000)).toEqual({ ms: 30_000, reason: 'retry-after' });
  });

  it('ignores Retry-After on a success', () => {
    expect(pauseFromResponse(200, { 'retry-after': '30' }, NOW, 1_000)).toBeUndefined();
  });
});
