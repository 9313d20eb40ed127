/**
 * Per-op write results every connector builds the same way: a failed result from parts or from a thrown typed error.
 * Credentials problems are not per-op failures: no op of the batch could succeed, so they are thrown on.
 */
import { AuthError, ConnectorError } from './errors.js';
import type { WriteResult } from './connector.js';

export type FailedWrite = Extract<WriteResult, { status: 'failed' }>;

export function failedWrite(ref: string, code: string, message: string, retryable: boolean, field?: string): FailedWrite {
  return { ref, status: 'failed', error: { code, message, retryable, ...(field ? { field } : {}) } };
}

/**
 * One op's failure from a call's error. `code: 'app'` reports the app's own code (a RecordError's `appCode`, e.g.
 * Mailchimp's "Member Exists") when there is one, `'connector'` always the connector error code. Throws an AuthError
 * or any error that is not a ConnectorError (a bug) instead of reporting it.
 */
export function writeFailureFor(ref: string, error: unknown, code: 'app' | 'connector' = 'app'): FailedWrite {
  if (error instanceof AuthError || !(error instanceof ConnectorError)) throw error;
  const field = typeof error.details.field === 'string' ? error.details.field : undefined;
  const appCode = code === 'app' && typeof error.details.appCode === 'string' ? error.details.appCode : undefined;
  return failedWrite(ref, appCode ?? error.code, error.message, error.retryable, field);
}
