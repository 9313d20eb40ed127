import { AxiosError } from 'axios';
import {
  AuthError,
  ConnectorError,
  NotFoundError,
  RateLimitError,
  RecordError,
  RequestError,
  TransientError,
} from './errors.js';
import { parseRetryAfter } from './rate-limit-headers.js';

/** What a classify hook sees of a non-2xx response. Headers are lower-case. */
export interface HttpResponseInfo {
  status: number;
  headers: Record<string, string>;
  data: unknown;
  method: string;
  /** Request path without the query string. */
  path: string;
}

/**
 * A connector's reading of an app-specific error response (HubSpot `category`, Mailchimp problem+json,
 * Zendesk `{error, description}`); `return` hands the response to the caller instead of throwing
 * (e.g. a HubSpot 409 whose body names the existing id).
 */
export type Classification =
  | { kind: 'auth'; appMessage?: string }
  | { kind: 'rate-limited'; retryAfterMs?: number; appMessage?: string }
  | { kind: 'transient'; retryAfterMs?: number; appMessage?: string }
  | { kind: 'record'; appMessage?: string; field?: string; appCode?: string }
  | { kind: 'not-found'; appMessage?: string }
  | { kind: 'request'; appMessage?: string; appCode?: string }
  | { kind: 'return' };

export type ClassifyHook = (response: HttpResponseInfo) => Classification | undefined;

/** The classification from the status code alone, used when the connector's hook has no opinion. */
export function classifyByStatus(info: HttpResponseInfo, nowMs: number): Classification {
  const { status } = info;
  const retryAfterMs = parseRetryAfter(info.headers['retry-after'], nowMs);
  if (status === 401 || status === 403) return { kind: 'auth' };
  if (status === 404 || status === 410) return { kind: 'not-found' };
  if (status === 408) return { kind: 'transient', retryAfterMs };
  if (status === 409 || status === 422) return { kind: 'record' };
  if (status === 429) return { kind: 'rate-limited', retryAfterMs };
  if (status >= 500) return { kind: 'transient', retryAfterMs };
  return { kind: 'request' };
}

/** Builds the typed error for a classified response; `undefined` means "return the response to the caller". */
export function errorForResponse(
  app: string,
  info: HttpResponseInfo,
  classification: Classification,
): ConnectorError | undefined {
  const where = `${app} ${info.method} ${info.path} answered ${info.status}`;
  const details = { app, method: info.method, path: info.path, status: info.status };
  const suffix = (appMessage?: string) => (appMessage ? `: ${appMessage}` : '');
  switch (classification.kind) {
    case 'return':
      return undefined;
    case 'auth':
      return new AuthError(`${where} (credentials rejected)${suffix(classification.appMessage)}`, details);
    case 'rate-limited':
      return new RateLimitError(
        `${where} (rate limited)${suffix(classification.appMessage)}`,
        classification.retryAfterMs,
        details,
      );
    case 'transient':
      return new TransientError(`${where}${suffix(classification.appMessage)}`, {
        maybeApplied: true,
        retryAfterMs: classification.retryAfterMs,
        details,
      });
    case 'record':
      return new RecordError(`${where} (record rejected${classification.field ? ` on ${classification.field}` : ''})`, {
        appMessage: classification.appMessage,
        field: classification.field,
        appCode: classification.appCode,
        details,
      });
    case 'not-found':
      return new NotFoundError(`${where}${suffix(classification.appMessage)}`, details);
    case 'request':
      return new RequestError(`${where}${suffix(classification.appMessage)}`, {
        ...details,
        appCode: classification.appCode,
      });
  }
}

// Failures where the request provably never reached the app, so even a non-idempotent write may be retried.
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * Turns an exception from axios (no response at all) into a TransientError for network failures and timeouts.
 * Anything else (a programming error, a cancelled request) is returned unchanged and will not be retried.
 */
export function errorForFailure(app: string, method: string, path: string, error: unknown): Error {
  if (!(error instanceof AxiosError) || error.response || error.code === AxiosError.ERR_CANCELED) {
    return error instanceof Error ? error : new Error(String(error));
  }
  const code = error.code ?? 'UNKNOWN';
  const timedOut = code === AxiosError.ECONNABORTED || code === AxiosError.ETIMEDOUT;
  const what = timedOut ? 'timed out' : `network error (${code})`;
  return new TransientError(`${app} ${method} ${path} ${what}`, {
    maybeApplied: !NOT_SENT_CODES.has(code),
    details: { app, method, path, networkCode: code, timedOut },
  });
}
