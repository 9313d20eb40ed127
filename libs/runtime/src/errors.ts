import { TandemError } from '@tandem/core';

/** A cycle stopped on purpose before writing anything unsafe (an app that suddenly reads empty, a failed read). */
export class CycleAbortedError extends TandemError {
  constructor(code: 'CYCLE_EMPTY_SIDE' | 'CYCLE_READ_FAILED' | 'CYCLE_CONFIG', message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
  }
}

/** `tandem approve` on a run that does not exist, belongs to another sync, or holds nothing. */
export class RunNotHeldError extends TandemError {
  constructor(runId: string, reason: string) {
    super('RUN_NOT_HELD', `run ${runId} cannot be approved: ${reason}`, { runId });
  }
}
