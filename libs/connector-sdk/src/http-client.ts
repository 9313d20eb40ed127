import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import pRetry, { AbortError, type RetryContext } from 'p-retry';
import { systemClock, type Clock } from './clock.js';
import type { ConnectorHooks } from './connector.js';
import { ConnectorError, RateLimitError, TransientError } from './errors.js';
import {
  classifyByStatus,
  type Classification,
  errorForFailure,
  errorForResponse,
  malformedResponse,
  type ClassifyHook,
  type HttpResponseInfo,
} from './http-errors.js';
import { pauseFromResponse } from './rate-limit-headers.js';
import { RateLimiter, type RateLimitOptions } from './rate-limiter.js';
import { checkShape, type Shape } from './shape.js';

export type HttpAuth =
  { bearer: string | (() => string | Promise<string>) } | { basic: { username: string; password: string } };

export interface RetryOptions {
  /** Retries after the first attempt. Default 3. */
  count?: number;
  /** First backoff in ms. Default 500. */
  minTimeout?: number;
  /** Largest backoff in ms. Default 30 000. */
  maxTimeout?: number;
  /** Backoff growth per retry. Default 2. */
  factor?: number;
}

/** Reported when a request waits because of rate limits (for metrics; never carries request data). */
export type RateLimitWaitEvent =
  | { kind: 'queued'; waitMs: number }
  | { kind: 'paused'; waitMs: number; reason: 'retry-after' | 'quota-headers' | 'backoff' };

export interface HttpClientOptions {
  baseURL: string;
  /** Name used in error messages and details, e.g. 'hubspot'. */
  app?: string;
  auth?: HttpAuth;
  /** Per-attempt timeout. Default 30 000. */
  timeoutMs?: number;
  retries?: RetryOptions;
  /** The connection's limiter, or options to build one. Share one RateLimiter between clients of one connection. */
  rateLimit?: RateLimiter | RateLimitOptions;
  /** Maps app-specific error bodies to typed errors; return undefined to fall back to the status code. */
  classify?: ClassifyHook;
  onRateLimitWait?: (event: RateLimitWaitEvent) => void;
  /** The runner's hooks: `onRateLimitWait(ms)` hears how long each request was held back by the limiter. */
  hooks?: ConnectorHooks;
  /** A pause longer than this is not waited out: the request fails with a RateLimitError. Default 120 000. */
  maxRetryAfterMs?: number;
  /** Headers sent with every request (e.g. an API version header). */
  headers?: Record<string, string>;
  clock?: Clock;
}

/** The HTTP-related options every HTTP connector accepts and hands to its client. */
export interface HttpConnectorOptions {
  retries?: RetryOptions;
  /** Time for rate limiting and backoff (tests pass a manual clock). */
  clock?: Clock;
  /** The runner's hooks (rate-limit waits for metrics). */
  hooks?: ConnectorHooks;
}

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpRequest<T = unknown> {
  method: HttpMethod;
  url: string;
  params?: Record<string, unknown>;
  data?: unknown;
  headers?: Record<string, string>;
  /** Non-2xx statuses to return instead of throwing (e.g. [409] to read the existing id from the body). */
  acceptStatus?: readonly number[];
  /**
   * Whether repeating the request is harmless. Defaults to true for every method but POST. A non-idempotent
   * request is retried only when it provably did not reach the app (429, connection refused).
   */
  idempotent?: boolean;
  /**
   * The body a 2xx answer must have. One that does not fit (cut short, mangled) is a TransientError that may have
   * been applied, retried like a 5xx when the request is idempotent. Bodies of `acceptStatus` answers are not checked.
   */
  shape?: Shape<T>;
}

export interface HttpResponse<T> {
  status: number;
  headers: Record<string, string>;
  data: T;
}

/**
 * The one HTTP client every connector uses: auth, per-connection rate limiting, retries with backoff (p-retry),
 * Retry-After and quota headers, and typed errors. It never logs bodies (they hold personal data).
 * p-retry runs the attempt loop and the retry budget; the waits go through the Clock so that a 429's Retry-After
 * replaces the backoff instead of adding to it, and so that tests can inject time.
 */
export class HttpClient {
  readonly limiter: RateLimiter;
  private readonly http: AxiosInstance;
  private readonly clock: Clock;
  private readonly app: string;
  private readonly retry: Required<RetryOptions>;
  private readonly maxRetryAfterMs: number;

  constructor(private readonly options: HttpClientOptions) {
    this.clock = options.clock ?? systemClock;
    this.app = options.app ?? 'app';
    this.limiter =
      options.rateLimit instanceof RateLimiter
        ? options.rateLimit
        : new RateLimiter({ clock: this.clock, ...options.rateLimit });
    this.retry = { count: 3, minTimeout: 500, maxTimeout: 30_000, factor: 2, ...options.retries };
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 120_000;
    const basic = options.auth && 'basic' in options.auth ? options.auth.basic : undefined;
    this.http = axios.create({
      baseURL: options.baseURL,
      timeout: options.timeoutMs ?? 30_000,
      auth: basic,
      headers: options.headers,
      validateStatus: () => true,
    });
  }

  async request<T = unknown>(req: HttpRequest<T>): Promise<HttpResponse<T>> {
    const idempotent = req.idempotent ?? req.method !== 'POST';
    return pRetry(() => this.attempt<T>(req, idempotent), {
      retries: this.retry.count,
      minTimeout: 0,
      onFailedAttempt: (context) => this.waitBeforeRetry(context),
    });
  }

  private async attempt<T>(req: HttpRequest<T>, idempotent: boolean): Promise<HttpResponse<T>> {
    const path = pathOf(req.url);
    this.refuseLongPause(req.method, path);
    const release = await this.acquireSlot();
    let response: AxiosResponse;
    try {
      const headers = { ...(await this.authHeader()), ...req.headers };
      response = await this.http.request({
        method: req.method,
        url: req.url,
        params: req.params,
        data: req.data,
        headers,
      });
    } catch (error) {
      throw this.gate(errorForFailure(this.app, req.method, path, error), idempotent);
    } finally {
      release();
    }
    const headers = plainHeaders(response.headers);
    this.notePause(response.status, headers);
    if (response.status >= 200 && response.status < 300) {
      return { status: response.status, headers, data: this.body(req, path, response, idempotent) };
    }
    if (req.acceptStatus?.includes(response.status)) return { status: response.status, headers, data: response.data as T };
    const info: HttpResponseInfo = { status: response.status, headers, data: response.data, method: req.method, path };
    const error = errorForResponse(this.app, info, this.classify(info));
    if (!error) return { status: response.status, headers, data: response.data as T };
    throw this.gate(error, idempotent);
  }

  /** A 2xx body, checked against the request's shape when it has one. */
  private body<T>(req: HttpRequest<T>, path: string, response: AxiosResponse, idempotent: boolean): T {
    if (!req.shape) return response.data as T;
    return checkShape(req.shape, response.data, (problem) =>
      this.gate(malformedResponse(this.app, req.method, path, response.status, problem), idempotent),
    );
  }

  /** The connector's reading of an error body, else the status code's. A hook that trips over an odd body has no opinion. */
  private classify(info: HttpResponseInfo): Classification {
    let classification: Classification | undefined;
    try {
      classification = this.options.classify?.(info);
    } catch {
      classification = undefined;
    }
    return classification ?? classifyByStatus(info, this.clock.now());
  }

  /** Wraps errors that must not be retried in p-retry's AbortError, which rethrows the original error. */
  private gate(error: Error, idempotent: boolean): Error {
    if (!(error instanceof ConnectorError) || !error.retryable) return new AbortError(error);
    if (error instanceof RateLimitError) {
      return (error.retryAfterMs ?? 0) > this.maxRetryAfterMs ? new AbortError(error) : error;
    }
    if (!idempotent && error instanceof TransientError && error.maybeApplied) return new AbortError(error);
    return error;
  }

  /** Fails fast rather than sleeping through a pause longer than the caller is willing to wait (e.g. a daily cap). */
  private refuseLongPause(method: string, path: string): void {
    const remaining = this.limiter.pausedUntil - this.clock.now();
    if (remaining > this.maxRetryAfterMs) {
      const details = { app: this.app, method, path };
      throw new AbortError(new RateLimitError(`${this.app} is paused by its rate limit`, remaining, details));
    }
  }

  private async acquireSlot(): Promise<() => void> {
    const release = await this.limiter.acquire();
    if (release.waitedMs > 0) {
      this.options.onRateLimitWait?.({ kind: 'queued', waitMs: release.waitedMs });
      this.reportWait(release.waitedMs);
    }
    return release;
  }

  /**
   * Only actual waits reach the hook (a pause is announced before anyone waits it out, and the requests that do wait
   * report it here), so summing the hook's values never counts one wait twice. A failing hook must not fail a request.
   */
  private reportWait(ms: number): void {
    try {
      this.options.hooks?.onRateLimitWait?.(ms);
    } catch {
      // metrics are best effort
    }
  }

  private notePause(status: number, headers: Record<string, string>): void {
    const now = this.clock.now();
    const hint = pauseFromResponse(status, headers, now, this.limiter.windowMs);
    if (!hint || hint.ms <= 0) return;
    // "Remaining 0" on a success says the rolling window is spent, not when a slot frees; if our own requests spent it
    // (the limiter's log is full), the log knows when the oldest one leaves the window. A 429 keeps its full pause.
    const own = hint.reason === 'quota-headers' && status < 400 ? this.limiter.msUntilOwnSlot(now) : undefined;
    const ms = own === undefined ? hint.ms : Math.min(hint.ms, own);
    if (ms > 0) this.pauseFor(ms, hint.reason);
  }

  private pauseFor(ms: number, reason: 'retry-after' | 'quota-headers' | 'backoff'): void {
    this.limiter.pauseUntil(this.clock.now() + ms);
    this.options.onRateLimitWait?.({ kind: 'paused', waitMs: ms, reason });
  }

  /** Rate limits pause the whole connection (the next acquire waits); other transient failures back off here. */
  private async waitBeforeRetry({ error, retriesLeft, retriesConsumed }: RetryContext): Promise<void> {
    if (retriesLeft <= 0) return;
    const { minTimeout, maxTimeout, factor } = this.retry;
    const backoff = Math.min(maxTimeout, minTimeout * factor ** retriesConsumed);
    if (error instanceof RateLimitError) {
      if (error.retryAfterMs === undefined) this.pauseFor(backoff, 'backoff');
      else if (this.limiter.pausedUntil < this.clock.now() + error.retryAfterMs)
        this.pauseFor(error.retryAfterMs, 'retry-after');
      return;
    }
    if (error instanceof TransientError) await this.clock.sleep(Math.max(backoff, error.retryAfterMs ?? 0));
  }

  private async authHeader(): Promise<Record<string, string>> {
    const auth = this.options.auth;
    if (!auth || !('bearer' in auth)) return {};
    const token = typeof auth.bearer === 'function' ? await auth.bearer() : auth.bearer;
    return { Authorization: `Bearer ${token}` };
  }
}

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

function plainHeaders(headers: AxiosResponse['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (value === undefined || value === null) continue;
    out[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return out;
}
