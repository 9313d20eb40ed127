import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { TandemError } from '@tandem/core';

export type AdminErrorCode = 'ADMIN_NOT_FOUND' | 'ADMIN_BAD_REQUEST' | 'ADMIN_CONFLICT' | 'ADMIN_UNDO_REFUSED';

/** A refusal of the admin API; `details` go into the response body (ids and field names only, never values). */
export class AdminError extends TandemError {
  constructor(code: AdminErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
  }
}

const STATUS: Record<string, number> = {
  ADMIN_NOT_FOUND: 404,
  ADMIN_BAD_REQUEST: 400,
  ADMIN_CONFLICT: 409,
  ADMIN_UNDO_REFUSED: 409,
  LEDGER_NOT_FOUND: 404,
  LEDGER_VERSION_CONFLICT: 409,
  LEDGER_MEMBER_TAKEN: 409,
  TANDEM_CONFLICT_NOT_OPEN: 409,
  RUN_NOT_HELD: 409,
  ERASE_INVALID_EMAIL: 400,
  ERASE_NO_EMAIL_KEY: 422,
};

/** TandemErrors → `{ statusCode, code, message, details }` with a status per code; unknown codes are 500. */
@Catch(TandemError)
export class AdminErrorFilter implements ExceptionFilter {
  catch(error: TandemError, host: ArgumentsHost): void {
    const status = STATUS[error.code] ?? 500;
    const response = host.switchToHttp().getResponse<{ status(code: number): { json(body: unknown): void } }>();
    const exposed = status < 500;
    response.status(status).json({
      statusCode: status,
      code: exposed ? error.code : 'INTERNAL',
      message: exposed ? error.message : 'internal error',
      ...(exposed && error instanceof AdminError ? { details: error.details } : {}),
    });
  }
}

export function notFound(what: string, id: string): AdminError {
  return new AdminError('ADMIN_NOT_FOUND', `${what} ${id} does not exist`, { [what]: id });
}
