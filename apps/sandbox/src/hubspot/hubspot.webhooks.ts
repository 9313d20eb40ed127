import { createHash, createHmac } from 'node:crypto';
import type { Delivery, WebhookTarget } from '../common/webhook-emitter.js';

/** One HubSpot webhook event (the body is a JSON array of these). */
export interface HubspotEvent {
  eventId: number;
  subscriptionId: number;
  portalId: number;
  appId: number;
  occurredAt: number;
  subscriptionType: string;
  attemptNumber: number;
  objectId: number;
  changeSource: string;
  changeFlag?: string;
  propertyName?: string;
  propertyValue?: string;
  primaryObjectId?: number;
  mergedObjectIds?: number[];
}

const SUBSCRIPTION_IDS: Record<string, number> = {
  creation: 100001,
  propertyChange: 100002,
  deletion: 100003,
  merge: 100004,
  privacyDeletion: 100005,
  restore: 100006,
};

export function subscriptionId(subscriptionType: string): number {
  return SUBSCRIPTION_IDS[subscriptionType.split('.')[1] ?? ''] ?? 100000;
}

/** v3: base64 HMAC-SHA256 keyed with the client secret over method + uri + body + timestamp. */
export function signV3(secret: string, method: string, uri: string, body: string, timestamp: string): string {
  return createHmac('sha256', secret).update(`${method}${uri}${body}${timestamp}`, 'utf8').digest('base64');
}

/** v2 (legacy, still sent beside v3): hex SHA-256 of secret + method + uri + body. */
export function signV2(secret: string, method: string, uri: string, body: string): string {
  return createHash('sha256').update(`${secret}${method}${uri}${body}`, 'utf8').digest('hex');
}

/** Builds one delivery; `attemptNumber` reflects the retry and the timestamp is taken now. */
export function formatHubspotDelivery(events: HubspotEvent[], attempt: number, target: WebhookTarget, now: number): Delivery {
  const body = JSON.stringify(events.map((e) => ({ ...e, attemptNumber: attempt })));
  const timestamp = String(now);
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'User-Agent': 'HubSpot Connect 2.0 (http://dev.hubspot.com/) (namespace: webhooks-nio)',
    'X-HubSpot-Request-Timestamp': timestamp,
    'X-HubSpot-Timeout-Millis': '5000',
  };
  if (target.secret) {
    headers['X-HubSpot-Signature-v3'] = signV3(target.secret, 'POST', target.url, body, timestamp);
    headers['X-HubSpot-Signature'] = signV2(target.secret, 'POST', target.url, body);
    headers['X-HubSpot-Signature-Version'] = 'v2';
  }
  return { headers, body };
}
