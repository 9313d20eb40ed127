import { randomUUID } from 'node:crypto';
import { HttpError, type Reply } from '../common/http.js';
import type { PropertyProblem } from './hubspot.properties.js';

/** HubSpot's error body: `{status:"error", message, correlationId, category, …}`. */
export function hsError(status: number, category: string, message: string, extra: Record<string, unknown> = {}): Reply {
  return { status, body: { status: 'error', message, correlationId: randomUUID(), category, ...extra } };
}

export function hsFail(status: number, category: string, message: string, extra: Record<string, unknown> = {}): never {
  throw new HttpError(hsError(status, category, message, extra));
}

export function validationProblems(problems: PropertyProblem[]): Reply {
  const results = problems.map((p) => ({ isValid: false, message: p.message, error: p.error, name: p.name }));
  return hsError(400, 'VALIDATION_ERROR', `Property values were not valid: ${JSON.stringify(results)}`, {
    errors: problems.map((p) => ({ message: p.message, code: p.error, context: { propertyName: [p.name] } })),
  });
}

export function conflict(existingId: string): Reply {
  return hsError(409, 'CONFLICT', `Contact already exists. Existing ID: ${existingId}`);
}

export function notFound(): Reply {
  return hsError(404, 'OBJECT_NOT_FOUND', 'resource not found');
}

export function badRequest(message: string): never {
  hsFail(400, 'VALIDATION_ERROR', message);
}

export function rateLimited(message: string, policyName: string): Reply {
  return {
    status: 429,
    body: {
      status: 'error',
      message,
      errorType: 'RATE_LIMIT',
      correlationId: randomUUID(),
      policyName,
      groupName: `publicapi:private-app:${policyName.toLowerCase()}`,
      requestId: randomUUID(),
    },
  };
}
