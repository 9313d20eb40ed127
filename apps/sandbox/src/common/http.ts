import type { IncomingHttpHeaders } from 'node:http';

/** One parsed request as the simulators see it. */
export interface SimRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  rawBody: string;
  params: Record<string, string>;
  /** `METHOD /pattern`, used for stats; `METHOD <unmatched>` when no route matched. */
  routeKey: string;
}

/** What a handler answers; `body` is sent as-is when a string, else as JSON. */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  contentType?: string;
}

export type Handler = (req: SimRequest) => Reply | Promise<Reply>;

/** Thrown by handlers to answer with an error reply from deep inside the logic. */
export class HttpError extends Error {
  constructor(readonly reply: Reply) {
    super(`simulated HTTP ${reply.status}`);
  }
}

export function json(status: number, body?: unknown, headers?: Record<string, string>): Reply {
  return { status, body, headers };
}

interface Route {
  method: string;
  pattern: string;
  regex: RegExp;
  names: string[];
  handler: Handler;
}

/** A tiny method + path router; `:name` segments become params. The first matching route wins. */
export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: Handler): this {
    const names: string[] = [];
    const source = pattern
      .split('/')
      .map((segment) => {
        if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        names.push(segment.slice(1));
        return '([^/]+)';
      })
      .join('/');
    this.routes.push({ method, pattern, regex: new RegExp(`^${source}/?$`), names, handler });
    return this;
  }

  match(method: string, path: string): { route: Route; params: Record<string, string> } | null {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const found = route.regex.exec(path);
      if (!found) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => (params[name] = decodeURIComponent(found[i + 1] ?? '')));
      return { route, params };
    }
    return null;
  }

  /** True when some route has this path under another method (for 405 answers). */
  hasPath(path: string): boolean {
    return this.routes.some((route) => route.regex.test(path));
  }
}

/** Parses a JSON body or throws the simulator's own 400 reply. */
export function parseJson(req: SimRequest, invalid: () => Reply): unknown {
  if (req.rawBody.trim() === '') return {};
  try {
    return JSON.parse(req.rawBody) as unknown;
  } catch {
    throw new HttpError(invalid());
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
