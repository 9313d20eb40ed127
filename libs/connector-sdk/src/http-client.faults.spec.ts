import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { TandemError } from '@tandem/core';
import { RequestError, TransientError } from './errors.js';
import { HttpClient } from './http-client.js';
import { arrayOf, id, object } from './shape.js';

type Reply = (req: IncomingMessage, res: ServerResponse) => void;

/** A loopback server answering each request with the next reply (the last one repeats). */
async function serve(replies: Reply[]) {
  let hits = 0;
  const server = createServer((req, res) => {
    const reply = replies[Math.min(hits, replies.length - 1)];
    hits += 1;
    req.resume();
    req.on('end', () => reply(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}`,
    hits: () => hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Promises a longer body than it sends, then cuts the connection: the answer breaks off mid-body. */
const dropMidBody: Reply = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
  res.write('{"results":[', () => res.socket?.destroy());
};

const body =
  (status: number, text: string): Reply =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(text);
  };

const RETRY = { count: 1, minTimeout: 1, maxTimeout: 2 };
const PAGE = object({ results: arrayOf(object({ id })) });
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function client(replies: Reply[], classify?: () => never) {
  const server = await serve(replies);
  close = server.close;
  return { http: new HttpClient({ baseURL: server.baseURL, app: 'testapp', retries: RETRY, classify }), hits: server.hits };
}

const failure = (work: Promise<unknown>) => work.then(() => undefined, (error: unknown) => error);

describe('HttpClient under network faults and malformed bodies', () => {
  it('turns a connection dropped mid-body on a POST into a TransientError that may have been applied, not an AxiosError', async () => {
    const { http, hits } = await client([dropMidBody]);
    const error = await failure(http.request({ method: 'POST', url: '/contacts', data: {} }));
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).maybeApplied).toBe(true);
    expect((error as TransientError).details).toMatchObject({ status: 200 });
    expect(hits()).toBe(1);
  });

  it('retries a GET whose answer broke off mid-body and returns the next full answer', async () => {
    const { http, hits } = await client([dropMidBody, body(200, '{"results":[{"id":1}]}')]);
    const res = await http.request({ method: 'GET', url: '/contacts', shape: PAGE });
    expect(res.data.results).toEqual([{ id: '1' }]);
    expect(hits()).toBe(2);
  });

  it('answers a 2xx body of the wrong shape with a TransientError naming where, retried only when idempotent', async () => {
    const get = await client([body(200, 'false')]);
    const error = await failure(get.http.request({ method: 'GET', url: '/contacts', shape: PAGE }));
    expect(error).toBeInstanceOf(TransientError);
    expect((error as Error).message).toContain('the body is not an object');
    expect(get.hits()).toBe(2);
    await close?.();
    const post = await client([body(201, '{"results":[{"id":{}}]}')]);
    const created = await failure(post.http.request({ method: 'POST', url: '/contacts', shape: PAGE }));
    expect((created as TransientError).maybeApplied).toBe(true);
    expect((created as Error).message).toContain('results[0].id is not an id');
    expect(post.hits()).toBe(1);
  });

  it('falls back to the status code when the connector cannot read an odd error body', async () => {
    const { http } = await client([body(400, '{"errors":5}')], () => {
      throw new TypeError('body.errors is not iterable');
    });
    expect(await failure(http.request({ method: 'GET', url: '/contacts' }))).toBeInstanceOf(RequestError);
  });

  it('answers any status with any body or a dropped connection with data or a typed error', async () => {
    const reply = fc.oneof(
      fc.record({ status: fc.constantFrom(200, 201, 204, 400, 404, 409, 429, 500, 503), text: fc.oneof(fc.string(), fc.json()) }).map(({ status, text }) => body(status, text)),
      fc.constant(dropMidBody),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(reply, { minLength: 1, maxLength: 3 }), fc.boolean(), async (replies, idempotent) => {
        const { http } = await client(replies);
        const error = await failure(http.request({ method: 'POST', url: '/x', idempotent, shape: PAGE }));
        await close?.();
        close = undefined;
        if (error !== undefined) expect(error).toBeInstanceOf(TandemError);
      }),
      { numRuns: 150 },
    );
  });
});
