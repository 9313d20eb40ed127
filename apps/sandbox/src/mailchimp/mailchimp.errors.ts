import { randomUUID } from 'node:crypto';
import { HttpError, type Reply } from '../common/http.js';

/** Mailchimp's `application/problem+json` error. */
export function problem(status: number, title: string, detail: string, errors?: { field: string; message: string }[]): Reply {
  const body: Record<string, unknown> = { type: 'https://mailchimp.com/developer/marketing/docs/errors/', title, status, detail, instance: randomUUID() };
  if (errors) body.errors = errors;
  return { status, body, contentType: 'application/problem+json; charset=utf-8', headers: { 'X-Request-Id': randomUUID() } };
}

export function fail(status: number, title: string, detail: string, errors?: { field: string; message: string }[]): never {
  throw new HttpError(problem(status, title, detail, errors));
}

export function invalid(detail: string, errors?: { field: string; message: string }[]): never {
  fail(400, 'Invalid Resource', detail, errors);
}

export function resourceNotFound(): Reply {
  return problem(404, 'Resource Not Found', 'The requested resource could not be found.');
}
