import { TandemError } from '@tandem/core';

export type LedgerErrorCode =
  'LEDGER_UNAVAILABLE' | 'LEDGER_NOT_FOUND' | 'LEDGER_VERSION_CONFLICT' | 'LEDGER_MEMBER_TAKEN' | 'LEDGER_CLOSED';

/** A ledger operation that could not be done. Messages carry ids and app names only, never record values. */
export class LedgerError extends TandemError {
  constructor(code: LedgerErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
  }
}

/** Postgres SQLSTATE for a unique violation. */
const UNIQUE_VIOLATION = '23505';

/** True when `err` is a driver error for a violated unique constraint (optionally a named one). */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = err as { code?: unknown; constraint?: unknown; driverError?: { code?: unknown; constraint?: unknown } };
  const code = e?.driverError?.code ?? e?.code;
  const name = e?.driverError?.constraint ?? e?.constraint;
  return code === UNIQUE_VIOLATION && (constraint === undefined || name === constraint);
}
