import { createHmac, timingSafeEqual } from 'node:crypto';
import { WebhookSignatureError } from './errors.js';

export type SignatureEncoding = 'hex' | 'base64';

/** HMAC-SHA256 of `payload` keyed with `secret`, encoded as the app sends it. */
export function hmacSha256(secret: string | Buffer, payload: string | Buffer, encoding: SignatureEncoding): string {
  return createHmac('sha256', secret).update(payload).digest(encoding);
}

/** Compares two strings without leaking where they differ; different lengths are simply unequal. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  if (left.length !== right.length) return false;
  return timingSafeEqual(left, right);
}

export interface VerifyHmacOptions {
  /** Every secret currently valid: during a rotation the old and the new one. */
  secrets: readonly string[];
  /** Exactly the bytes the app signed (e.g. Zendesk: timestamp + body; HubSpot v3: method + uri + body + timestamp). */
  payload: string | Buffer;
  /** The signature header value, without any scheme prefix such as "sha256=". */
  signature: string | undefined;
  encoding: SignatureEncoding;
  /** When the app says it sent the request, epoch ms. Required whenever `toleranceMs` is set. */
  timestampMs?: number;
  nowMs: number;
  /** Largest accepted difference between `timestampMs` and `nowMs` (either direction). Omit to skip the check. */
  toleranceMs?: number;
}

/**
 * Checks a webhook HMAC against each valid secret and the request's age. Throws WebhookSignatureError with a
 * reason (missing-signature, missing-timestamp, no-secret, stale, mismatch); returns the index of the secret that
 * matched, so a rotation can tell when the old secret stops being used.
 */
export function verifyHmacSignature(options: VerifyHmacOptions): number {
  const { secrets, payload, signature, encoding, timestampMs, nowMs, toleranceMs } = options;
  const usable = secrets.filter((s) => s.length > 0);
  if (usable.length === 0) throw new WebhookSignatureError('no-secret', 'no webhook secret is configured');
  if (!signature || signature.trim() === '')
    throw new WebhookSignatureError('missing-signature', 'webhook signature missing');
  if (toleranceMs !== undefined) {
    if (timestampMs === undefined || !Number.isFinite(timestampMs)) {
      throw new WebhookSignatureError('missing-timestamp', 'webhook timestamp missing or unreadable');
    }
    if (Math.abs(nowMs - timestampMs) > toleranceMs) {
      throw new WebhookSignatureError(
        'stale',
        `webhook timestamp is ${Math.round((nowMs - timestampMs) / 1000)} s off`,
      );
    }
  }
  const presented = signature.trim();
  // Check every secret (no early exit) so the time taken does not reveal which one matched.
  let matched = -1;
  usable.forEach((secret, index) => {
    const equal = constantTimeEqual(hmacSha256(secret, payload, encoding), presented);
    if (equal && matched === -1) matched = index;
  });
  if (matched === -1) throw new WebhookSignatureError('mismatch', 'webhook signature does not match');
  return secrets.indexOf(usable[matched]);
}
