/**
 * The CLI side of the admin API (status, resync, pause, resume, erase): TANDEM_URL (default http://127.0.0.1:4010)
 * and TANDEM_ADMIN_TOKEN. Every failure becomes one line on stderr: exit 2 for usage, 1 for an HTTP failure.
 */
import axios, { type AxiosInstance } from 'axios';
import { TandemError } from '@tandem/core';
import { EXIT, type CliContext } from '../context.js';

export const DEFAULT_ENGINE_URL = 'http://127.0.0.1:4010';

/** The command line was wrong (bad argument, missing token): exit 2. */
export class AdminUsageError extends TandemError {
  constructor(message: string) {
    super('CLI_USAGE', message);
  }
}

/** The engine answered with an error or could not be reached: exit 1. */
export class AdminHttpError extends TandemError {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super('CLI_ADMIN_HTTP', message, { status });
  }
}

export function adminClient(env: CliContext['env']): AxiosInstance {
  const token = env.TANDEM_ADMIN_TOKEN;
  if (!token)
    throw new AdminUsageError('TANDEM_ADMIN_TOKEN is not set (the engine prints it at start as "admin token: …")');
  const baseURL = (env.TANDEM_URL || DEFAULT_ENGINE_URL).replace(/\/+$/, '');
  if (!/^https?:\/\/[^\s]+$/.test(baseURL)) throw new AdminUsageError(`TANDEM_URL "${baseURL}" is not an http(s) URL`);
  return axios.create({ baseURL, timeout: 120_000, headers: { Authorization: `Bearer ${token}` } });
}

/** The one-line reason of a failed call: the API's own message when it sent one, else the transport error. */
function describe(err: unknown, url: string): AdminHttpError {
  if (axios.isAxiosError(err)) {
    if (err.response) {
      const data = err.response.data as { message?: unknown; code?: unknown } | undefined;
      const message = Array.isArray(data?.message)
        ? data.message.join('; ')
        : typeof data?.message === 'string'
          ? data.message
          : err.message;
      const code = typeof data?.code === 'string' ? ` (${data.code})` : '';
      return new AdminHttpError(`the engine answered ${err.response.status}: ${message}${code}`, err.response.status);
    }
    return new AdminHttpError(`cannot reach the engine at ${url}: ${err.code ?? err.message}`, null);
  }
  return new AdminHttpError(err instanceof Error ? err.message : String(err), null);
}

export async function adminRequest<T>(
  client: AxiosInstance,
  method: 'get' | 'post',
  path: string,
  body?: unknown,
): Promise<T> {
  try {
    const response = method === 'get' ? await client.get<T>(path) : await client.post<T>(path, body ?? {});
    return response.data;
  } catch (err) {
    throw describe(err, client.defaults.baseURL ?? '');
  }
}

/** Runs an admin command body, mapping its errors to one stderr line and the exit code. */
export async function adminAction(ctx: CliContext, body: (client: AxiosInstance) => Promise<void>): Promise<void> {
  try {
    await body(adminClient(ctx.env));
    ctx.exitCode = EXIT.ok;
  } catch (err) {
    if (err instanceof AdminUsageError) {
      ctx.stderr(`tandem: ${err.message}\n`);
      ctx.exitCode = EXIT.user;
      return;
    }
    if (err instanceof AdminHttpError) {
      ctx.stderr(`tandem: ${err.message}\n`);
      ctx.exitCode = EXIT.unexpected;
      return;
    }
    throw err;
  }
}

/** Path segments from user input are encoded: a sync name cannot reach another route. */
export function segment(value: string): string {
  return encodeURIComponent(value);
}
