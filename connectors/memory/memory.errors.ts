/**
 * Errors the memory app and its connector raise, on the SDK's typed connector errors so the runtime treats
 * them like any real connector's. Messages name objects, record ids and field paths only, never stored values.
 */
import { TandemError } from '@tandem/core';
import { ConnectorError, TransientError, type WriteResult } from '@tandem/connector-sdk';

/** A per-record write error, in the shape a failed `WriteResult` carries. */
export type MemoryWriteError = Extract<WriteResult, { status: 'failed' }>['error'];

/** A call the memory connector refuses as a whole (too large a batch, unknown object, bad cursor or settings). */
export class MemoryConnectorError extends ConnectorError {
  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super(code, message, { retryable: false, details });
  }
}

/** The simulated app failed a whole call: offline, or a read page armed with `failReadAt`. Nothing was applied. */
export class MemoryUnavailableError extends TransientError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(message, { maybeApplied: false, details });
  }
}

/** Thrown by `crashAfterWrite`: the write was applied, the caller never hears of it. */
export class MemoryCrashError extends TandemError {
  constructor(details: Record<string, unknown> = {}) {
    super('MEMORY_CRASH_AFTER_WRITE', 'simulated crash after a write was applied', details);
  }
}

/** A direct "user" edit in the app that the app itself would refuse (a test set-up mistake). */
export class MemoryUserEditError extends TandemError {
  constructor(error: MemoryWriteError) {
    super(`MEMORY_USER_EDIT_${error.code}`, error.message, { field: error.field });
  }
}
