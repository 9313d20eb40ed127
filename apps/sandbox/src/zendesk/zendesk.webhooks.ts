import { createHmac } from 'node:crypto';
import type { Delivery, WebhookTarget } from '../common/webhook-emitter.js';

/** A Zendesk event-subscription webhook body. */
export interface ZendeskEvent {
  account_id: number;
  id: string;
  time: string;
  type: string;
  zendesk_event_version: string;
  subject: string;
  detail: Record<string, unknown>;
  event: Record<string, unknown>;
}

/** base64 HMAC-SHA256 over timestamp + body, with no separator. */
export function signZendesk(secret: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}${body}`, 'utf8').digest('base64');
}

export function formatZendeskDelivery(events: ZendeskEvent[], target: WebhookTarget, now: number): Delivery {
  const body = JSON.stringify(events[0]);
  const timestamp = `${new Date(now).toISOString().slice(0, 19)}Z`;
  const headers: Record<string, string> = { 'Content-Type': 'application/json', 'User-Agent': 'Zendesk Webhook', 'X-Zendesk-Webhook-Signature-Timestamp': timestamp };
  if (target.secret) headers['X-Zendesk-Webhook-Signature'] = signZendesk(target.secret, timestamp, body);
  return { headers, body };
}
