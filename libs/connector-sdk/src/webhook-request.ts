import type { WebhookRequest } from './connector.js';

/** How far a signed webhook timestamp may be from the receive time, unless a connection says otherwise. */
export const DEFAULT_WEBHOOK_TOLERANCE_MS = 5 * 60_000;

/** A request header by case-insensitive name; the first value when it was sent more than once. */
export function webhookHeader(req: Pick<WebhookRequest, 'headers'>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  const key = Object.keys(req.headers).find((candidate) => candidate.toLowerCase() === wanted);
  const value = key === undefined ? undefined : req.headers[key];
  return Array.isArray(value) ? value[0] : value;
}
