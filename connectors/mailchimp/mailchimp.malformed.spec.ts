import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import type { Clock } from '@tandem/connector-sdk';
import { TandemError } from '@tandem/core';
import { MailchimpConnector } from './mailchimp.connector.js';

/** A loopback Mailchimp that answers every request with `body` (200), whatever was asked. */
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

const MEMBER = { id: 'h1', email_address: 'ada@example.test', contact_id: 'c1', web_id: 7, status: 'subscribed', last_changed: '2025-03-01T12:00:00+00:00', merge_fields: { FNAME: 'Ada' }, tags: [{ id: 1, name: 'vip' }] };
/** Bodies of the endpoints the connector calls, to damage one node at a time. */
const TEMPLATES = [
  { members: [MEMBER], total_items: 1 },
  MEMBER,
  { new_members: [MEMBER], updated_members: [], errors: [{ email_address: 'bo@example.test', error: 'bad', error_code: 'ERROR_GENERIC', field: '' }] },
  { merge_fields: [{ tag: 'FNAME', name: 'First name', type: 'text', required: false, options: { choices: ['a'] } }] },
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

type Call = (c: MailchimpConnector) => Promise<unknown>;
const CALLS: Call[] = [
  async (c) => {
    for await (const page of c.read('members', null)) if (page.records.length < 0) break;
  },
  (c) => c.fetch('members', ['c1']),
  (c) => c.findByKey('members', 'email', ['ada@example.test']),
  (c) => c.write('members', [{ op: 'create', ref: 'c0', fields: { email_address: 'ada@example.test', tags: ['vip', 'new'] } }]),
  (c) => c.write('members', [{ op: 'update', ref: 'u0', id: 'c1', fields: { 'merge_fields.FNAME': 'Ada' } }]),
  (c) => c.describe('members'),
];

describe('Mailchimp connector under malformed response bodies', () => {
  let app: Awaited<ReturnType<typeof answering>>;
  const connect = () => new MailchimpConnector({ baseUrl: `${app.url}/3.0`, apiKey: 'k-us21', listId: 'l1', statusIfNew: 'subscribed', clock: jumpClock(), retries: { count: 0 } });
  beforeAll(async () => {
    app = await answering();
  });
  afterAll(() => app.close());

  it('reports a batch answer whose error lacks an address as a failed op with a typed code, not a TypeError on trim', async () => {
    app.answer({ new_members: [], updated_members: [], errors: [{ error: 'bad' }] });
    const [result] = await connect().write('members', [{ op: 'create', ref: 'c0', fields: { email_address: 'ada@example.test' } }]);
    expect(result).toMatchObject({ ref: 'c0', status: 'failed', error: { code: 'CONNECTOR_TRANSIENT', retryable: true } });
    expect(result.status === 'failed' && result.error.message).toContain('errors[0].email_address is not a string');
  });

  it('answers every read, fetch, lookup, write and describe with data or a typed error, whatever the body', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...CALLS), damagedBody, async (call, body) => {
        app.answer(body);
        // A fresh connector each time: what it learnt about members would change the calls it makes.
        const error = await call(connect()).then(() => undefined, (e: unknown) => e);
        if (error !== undefined) expect(error).toBeInstanceOf(TandemError);
      }),
      { numRuns: 300 },
    );
  });
});
