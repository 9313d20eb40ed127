/**
 * A tiny HTTP proxy on 127.0.0.1 in front of one sandbox app that damages responses on purpose: wrong status codes,
 * bodies cut short, bodies replaced by random JSON, one JSON node swapped for random data, garbage bytes, or the
 * connection dropped mid-body. Each request takes the next damage from a script; an empty script passes through.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Damage =
  | { kind: 'pass' }
  | { kind: 'status'; status: number; retryAfter?: string }
  | { kind: 'truncate'; at: number }
  | { kind: 'replace'; body: unknown }
  | { kind: 'node'; pick: number; value: unknown }
  | { kind: 'garbage'; bytes: Uint8Array }
  | { kind: 'drop'; at: number }
  /** Holds the request `ms` before forwarding it (`before`) or holds the app's answer `ms` (a client timeout). */
  | { kind: 'delay'; ms: number; before: boolean };

export interface ManglingProxy {
  url: string;
  /** Damages for the next requests, in order; requests beyond the script pass through. */
  script(damages: Damage[]): void;
  close(): Promise<void>;
}

/** Replaces the `pick`-th node (depth-first) of a JSON document. */
function swapNode(doc: unknown, pick: number, value: unknown): unknown {
  const slots: { parent: Record<string, unknown>; key: string }[] = [];
  const walk = (node: unknown) => {
    if (node === null || typeof node !== 'object') return;
    for (const [key, child] of Object.entries(node)) {
      slots.push({ parent: node as Record<string, unknown>, key });
      walk(child);
    }
  };
  walk(doc);
  const slot = slots[pick % Math.max(1, slots.length)];
  if (!slot) return value;
  slot.parent[slot.key] = value;
  return doc;
}

function damaged(damage: Damage, body: Buffer): Buffer {
  switch (damage.kind) {
    case 'truncate':
    case 'drop':
      return body.subarray(0, damage.at % (body.length + 1));
    case 'replace':
      return Buffer.from(JSON.stringify(damage.body) ?? '');
    case 'garbage':
      return Buffer.from(damage.bytes);
    case 'node': {
      try {
        return Buffer.from(
          JSON.stringify(swapNode(JSON.parse(body.toString('utf8')), damage.pick, damage.value)) ?? '',
        );
      } catch {
        return body;
      }
    }
    case 'pass':
    case 'status':
    case 'delay':
      return body;
  }
}

async function forward(
  target: string,
  req: http.IncomingMessage,
  body: Buffer,
): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers))
    if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
  const res = await fetch(`${target}${req.url ?? '/'}`, {
    method: req.method,
    headers,
    body: body.length > 0 ? body : undefined,
  });
  const out: Record<string, string> = {};
  res.headers.forEach((v, k) => {
    if (!['content-length', 'transfer-encoding', 'connection', 'content-encoding'].includes(k)) out[k] = v;
  });
  return { status: res.status, headers: out, body: Buffer.from(await res.arrayBuffer()) };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function startManglingProxy(target: string): Promise<ManglingProxy> {
  let queue: Damage[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const damage = queue.shift() ?? { kind: 'pass' };
      const hold = (before: boolean) =>
        damage.kind === 'delay' && damage.before === before ? sleep(damage.ms) : Promise.resolve();
      hold(true)
        .then(() => forward(target, req, Buffer.concat(chunks)))
        .then(async (upstream) => {
          await hold(false);
          return upstream;
        })
        .then(
          (upstream) => {
            if (res.destroyed) return;
            const body = damaged(damage, upstream.body);
            const status = damage.kind === 'status' ? damage.status : upstream.status;
            const headers =
              damage.kind === 'status' && damage.retryAfter !== undefined
                ? { ...upstream.headers, 'retry-after': damage.retryAfter }
                : upstream.headers;
            if (damage.kind === 'drop') {
              // Promise more than is sent, then cut the connection: the client sees a broken response.
              res.writeHead(status, { ...headers, 'content-length': String(upstream.body.length + 10) });
              res.write(body, () => res.socket?.destroy());
              return;
            }
            res.writeHead(status, { ...headers, 'content-length': String(body.length) });
            res.end(body);
          },
          () => {
            if (res.destroyed) return;
            res.writeHead(502);
            res.end();
          },
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    script(damages) {
      queue = [...damages];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
