/**
 * Reading "wait" instructions from response headers. Header names are lower-case (the client normalises them).
 * Sources: Retry-After (RFC 9110, seconds or HTTP date); HubSpot X-HubSpot-RateLimit-*; Zendesk X-Rate-Limit-* and
 * the IETF draft ratelimit-* (reset in seconds); Intercom/Freshdesk X-RateLimit-*; Brevo x-sib-ratelimit-*.
 */

export type HeaderMap = Record<string, string | undefined>;

export interface PauseHint {
  ms: number;
  reason: 'retry-after' | 'quota-headers';
}

// Reset values above this are epoch seconds, not a number of seconds to wait (1e9 s is 2001-09-09).
const EPOCH_SECONDS_THRESHOLD = 1e9;

/** Milliseconds from `nowMs` that a Retry-After value asks for, or undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

/** A reset header that is either seconds-to-wait or epoch seconds, as milliseconds from now. */
function parseReset(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined || !/^\d+(\.\d+)?$/.test(value.trim())) return undefined;
  const n = Number(value.trim());
  return n > EPOCH_SECONDS_THRESHOLD ? Math.max(0, n * 1000 - nowMs) : Math.round(n * 1000);
}

function isZero(value: string | undefined): boolean {
  return value !== undefined && value.trim() !== '' && Number(value.trim()) <= 0;
}

/**
 * How long the quota headers say to hold off because the budget is spent (remaining = 0), or undefined.
 * `fallbackMs` is used when a remaining count is 0 but no reset time is given (e.g. Zendesk's per-minute count).
 */
export function quotaPauseMs(headers: HeaderMap, nowMs: number, fallbackMs: number): number | undefined {
  const waits: number[] = [];
  if (isZero(headers['x-hubspot-ratelimit-remaining'])) {
    const interval = Number(headers['x-hubspot-ratelimit-interval-milliseconds']);
    waits.push(Number.isFinite(interval) && interval > 0 ? interval : fallbackMs);
  }
  if (isZero(headers['x-hubspot-ratelimit-secondly-remaining'])) waits.push(1000);
  const families: Array<[string, string]> = [
    ['ratelimit-remaining', 'ratelimit-reset'],
    ['x-ratelimit-remaining', 'x-ratelimit-reset'],
    ['x-rate-limit-remaining', 'x-rate-limit-reset'],
    ['x-sib-ratelimit-remaining', 'x-sib-ratelimit-reset'],
  ];
  for (const [remaining, reset] of families) {
    if (isZero(headers[remaining])) waits.push(parseReset(headers[reset], nowMs) ?? fallbackMs);
  }
  return waits.length === 0 ? undefined : Math.max(...waits);
}

/** The pause a response asks for: Retry-After on an error status wins over quota headers when longer. */
export function pauseFromResponse(
  status: number,
  headers: HeaderMap,
  nowMs: number,
  fallbackMs: number,
): PauseHint | undefined {
  const retryAfter = status >= 400 ? parseRetryAfter(headers['retry-after'], nowMs) : undefined;
  const quota = quotaPauseMs(headers, nowMs, fallbackMs);
  if (retryAfter !== undefined && (quota === undefined || retryAfter >= quota)) {
    return { ms: retryAfter, reason: 'retry-after' };
  }
  return quota === undefined ? undefined : { ms: quota, reason: 'quota-headers' };
}
