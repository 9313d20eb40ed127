/**
 * The memory app's own signed webhooks. Signature: hex HMAC-SHA256, keyed by the shared secret, of
 * `<timestamp>.<raw body>` in `x-memory-signature`, with the epoch-ms timestamp in `x-memory-timestamp`.
 * The timestamp is inside the signed text so that a captured delivery cannot be replayed later with a
 * fresh timestamp.
 */
import {
  DEFAULT_WEBHOOK_TOLERANCE_MS,
  webhookHeader,
  hmacSha256,
  verifyHmacSignature,
  WebhookPayloadError,
  WebhookSignatureError,
  type ChangeHint,
  type WebhookHandler,
  type WebhookRequest,
} from '@tandem/connector-sdk';
import type { MemoryEvent } from './memory.types.js';

export const MEMORY_SIGNATURE_HEADER = 'x-memory-signature';
export const MEMORY_TIMESTAMP_HEADER = 'x-memory-timestamp';

/** Wire form of one event: the log entry without its `source`. */
export type MemoryWireEvent = Omit<MemoryEvent, 'source'>;

/** The exact bytes the memory app signs. */
function signedPayload(timestamp: number | string, rawBody: Buffer | string): Buffer {
  return Buffer.concat([Buffer.from(`${timestamp}.`), Buffer.from(rawBody)]);
}

export function signMemoryWebhook(secret: string, timestamp: number, rawBody: Buffer | string): string {
  return hmacSha256(secret, signedPayload(timestamp, rawBody), 'hex');
}

/** A signed delivery of `events`, as the engine's webhook endpoint would receive it. */
export function memoryWebhookRequest(
  events: readonly MemoryEvent[],
  options: { secret: string; timestamp: number; receivedAt?: number; url?: string },
): WebhookRequest {
  const wire: MemoryWireEvent[] = events.map(({ source: _source, ...event }) => event);
  const rawBody = Buffer.from(JSON.stringify({ events: wire }));
  return {
    method: 'POST',
    url: options.url ?? '/webhooks/memory',
    headers: {
      'content-type': 'application/json',
      [MEMORY_SIGNATURE_HEADER]: signMemoryWebhook(options.secret, options.timestamp, rawBody),
      [MEMORY_TIMESTAMP_HEADER]: String(options.timestamp),
    },
    rawBody,
    receivedAt: options.receivedAt ?? options.timestamp,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(event: Record<string, unknown>, key: string): string {
  const value = event[key];
  if (typeof value !== 'string' || value === '') throw new WebhookPayloadError(`memory webhook event lacks ${key}`);
  return value;
}

function toHint(event: unknown): ChangeHint {
  if (!isRecord(event)) throw new WebhookPayloadError('memory webhook event is not an object');
  const base = { object: str(event, 'object'), id: str(event, 'id'), eventId: str(event, 'eventId') };
  const occurredAt = typeof event.occurredAt === 'number' ? { occurredAt: event.occurredAt } : {};
  switch (event.type) {
    case 'created':
    case 'changed':
      return { kind: 'changed', ...base, ...occurredAt };
    case 'deleted':
      return { kind: 'deleted', ...base, ...occurredAt };
    case 'rekeyed':
      return { kind: 'rekeyed', ...base, newId: str(event, 'newId'), ...occurredAt };
    case 'merged':
      return { kind: 'merged', ...base, intoId: str(event, 'intoId'), ...occurredAt };
    default:
      throw new WebhookPayloadError('memory webhook event has an unknown type');
  }
}

export class MemoryWebhooks implements WebhookHandler {
  private readonly secret: string;
  private readonly toleranceMs: number;

  constructor(options: { secret: string; toleranceMs?: number }) {
    this.secret = options.secret;
    this.toleranceMs = options.toleranceMs ?? DEFAULT_WEBHOOK_TOLERANCE_MS;
  }

  /** Throws the SDK's WebhookSignatureError (401) with a reason: missing-*, stale or mismatch. */
  verify(req: WebhookRequest): void {
    const stamp = webhookHeader(req, MEMORY_TIMESTAMP_HEADER);
    if (stamp !== undefined && !/^\d+$/.test(stamp)) {
      throw new WebhookSignatureError('missing-timestamp', 'memory webhook timestamp is unreadable');
    }
    verifyHmacSignature({
      secrets: [this.secret],
      payload: signedPayload(stamp ?? '', req.rawBody),
      signature: webhookHeader(req, MEMORY_SIGNATURE_HEADER),
      encoding: 'hex',
      timestampMs: stamp === undefined ? undefined : Number(stamp),
      nowMs: req.receivedAt,
      toleranceMs: this.toleranceMs,
    });
  }

  parse(req: WebhookRequest): ChangeHint[] {
    let body: unknown;
    try {
      body = JSON.parse(req.rawBody.toString('utf8'));
    } catch {
      throw new WebhookPayloadError('memory webhook body is not JSON');
    }
    if (!isRecord(body) || !Array.isArray(body.events))
      throw new WebhookPayloadError('memory webhook body lacks events');
    return body.events.map(toHint);
  }
}
