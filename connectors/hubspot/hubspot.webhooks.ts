/**
 * HubSpot webhooks, signature v3: `X-HubSpot-Signature-v3` is base64 HMAC-SHA256, keyed with the app's client
 * secret, of method + URI + raw body + `X-HubSpot-Request-Timestamp` (epoch ms). Requests older than 5 minutes are
 * refused, and a delivery whose events were already received with the same attempt number is a replay (HubSpot's own
 * retries carry a higher `attemptNumber` and a fresh timestamp, so they pass). During a secret rotation both the old
 * and the new secret verify.
 *
 * The URI HubSpot signs is the full URL it posted to. Behind a proxy the engine sees another host, so `publicUrl`
 * (the target URL configured in HubSpot) can be given and is then used instead of the received URL.
 */
import {
  DEFAULT_WEBHOOK_TOLERANCE_MS,
  webhookHeader,
  ReplayGuard,
  arrayOf,
  checkShape,
  id,
  num,
  object,
  optional,
  str,
  verifyHmacSignature,
  WebhookPayloadError,
  WebhookSignatureError,
  type ChangeHint,
  type WebhookHandler,
  type WebhookRequest,
} from '@tandem/connector-sdk';

export const SIGNATURE_HEADER = 'x-hubspot-signature-v3';
export const TIMESTAMP_HEADER = 'x-hubspot-request-timestamp';

/** One event of a delivery (the body is a JSON array of these). */
export interface HubspotWebhookEvent {
  eventId: number | string;
  subscriptionType: string;
  objectId: number | string;
  occurredAt?: number;
  attemptNumber?: number;
  portalId?: number;
  primaryObjectId?: number | string;
  mergedObjectIds?: Array<number | string>;
}

export interface HubspotWebhookOptions {
  /** Valid client secrets: during a rotation, the old and the new one. */
  secrets: string[];
  toleranceMs?: number;
  /** The URL configured in HubSpot, when the engine is reached under another one. */
  publicUrl?: string;
}

const OBJECT_OF: Record<string, string> = { contact: 'contacts', company: 'companies' };

/**
 * One event as the connector reads it. Everything a hint is built from is checked here, so a delivery with an odd
 * field (a merged-id list that is not a list, an id that is an object) is a payload error, not a crash later.
 */
const eventShape = object({
  eventId: id,
  subscriptionType: str,
  objectId: id,
  occurredAt: optional(num),
  attemptNumber: optional(num),
  portalId: optional(num),
  primaryObjectId: optional(id),
  mergedObjectIds: optional(arrayOf(id)),
});

const deliveryShape = arrayOf(eventShape);

/** The events of a delivery; anything but a JSON array of well-formed events is a payload error. */
export function parseEvents(rawBody: Buffer): HubspotWebhookEvent[] {
  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new WebhookPayloadError('hubspot webhook body is not JSON');
  }
  return checkShape(deliveryShape, body, (problem) => new WebhookPayloadError(`hubspot webhook delivery: ${problem}`));
}

/** The hints one event carries; subscription types the engine has no use for (associations, …) carry none. */
export function eventHints(event: HubspotWebhookEvent): ChangeHint[] {
  const [kind, action] = event.subscriptionType.split('.');
  const object = OBJECT_OF[kind ?? ''];
  if (object === undefined) return [];
  const base = {
    object,
    id: String(event.objectId),
    eventId: String(event.eventId),
    ...(event.occurredAt === undefined ? {} : { occurredAt: event.occurredAt }),
  };
  switch (action) {
    case 'creation':
    case 'propertyChange':
    case 'restore':
      return [{ kind: 'changed', ...base }];
    case 'deletion':
    case 'privacyDeletion':
      return [{ kind: 'deleted', ...base }];
    case 'merge': {
      const intoId = String(event.primaryObjectId ?? event.objectId);
      const merged = (event.mergedObjectIds ?? []).map(String).filter((merged) => merged !== intoId);
      const hints: ChangeHint[] = merged.map((id) => ({ ...base, kind: 'merged', id, intoId }));
      // The surviving record took values from the merged ones.
      return [...hints, { ...base, kind: 'changed', id: intoId }];
    }
    default:
      return [];
  }
}

export class HubspotWebhooks implements WebhookHandler {
  private readonly secrets: string[];
  private readonly toleranceMs: number;
  private readonly publicUrl: string | undefined;
  private readonly replays: ReplayGuard;

  constructor(options: HubspotWebhookOptions) {
    this.secrets = options.secrets;
    this.toleranceMs = options.toleranceMs ?? DEFAULT_WEBHOOK_TOLERANCE_MS;
    this.publicUrl = options.publicUrl;
    this.replays = new ReplayGuard({ ttlMs: this.toleranceMs * 2 });
  }

  /** The URIs HubSpot may have signed: as posted (or as configured), then with percent-escapes decoded. */
  private signedUris(req: WebhookRequest): string[] {
    const uri = this.publicUrl ?? req.url;
    try {
      const decoded = decodeURI(uri);
      return decoded === uri ? [uri] : [uri, decoded];
    } catch {
      return [uri]; // a malformed escape: only the URI as received can match
    }
  }

  /** Throws WebhookSignatureError (401): missing-*, stale, mismatch, no-secret or replayed. */
  verify(req: WebhookRequest): void {
    const stamp = webhookHeader(req, TIMESTAMP_HEADER);
    if (stamp !== undefined && !/^\d+$/.test(stamp.trim())) {
      throw new WebhookSignatureError('missing-timestamp', 'hubspot webhook timestamp is unreadable');
    }
    const uris = this.signedUris(req);
    for (const [index, uri] of uris.entries()) {
      try {
        verifyHmacSignature({
          secrets: this.secrets,
          payload: Buffer.concat([Buffer.from(`${req.method.toUpperCase()}${uri}`), req.rawBody, Buffer.from(stamp ?? '')]),
          signature: webhookHeader(req, SIGNATURE_HEADER),
          encoding: 'base64',
          timestampMs: stamp === undefined ? undefined : Number(stamp),
          nowMs: req.receivedAt,
          toleranceMs: this.toleranceMs,
        });
        break;
      } catch (error) {
        const mismatch = error instanceof WebhookSignatureError && error.reason === 'mismatch';
        if (!mismatch || index === uris.length - 1) throw error;
      }
    }
    this.refuseReplay(req);
  }

  /** Remembers the delivery's (event, attempt) pairs only after the signature held, so forgeries cannot poison it. */
  private refuseReplay(req: WebhookRequest): void {
    let events: HubspotWebhookEvent[];
    try {
      events = parseEvents(req.rawBody);
    } catch {
      return; // parse() reports the payload error
    }
    const keys = events.map((e) => `${e.portalId ?? ''}:${e.eventId}:${e.attemptNumber ?? 0}`);
    if (keys.length > 0 && keys.every((key) => this.replays.has(key, req.receivedAt))) {
      throw new WebhookSignatureError('replayed', 'hubspot webhook delivery was already received');
    }
    for (const key of keys) this.replays.checkAndRemember(key, req.receivedAt);
  }

  parse(req: WebhookRequest): ChangeHint[] {
    return parseEvents(req.rawBody).flatMap(eventHints);
  }
}
