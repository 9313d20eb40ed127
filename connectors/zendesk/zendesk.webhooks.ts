/**
 * Zendesk webhooks (event subscriptions). `X-Zendesk-Webhook-Signature` is base64 HMAC-SHA256 keyed by the webhook's
 * signing secret over `timestamp + body` (no separator), with the timestamp in
 * `X-Zendesk-Webhook-Signature-Timestamp`. Every configured secret is tried (two during a rotation); a timestamp
 * outside the tolerance is stale; an event id seen within the tolerance is a replay (Zendesk documents no replay
 * window, so the signed timestamp plus this guard is ours).
 *
 * Envelope: `{id, time, type: "zen:event-type:user.…", subject: "zen:user:<id>", detail: {id: "<id>", …}, event}`;
 * ids in `detail` are strings.
 */
import { createHash } from 'node:crypto';
import {
  DEFAULT_WEBHOOK_TOLERANCE_MS,
  webhookHeader,
  ReplayGuard,
  verifyHmacSignature,
  WebhookPayloadError,
  type ChangeHint,
  type WebhookHandler,
  type WebhookRequest,
} from '@tandem/connector-sdk';

export const ZENDESK_SIGNATURE_HEADER = 'x-zendesk-webhook-signature';
export const ZENDESK_TIMESTAMP_HEADER = 'x-zendesk-webhook-signature-timestamp';

/** Zendesk sends an ISO time; epoch seconds are accepted too. */
function parseTimestamp(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  const ms = /^\d+$/.test(trimmed) ? Number(trimmed) * 1000 : Date.parse(trimmed);
  return Number.isFinite(ms) ? ms : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseBody(raw: Buffer): Record<string, unknown> {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new WebhookPayloadError('zendesk webhook body is not JSON');
  }
  if (!isRecord(body)) throw new WebhookPayloadError('zendesk webhook body is not an object');
  return body;
}

const USER_TYPE = /^zen:event-type[:/]user\.(.+)$/;

export class ZendeskWebhooks implements WebhookHandler {
  private readonly secrets: string[];
  private readonly toleranceMs: number;
  private readonly replays: ReplayGuard;

  private readonly object: string;

  constructor(secrets: readonly string[], options: { toleranceMs?: number; object?: string } = {}) {
    this.object = options.object ?? 'users';
    this.secrets = secrets.filter((s) => s !== '');
    this.toleranceMs = options.toleranceMs ?? DEFAULT_WEBHOOK_TOLERANCE_MS;
    this.replays = new ReplayGuard({ ttlMs: 2 * this.toleranceMs });
  }

  /** Signature, age, then replay; each failure is a WebhookSignatureError (401) with a reason. */
  verify(req: WebhookRequest): void {
    const stamp = webhookHeader(req, ZENDESK_TIMESTAMP_HEADER);
    const signature = webhookHeader(req, ZENDESK_SIGNATURE_HEADER);
    verifyHmacSignature({
      secrets: this.secrets,
      payload: Buffer.concat([Buffer.from(stamp ?? '', 'utf8'), req.rawBody]),
      signature,
      encoding: 'base64',
      timestampMs: parseTimestamp(stamp),
      nowMs: req.receivedAt,
      toleranceMs: this.toleranceMs,
    });
    this.replays.assertFresh(this.replayKey(req, signature ?? ''), req.receivedAt);
  }

  /** The event id when the body is readable, else the signature (unique per timestamp and body). */
  private replayKey(req: WebhookRequest, signature: string): string {
    try {
      const id = parseBody(req.rawBody).id;
      if (typeof id === 'string' && id !== '') return `event:${id}`;
    } catch {
      // parse() reports the body; the signature still identifies the delivery
    }
    return `sig:${createHash('sha256').update(signature).digest('hex')}`;
  }

  parse(req: WebhookRequest): ChangeHint[] {
    const body = parseBody(req.rawBody);
    if (typeof body.type !== 'string') throw new WebhookPayloadError('zendesk webhook has no type');
    const kind = USER_TYPE.exec(body.type)?.[1];
    if (kind === undefined) return []; // ticket and organisation events say nothing about users
    const id = userId(body);
    if (id === undefined) throw new WebhookPayloadError('zendesk user event has no user id');
    const occurredAt = typeof body.time === 'string' ? Date.parse(body.time) : Number.NaN;
    const base = {
      object: this.object,
      id,
      ...(typeof body.id === 'string' ? { eventId: body.id } : {}),
      ...(Number.isFinite(occurredAt) ? { occurredAt } : {}),
    };
    const event = isRecord(body.event) ? body.event : {};
    if (kind === 'merged') {
      const into = isRecord(event.current) ? event.current.id : undefined;
      if (into !== undefined && into !== null && String(into) !== '')
        return [{ kind: 'merged', ...base, intoId: String(into) }];
    }
    // Soft deletion arrives as an active flag turning false.
    if (kind === 'deleted' || (kind === 'active_changed' && event.current === false))
      return [{ kind: 'deleted', ...base }];
    return [{ kind: 'changed', ...base }];
  }
}

/** `detail.id` (a string in Zendesk's payloads), else the id in `subject: "zen:user:<id>"`. */
function userId(body: Record<string, unknown>): string | undefined {
  const detail = isRecord(body.detail) ? body.detail : {};
  if ((typeof detail.id === 'string' && detail.id !== '') || typeof detail.id === 'number') return String(detail.id);
  const subject = typeof body.subject === 'string' ? /^zen:user:(\d+)$/.exec(body.subject)?.[1] : undefined;
  return subject;
}
