import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { adminRouter } from './admin.js';
import { HttpError, sleep, type Reply, type SimRequest } from './http.js';
import type { Simulator } from './simulator.js';

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Serves one simulator on 127.0.0.1 (port 0 = random). `/__admin/*` is answered without faults or stats. */
export async function serve(sim: Simulator<object>, port = 0, host = '127.0.0.1'): Promise<RunningServer> {
  const admin = adminRouter(sim);
  const server = createServer((req, res) => {
    void handle(sim, admin, req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return { url: `http://${host}:${actual}`, port: actual, close: () => (sim.dispose(), closeServer(server)) };
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function handle(sim: Simulator<object>, admin: ReturnType<typeof adminRouter>, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const method = (req.method ?? 'GET').toUpperCase();
  const request: SimRequest = {
    method,
    path: url.pathname,
    query: url.searchParams,
    headers: req.headers,
    rawBody: await readBody(req),
    params: {},
    routeKey: `${method} <unmatched>`,
  };
  if (url.pathname.startsWith('/__admin')) {
    send(res, await answer(() => admin.dispatch(request)));
    return;
  }
  sim.inFlight += 1;
  try {
    const reply = await answer(() => pipeline(sim, request));
    sim.decorate(request, reply);
    sim.stats.request(request.routeKey, reply.status);
    send(res, reply);
  } finally {
    sim.inFlight -= 1;
  }
}

async function answer(run: () => Reply | Promise<Reply>): Promise<Reply> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof HttpError) return error.reply;
    return { status: 500, body: { error: 'sandbox internal error', message: (error as Error).message } };
  }
}

async function pipeline(sim: Simulator<object>, req: SimRequest): Promise<Reply> {
  const path = sim.normalizePath(req.path);
  const matched = sim.router.match(req.method, path);
  if (matched) {
    req.params = matched.params;
    req.routeKey = `${req.method} ${matched.route.pattern}`;
  }
  const gated = sim.gate(req);
  if (gated) return gated;
  if (sim.faults.latencyMs > 0) await sleep(sim.faults.latencyMs);
  if (sim.rng.chance(sim.faults.errorRate5xx)) return sim.serverError();
  if (sim.burst.hit(sim.faults.burst429)) return sim.tooManyRequests();
  const guarded = sim.guard(req);
  if (guarded) return guarded;
  if (!matched) return sim.notFound(req);
  return matched.route.handler(req);
}

function send(res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { ...(reply.headers ?? {}) };
  let body = '';
  if (reply.body !== undefined && reply.status !== 204) {
    body = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    headers['Content-Type'] = reply.contentType ?? (typeof reply.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8');
  }
  headers['Content-Length'] = String(Buffer.byteLength(body));
  res.writeHead(reply.status, headers);
  res.end(body);
}
