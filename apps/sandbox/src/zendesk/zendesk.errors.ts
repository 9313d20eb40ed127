import { HttpError, type Reply } from '../common/http.js';

/** Zendesk's error body: `{error, description, details?}`. */
export function zdError(status: number, error: string, description: string, details?: Record<string, unknown>, headers?: Record<string, string>): Reply {
  const body: Record<string, unknown> = { error, description };
  if (details) body.details = details;
  return { status, body, headers };
}

export function zdFail(status: number, error: string, description: string, details?: Record<string, unknown>): never {
  throw new HttpError(zdError(status, error, description, details));
}

/** 422 RecordInvalid with one entry per field, e.g. `{email: [{error: "DuplicateValue", description}]}`. */
export function recordInvalid(details: Record<string, { error: string; description: string }[]>): never {
  zdFail(422, 'RecordInvalid', 'Record validation errors', details);
}

export function recordNotFound(): Reply {
  return zdError(404, 'RecordNotFound', 'Not found');
}

export function tooMany(retryAfterS: number, description: string): Reply {
  return zdError(429, 'APIRateLimitExceeded', description, undefined, { 'Retry-After': String(Math.max(1, retryAfterS)) });
}
