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

// axios refusing the request as built (bad option, URL or protocol): a connector bug, retrying cannot help.
const REQUEST_CODES = new Set<string>([
  AxiosError.ERR_BAD_OPTION,
  AxiosError.ERR_BAD_OPTION_VALUE,
  AxiosError.ERR_INVALID_URL,
  AxiosError.ERR_NOT_SUPPORT,
  AxiosError.ERR_BAD_REQUEST,
  AxiosError.ERR_DEPRECATED,
  AxiosError.ERR_FORM_DATA_DEPTH_EXCEEDED,
]);

/**
 * Turns an exception from axios into a typed error. The client accepts every status, so axios only throws when no
 * complete response arrived: refused or reset connections, timeouts, and a connection dropped mid-body (which comes
 * with the response headers already read). All of those are TransientErrors; `maybeApplied` is false only when the
 * request provably never left. A request axios refuses to build is a RequestError. A cancelled request and
 * anything not from axios (a programming error) are returned unchanged and not retried.
 */
export function errorForFailure(app: string, method: string, path: string, error: unknown): Error {
  if (!(error instanceof AxiosError) || error.code === AxiosError.ERR_CANCELED) {
    return error instanceof Error ? error : new Error(String(error));
  }
  const code = error.code ?? 'UNKNOWN';
  const details = { app, method, path, networkCode: code };
  if (REQUEST_CODES.has(code)) return new RequestError(`${app} ${method} ${path} could not be sent (${code})`, details);
  const timedOut = code === AxiosError.ECONNABORTED || code === AxiosError.ETIMEDOUT;
  const midBody = error.response !== undefined;
  const what = timedOut ? 'timed out' : midBody ? `answer broke off (${code})` : `network error (${code})`;
  return new TransientError(`${app} ${method} ${path} ${what}`, {
    maybeApplied: midBody || !NOT_SENT_CODES.has(code),
    details: { ...details, timedOut, ...(midBody ? { status: error.response?.status } : {}) },
  });
}

/**
 * A 2xx answer whose body is not what the endpoint returns (cut short, replaced, mangled). The request reached the
 * app, so it may have been applied; an idempotent one is retried like a 5xx.
 */
export function malformedResponse(app: string, method: string, path: string, status: number, problem: string): TransientError {
  return new TransientError(`${app} ${method} ${path} answered ${status} with an unexpected body: ${problem}`, {
    maybeApplied: true,
    details: { app, method, path, status, malformed: true },
  });
}
