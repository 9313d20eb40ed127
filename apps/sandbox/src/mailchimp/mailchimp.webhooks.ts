import type { Delivery } from '../common/webhook-emitter.js';

export type MailchimpEventType = 'subscribe' | 'unsubscribe' | 'profile' | 'upemail' | 'cleaned';

/** One Mailchimp webhook: `type`, `fired_at`, and a nested `data` object sent as PHP-style bracketed form keys. */
export interface MailchimpEvent {
  type: MailchimpEventType;
  firedAt: number;
  data: Record<string, unknown>;
}

/** `YYYY-MM-DD HH:MM:SS` in UTC, Mailchimp's webhook time format (not ISO). */
export function firedAt(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

function flatten(prefix: string, value: unknown, out: URLSearchParams): void {
  if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value as Record<string, unknown>)) flatten(`${prefix}[${key}]`, inner, out);
    return;
  }
  out.append(prefix, value === null || value === undefined ? '' : String(value));
}

export function encodeEvent(event: MailchimpEvent): string {
  const form = new URLSearchParams();
  form.append('type', event.type);
  form.append('fired_at', firedAt(event.firedAt));
  flatten('data', event.data, form);
  return form.toString();
}

/** No signature: Mailchimp relies on a secret carried in the target URL. */
export function formatMailchimpDelivery(events: MailchimpEvent[]): Delivery {
  return {
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'User-Agent': 'MailChimp.com' },
    body: events.map(encodeEvent).join('&'),
  };
}
