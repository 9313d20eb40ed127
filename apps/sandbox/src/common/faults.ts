import { isRecord } from './http.js';

/** How a field is rewritten on write, imitating an app that normalises what it stores. */
export type ReformatStyle = 'e164' | 'dashes' | 'lowercase' | 'uppercase' | 'trim';

/**
 * Faults one simulator injects. Rates are probabilities in [0, 1]; all zero means a well-behaved app.
 * `reformatOnWrite.field` names the field as the app names it (`phone`, `merge_fields.PHONE`, `user_fields.plan`).
 */
export interface Faults {
  latencyMs: number;
  errorRate5xx: number;
  /** After every `every` requests, the next `count` requests get 429. */
  burst429: { every: number; count: number } | null;
  webhookDropRate: number;
  webhookDuplicateRate: number;
  webhookReorderRate: number;
  reformatOnWrite: { field: string; style: ReformatStyle } | null;
  /** Zendesk: a finished job's status is gone (404), as if it expired, with this probability. */
  lostJobStatusRate: number;
}

export function noFaults(): Faults {
  return {
    latencyMs: 0,
    errorRate5xx: 0,
    burst429: null,
    webhookDropRate: 0,
    webhookDuplicateRate: 0,
    webhookReorderRate: 0,
    reformatOnWrite: null,
    lostJobStatusRate: 0,
  };
}

const RATE_KEYS = ['errorRate5xx', 'webhookDropRate', 'webhookDuplicateRate', 'webhookReorderRate', 'lostJobStatusRate'] as const;
const STYLES: readonly ReformatStyle[] = ['e164', 'dashes', 'lowercase', 'uppercase', 'trim'];

/** Merges a partial fault set (from config or `POST /__admin/faults`) into the current one; throws on bad values. */
export function mergeFaults(current: Faults, patch: unknown): Faults {
  if (!isRecord(patch)) throw new Error('faults must be a JSON object');
  const next: Faults = { ...current };
  for (const key of RATE_KEYS) {
    if (patch[key] === undefined) continue;
    const value = patch[key];
    if (typeof value !== 'number' || value < 0 || value > 1) throw new Error(`${key} must be a number between 0 and 1`);
    next[key] = value;
  }
  if (patch.latencyMs !== undefined) {
    if (typeof patch.latencyMs !== 'number' || patch.latencyMs < 0) throw new Error('latencyMs must be a number >= 0');
    next.latencyMs = patch.latencyMs;
  }
  if (patch.burst429 !== undefined) next.burst429 = parseBurst(patch.burst429);
  if (patch.reformatOnWrite !== undefined) next.reformatOnWrite = parseReformat(patch.reformatOnWrite);
  return next;
}

function parseBurst(value: unknown): Faults['burst429'] {
  if (value === null) return null;
  if (!isRecord(value) || typeof value.every !== 'number' || typeof value.count !== 'number' || value.every < 1 || value.count < 0) {
    throw new Error('burst429 must be null or {every >= 1, count >= 0}');
  }
  return { every: value.every, count: value.count };
}

function parseReformat(value: unknown): Faults['reformatOnWrite'] {
  if (value === null) return null;
  if (!isRecord(value) || typeof value.field !== 'string' || !STYLES.includes(value.style as ReformatStyle)) {
    throw new Error(`reformatOnWrite must be null or {field, style: ${STYLES.join('|')}}`);
  }
  return { field: value.field, style: value.style as ReformatStyle };
}

/** Applies a reformat style to a stored string value. */
export function reformat(value: string, style: ReformatStyle): string {
  switch (style) {
    case 'e164': {
      const digits = value.replace(/\D/g, '');
      if (digits === '') return value;
      return digits.length === 10 ? `+1${digits}` : `+${digits}`;
    }
    case 'dashes': {
      const digits = value.replace(/\D/g, '');
      return digits.replace(/(\d{3})(?=\d{4,})/g, '$1-');
    }
    case 'lowercase':
      return value.toLowerCase();
    case 'uppercase':
      return value.toUpperCase();
    case 'trim':
      return value.trim();
  }
}

/** Counts requests for the burst429 fault: true when this request falls in a 429 run. */
export class BurstCounter {
  private seen = 0;

  hit(burst: Faults['burst429']): boolean {
    if (!burst || burst.count === 0) return false;
    this.seen += 1;
    const cycle = burst.every + burst.count;
    const position = (this.seen - 1) % cycle;
    return position >= burst.every;
  }

  reset(): void {
    this.seen = 0;
  }
}
