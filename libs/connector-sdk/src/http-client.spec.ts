import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from './clock.js';
import { AuthError, NotFoundError, RateLimitError, RecordError, RequestError, TransientError } from './errors.js';
import { HttpClient, type HttpClientOptions, type RateLimitWaitEvent } from './http-client.js';

interface Hit {
  at: number;
  method: string;
  url: string;
  authorization?: string;
}
type Reply = (req: IncomingMessage, res: ServerResponse) => void;

/** A loopback server that answers each request with the next scripted reply (the last one repeats). */
async function scriptedServer(replies: Reply[]) {
  const hits: Hit[] = [];
  const server: Server = createServer((req, res) => {
    hits.push({
      at: Date.now(),
      method: req.method ?? '',
      url: req.url ?? '',
      authorization: req.headers.authorization,
    });
    req.resume();
    req.on('end', () => replies[Math.min(hits.length - 1, replies.length - 1)](req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return { baseURL: `http://127.0.0.1:${port}`, hits, close };
}

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Reply =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

/** Real time for requests, virtual time for waits: sleeping returns at once and moves the clock forward. */
function virtualClock() {
  let skew = 0;
  const slept: number[] = [];
  const clock: Clock = {
    now: () => Date.now() + skew,
    sleep: async (ms) => {
      if (ms > 0) {
        slept.push(ms);
        skew += ms;
      }
    },
  };
  return { clock, slept };
}

const fast = { count: 3, minTimeout: 10, maxTimeout: 50, factor: 2 };
let closeServer: (() => Promise<void>) | undefined;
afterEach(async () => {
  await closeServer?.();
  closeServer = undefined;
});

async function setup(replies: Reply[], options: Partial<HttpClientOptions> = {}) {
  const server = await scriptedServer(replies);
  closeServer = server.close;
  const client = new HttpClient({ baseURL: server.baseURL, app: 'testapp', retries: fast, ...options });
  return { client, hits: server.hits };
}

describe('HttpClient retries', () => {
  it('retries a GET that hits 503 twice and returns the third answer', async () => {
    const { client, hits } = await setup([json(503, {}), json(503, {}), json(200, { ok: true })]);
    const response = await client.request<{ ok: boolean }>({ method: 'GET', url: '/contacts' });
    expect(response.data).toEqual({ ok: true });
    expect(hits).toHaveLength(3);
  });

  it('waits at least the Retry-After seconds of a 429 before asking again', async () => {
    const { client, hits } = await setup([json(429, {}, { 'retry-after': '1' }), json(200, { ok: true })]);
    await client.request({ method: 'GET', url: '/contacts' });
    expect(hits).toHaveLength(2);
    expect(hits[1].at - hits[0].at).toBeGreaterThanOrEqual(980);
  });

  it('reads Retry-After given as an HTTP date and waits it out instead of the backoff', async () => {
    const { clock, slept } = virtualClock();
    const when = new Date(Date.now() + 30_000).toUTCString();
    const { client, hits } = await setup([json(429, {}, { 'retry-after': when }), json(200, {})], { clock });
    await client.request({ method: 'GET', url: '/contacts' });
    expect(hits).toHaveLength(2);
    expect(slept.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(28_000);
    expect(slept.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(30_000);
  });

  it('pauses the next call when HubSpot headers say the 10 s budget is spent', async () => {
    const { clock, slept } = virtualClock();
    const events: RateLimitWaitEvent[] = [];
    const spent = { 'x-hubspot-ratelimit-remaining': '0', 'x-hubspot-ratelimit-interval-milliseconds': '10000' };
    const { client, hits } = await setup([json(200, {}, spent), json(200, {})], {
      clock,
      onRateLimitWait: (e) => events.push(e),
    });
    await client.request({ method: 'GET', url: '/a' });
    await client.request({ method: 'GET', url: '/b' });
    expect(hits).toHaveLength(2);
    expect(slept.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(9_900);
    expect(events[0]).toEqual({ kind: 'paused', waitMs: 10_000, reason: 'quota-headers' });
    expect(events.some((e) => e.kind === 'queued' && e.waitMs >= 9_900)).toBe(true);
  });

  it('waits only until its own oldest request leaves the rolling window when it spent the budget itself', async () => {
    const { clock, slept } = virtualClock();
    const events: RateLimitWaitEvent[] = [];
    const spent = { 'x-hubspot-ratelimit-remaining': '0', 'x-hubspot-ratelimit-interval-milliseconds': '10000' };
    const { client, hits } = await setup([json(200, {}), json(200, {}, spent), json(200, {})], {
      clock,
      rateLimit: { requests: 2, windowMs: 10_000 },
      onRateLimitWait: (e) => events.push(e),
    });
    await client.request({ method: 'GET', url: '/a' });
    await clock.sleep(3_000);
    await client.request({ method: 'GET', url: '/b' });
    await client.request({ method: 'GET', url: '/c' });
    expect(hits).toHaveLength(3);
    // The first request left the window 7 s after the second: not the header's full 10 s.
    const waited = slept.slice(1).reduce((a, b) => a + b, 0);
    expect(waited).toBeGreaterThanOrEqual(6_900);
    expect(waited).toBeLessThan(8_000);
    expect(events.find((e) => e.kind === 'paused')).toMatchObject({ reason: 'quota-headers' });
  });

  it('does not retry a 400 and reports it as a rejected request', async () => {
    const { client, hits } = await setup([json(400, { message: 'bad filter' }), json(200, {})]);
    await expect(client.request({ method: 'GET', url: '/search' })).rejects.toBeInstanceOf(RequestError);
    expect(hits).toHaveLength(1);
  });

  it('fails a 401 at once with AuthError and no retry', async () => {
    const { client, hits } = await setup([json(401, { category: 'INVALID_AUTHENTICATION' }), json(200, {})]);
    await expect(client.request({ method: 'GET', url: '/contacts' })).rejects.toBeInstanceOf(AuthError);
    expect(hits).toHaveLength(1);
  });

  it('maps 404 to NotFoundError and 422 to RecordError without retrying', async () => {
    const { client, hits } = await setup([json(404, {}), json(422, {})]);
    await expect(client.request({ method: 'GET', url: '/contacts/1' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.request({ method: 'PUT', url: '/contacts/1' })).rejects.toBeInstanceOf(RecordError);
    expect(hits).toHaveLength(2);
  });

  it('gives up on a server that never answers in time with a TransientError after every retry', async () => {
    const slow: Reply = (_req, res) => setTimeout(() => json(200, {})(_req, res), 300);
    const { client, hits } = await setup([slow], { timeoutMs: 50, retries: { ...fast, count: 2 } });
    const error = await client.request({ method: 'GET', url: '/contacts' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).details).toMatchObject({ timedOut: true });
    expect(hits).toHaveLength(3);
  });

  it('does not repeat a POST whose 502 may have created the record, and marks it as maybe applied', async () => {
    const { client, hits } = await setup([json(502, {}), json(201, {})]);
    const error = await client.request({ method: 'POST', url: '/contacts', data: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).maybeApplied).toBe(true);
    expect(hits).toHaveLength(1);
  });

  it('repeats a POST after a 429, which the app did not process', async () => {
    const { client, hits } = await setup([json(429, {}, { 'retry-after': '0' }), json(201, { id: '7' })]);
    const response = await client.request({ method: 'POST', url: '/contacts', data: {} });
    expect(response.status).toBe(201);
    expect(hits).toHaveLength(2);
  });

  it('repeats a POST whose connection was refused, since it never left', async () => {
    const probe = await scriptedServer([json(200, {})]);
    await probe.close();
    const client = new HttpClient({ baseURL: probe.baseURL, retries: { ...fast, count: 1 } });
    const error = await client.request({ method: 'POST', url: '/x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).maybeApplied).toBe(false);
    expect((error as TransientError).details).toMatchObject({ networkCode: 'ECONNREFUSED' });
  });

  it('fails fast with the wait time when Retry-After exceeds what it may wait, and keeps later calls off the app', async () => {
    const { client, hits } = await setup([json(429, {}, { 'retry-after': '3600' })], { maxRetryAfterMs: 60_000 });
    const first = await client.request({ method: 'GET', url: '/a' }).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(RateLimitError);
    expect((first as RateLimitError).retryAfterMs).toBe(3_600_000);
    const second = await client.request({ method: 'GET', url: '/b' }).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(RateLimitError);
    expect(hits).toHaveLength(1);
  });
});

describe('HttpClient auth and classification', () => {
  it('sends a bearer token taken from a provider on every attempt', async () => {
    let n = 0;
    const { client, hits } = await setup([json(503, {}), json(200, {})], { auth: { bearer: async () => `t${++n}` } });
    await client.request({ method: 'GET', url: '/a' });
    expect(hits.map((h) => h.authorization)).toEqual(['Bearer t1', 'Bearer t2']);
  });

  it('sends basic credentials as Zendesk expects them', async () => {
    const { client, hits } = await setup([json(200, {})], {
      auth: { basic: { username: 'agent/token', password: 's3' } },
    });
    await client.request({ method: 'GET', url: '/users' });
    expect(hits[0].authorization).toBe(`Basic ${Buffer.from('agent/token:s3').toString('base64')}`);
  });

  it("turns Zendesk's 422 body into a field-level RecordError without echoing the email", async () => {
    const body = {
      error: 'RecordInvalid',
      details: { email: [{ description: 'Email: ann@example.com is already being used', error: 'DuplicateValue' }] },
    };
    const { client } = await setup([json(422, body)], {
      classify: ({ data }) => {
        const details = (data as typeof body).details;
        const [field, [first]] = Object.entries(details)[0];
        return { kind: 'record', field, appMessage: first.description, appCode: first.error };
      },
    });
    const error = (await client.request({ method: 'PUT', url: '/users/1' }).catch((e: unknown) => e)) as RecordError;
    expect(error).toBeInstanceOf(RecordError);
    expect(error.code).toBe('CONNECTOR_RECORD_REJECTED');
    expect(error.retryable).toBe(false);
    expect(error.field).toBe('email');
    expect(error.appCode).toBe('DuplicateValue');
    expect(error.appMessage).toBe('Email: <email> is already being used');
    expect(JSON.stringify({ m: error.message, d: error.details })).not.toContain('ann@example.com');
  });

  it('lets a connector read a 409 body itself when it asks for that status', async () => {
    const { client } = await setup([
      json(409, { category: 'CONFLICT', message: 'Contact already exists. Existing ID: 42' }),
    ]);
    const response = await client.request<{ message: string }>({ method: 'POST', url: '/c', acceptStatus: [409] });
    expect(response.status).toBe(409);
    expect(response.data.message).toContain('42');
  });

  it("treats Mailchimp's bodiless 403 under load as a rate limit when the connector says so", async () => {
    const bare: Reply = (_req, res) => {
      res.writeHead(403);
      res.end();
    };
    const { client, hits } = await setup([bare, json(200, { members: [] })], {
      classify: ({ status, data }) => (status === 403 && !data ? { kind: 'rate-limited' } : undefined),
    });
    await client.request({ method: 'GET', url: '/lists/1/members' });
    expect(hits).toHaveLength(2);
  });

  it('keeps response bodies and query strings out of error messages', async () => {
    const { client } = await setup([json(500, { detail: 'ann@example.com failed' })], {
      retries: { ...fast, count: 0 },
    });
    const error = (await client
      .request({ method: 'GET', url: '/search?email=ann@example.com' })
      .catch((e: unknown) => e)) as TransientError;
    expect(error).toBeInstanceOf(TransientError);
    expect(error.message).toBe('testapp GET /search answered 500');
    expect(JSON.stringify(error.details)).not.toContain('ann@');
  });
});

describe('HttpClient rate-limit wait hook', () => {
  it('tells the hook how long a request waited out a 429 Retry-After, once per wait', async () => {
    const { clock } = virtualClock();
    const waits: number[] = [];
    const { client, hits } = await setup([json(429, {}, { 'retry-after': '2' }), json(200, { ok: true })], {
      clock,
      hooks: { onRateLimitWait: (ms) => waits.push(ms) },
    });
    await client.request({ method: 'GET', url: '/contacts' });
    expect(hits).toHaveLength(2);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(2000);
    expect(waits[0]).toBeLessThan(2500);
  });

  it('does not call the hook for requests that never waited', async () => {
    const waits: number[] = [];
    const { client } = await setup([json(200, { ok: true })], { hooks: { onRateLimitWait: (ms) => waits.push(ms) } });
    await client.request({ method: 'GET', url: '/contacts' });
    await client.request({ method: 'GET', url: '/contacts' });
    expect(waits).toEqual([]);
  });

  it('still answers the request when the hook throws', async () => {
    const { clock } = virtualClock();
    const { client } = await setup([json(429, {}, { 'retry-after': '1' }), json(200, { ok: true })], {
      clock,
      hooks: {
        onRateLimitWait: () => {
          throw new Error('metrics backend down');
        },
      },
    });
    await expect(client.request({ method: 'GET', url: '/contacts' })).resolves.toMatchObject({ status: 200 });
  });
});
