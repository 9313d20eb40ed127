import { TandemError } from '@tandem/core';
import { redactDetails, redactPii } from './redact.js';

/**
 * Typed connector errors. The HTTP client turns every failed call into one of these, so connectors and the
 * runtime decide on `retryable` and the class, never on status codes or app-specific bodies.
 * Messages and string details are redacted of emails and phone numbers at construction.
 */
export class ConnectorError extends TandemError {
  readonly retryable: boolean;

  constructor(code: string, message: string, options: { retryable?: boolean; details?: Record<string, unknown> } = {}) {
    super(code, redactPii(message), redactDetails(options.details ?? {}));
    this.retryable = options.retryable ?? false;
  }
}

/**
 * A connection's settings in tandem.yaml are missing or wrong. Names the connection and the key, never the value
 * (settings hold tokens and secrets).
 */
export class ConnectorConfigError extends ConnectorError {
  constructor(
    readonly connection: string,
    readonly key: string,
    message: string,
  ) {
    super('CONNECTOR_CONFIG_INVALID', message, { retryable: false, details: { connection, key } });
  }
}

/** Credentials missing, wrong, expired or lacking permission (401/403). Retrying cannot help. */
export class AuthError extends ConnectorError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('CONNECTOR_AUTH_FAILED', message, { retryable: false, details });
  }
}

/** The app throttled us (429, or an app-specific signal). `retryAfterMs` is how long the app asked us to wait. */
export class RateLimitError extends ConnectorError {
  constructor(
    message: string,
    readonly retryAfterMs: number | undefined,
    details: Record<string, unknown> = {},
  ) {
    super('CONNECTOR_RATE_LIMITED', message, { retryable: true, details: { ...details, retryAfterMs } });
  }
}

/**
 * 5xx, network failure or timeout. `maybeApplied` is true when the request may have reached the app (a write
 * that timed out may have happened), so a non-idempotent write must be reported as unknown, not retried blindly.
 */
export class TransientError extends ConnectorError {
  readonly maybeApplied: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(
    message: string,
    options: { maybeApplied: boolean; retryAfterMs?: number; details?: Record<string, unknown> },
  ) {
    super('CONNECTOR_TRANSIENT', message, {
      retryable: true,
      details: { ...options.details, maybeApplied: options.maybeApplied },
    });
    this.maybeApplied = options.maybeApplied;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** The app rejected one record's content (validation, conflict). Not retryable without a change to the record. */
export class RecordError extends ConnectorError {
  /** The app's own message, redacted. */
  readonly appMessage: string | undefined;
  /** The app field the message is about, when the app names one. */
  readonly field: string | undefined;
  /** The app's error code or category (e.g. VALIDATION_ERROR, DuplicateValue, Member Exists). */
  readonly appCode: string | undefined;

  constructor(
    message: string,
    options: { appMessage?: string; field?: string; appCode?: string; details?: Record<string, unknown> } = {},
  ) {
    const appMessage = options.appMessage === undefined ? undefined : redactPii(options.appMessage);
    super('CONNECTOR_RECORD_REJECTED', message, {
      retryable: false,
      details: { ...options.details, field: options.field, appCode: options.appCode, appMessage },
    });
    this.appMessage = appMessage;
    this.field = options.field;
    this.appCode = options.appCode === undefined ? undefined : redactPii(options.appCode);
  }
}

/** The record or resource does not exist (404/410). */
export class NotFoundError extends ConnectorError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('CONNECTOR_NOT_FOUND', message, { retryable: false, details });
  }
}

/** Any other 4xx: the request itself is wrong (usually a connector bug or an app limit such as a search cap). */
export class RequestError extends ConnectorError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('CONNECTOR_REQUEST_REJECTED', message, { retryable: false, details });
  }
}

/** Why a webhook signature check failed; stable values for metrics. */
export type WebhookSignatureFailure =
  'missing-signature' | 'missing-timestamp' | 'no-secret' | 'mismatch' | 'stale' | 'replayed';

/** The webhook request is not provably from the app: the receiver answers 401. */
export class WebhookSignatureError extends ConnectorError {
  readonly httpStatus = 401;

  constructor(
    readonly reason: WebhookSignatureFailure,
    message: string,
  ) {
    super('CONNECTOR_WEBHOOK_SIGNATURE_INVALID', message, { retryable: false, details: { reason } });
  }
}

/** The webhook request is authentic but its body cannot be understood: the receiver answers 400. */
export class WebhookPayloadError extends ConnectorError {
  readonly httpStatus = 400;

  constructor(message: string, details: Record<string, unknown> = {}) {
    super('CONNECTOR_WEBHOOK_PAYLOAD_INVALID', message, { retryable: false, details });
  }
}
