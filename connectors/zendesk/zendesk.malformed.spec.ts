import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { TransientError, type Clock } from '@tandem/connector-sdk';
import { TandemError } from '@tandem/core';
import { ZendeskConnector } from './zendesk.connector.js';

/** A loopback Zendesk that answers every request with `body` (200), whatever was asked. */
async function answering() {
  let body = '';
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    answer: (value: unknown) => void (body = JSON.stringify(value) ?? ''),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Sleeps take no time, so job polling and backoff run at once. */
function jumpClock(): Clock {
  let offset = 0;
  return { now: () => Date.now() + offset, sleep: async (ms) => void (offset += Math.max(0, ms)) };
}

const USER = { id: 501, name: 'Ada', email: 'ada@example.test', external_id: null, active: true, updated_at: '2025-03-01T12:00:00Z', tags: ['vip'], user_fields: { plan: 'gold' } };
/** Bodies of the endpoints the connector calls, to damage one node at a time. */
const TEMPLATES = [
  { users: [USER], meta: { has_more: false, after_cursor: null } },
  { users: [USER], after_cursor: 'c1', end_of_stream: true },
  { job_status: { id: 'j1', status: 'completed', results: [{ id: 501, index: 0, status: 'Updated' }] } },
  { user: USER },
];

/** A template with one node (depth first) replaced by `value`. */
function swapNode(template: unknown, pick: number, value: unknown): unknown {
  const doc = structuredClone(template);
  const slots: [Record<string, unknown>, string][] = [];
  const walk = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    for (const [key, child] of Object.entries(node)) {
      slots.push([node as Record<string, unknown>, key]);
      walk(child);
    }
  };
  walk(doc);
  const [parent, key] = slots[pick % slots.length];
  parent[key] = value;
  return doc;
}

const damagedBody = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.record({ template: fc.constantFrom(...TEMPLATES), pick: fc.nat(), value: fc.jsonValue({ maxDepth: 2 }) }).map(({ template, pick, value }) => swapNode(template, pick, value)),
);

type Call = (c: ZendeskConnector) => Promise<unknown>;
const CALLS: Call[] = [
  async (c) => {
    for await (const page of c.read('users', null)) if (page.records.length < 0) break;
  },
  (c) => c.fetch('users', ['501']),
  (c) => c.findByKey('users', 'email', ['ada@example.test']),
  (c) => c.write('users', [{ op: 'create', ref: 'c0', fields: { name: 'Ada', email: 'ada@example.test' } }]),
  (c) => c.write('users', [{ op: 'update', ref: 'u0', id: '501', fields: { name: 'Ada L' } }]),
];

describe('Zendesk connector under malformed response bodies', () => {
  let app: Awaited<ReturnType<typeof answering>>;
  let connector: ZendeskConnector;
  beforeAll(async () => {
    app = await answering();
    connector = new ZendeskConnector({ baseUrl: `${app.url}/api/v2`, auth: { oauthToken: 't' }, clock: jumpClock(), retries: { count: 0 }, jobPollMs: 1, jobTimeoutMs: 50 });
  });
  afterAll(() => app.close());

  it('fails a read whose users page is `false` with a TransientError, not a TypeError', async () => {
    app.answer(false);
    const error = await CALLS[0](connector).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as Error).message).toContain('the body is not an object');
  });

  it('answers every read, fetch, lookup and write with data or a typed error, whatever the body', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...CALLS), damagedBody, async (call, body) => {
        app.answer(body);
        const error = await call(connector).then(() => undefined, (e: unknown) => e);
        if (error !== undefined) expect(error).toBeInstanceOf(TandemError);
      }),
      { numRuns: 300 },
    );
  });
});
