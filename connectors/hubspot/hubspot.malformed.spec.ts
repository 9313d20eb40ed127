import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { TransientError, type Clock } from '@tandem/connector-sdk';
import { TandemError } from '@tandem/core';
import { HubspotConnector } from './hubspot.connector.js';

/** A loopback HubSpot that answers every request with `body` (200), whatever was asked. */
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

const RECORD = { id: '101', properties: { email: 'ada@example.test', lastmodifieddate: '2025-03-01T12:00:00Z' }, createdAt: '2025-03-01T12:00:00Z', updatedAt: '2025-03-01T12:00:00Z', archived: false };
/** Bodies of the endpoints the connector calls, to damage one node at a time. */
const TEMPLATES = [
  { results: [RECORD], paging: { next: { after: '2' } } },
  { results: [{ name: 'email', type: 'string', fieldType: 'text', options: [{ label: 'A', value: 'a' }] }] },
  { status: 'COMPLETE', results: [{ ...RECORD, objectWriteTraceId: 'c0' }], errors: [{ category: 'VALIDATION_ERROR', message: 'bad', context: { ids: ['101'] } }] },
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

type Call = (c: HubspotConnector) => Promise<unknown>;
const CALLS: Call[] = [
  async (c) => {
    for await (const page of c.read('contacts', null)) if (page.records.length < 0) break;
  },
  (c) => c.fetch('contacts', ['101']),
  (c) => c.findByKey('contacts', 'email', ['ada@example.test']),
  (c) => c.write('contacts', [{ op: 'create', ref: 'c0', fields: { email: 'ada@example.test' } }]),
  (c) => c.write('contacts', [{ op: 'update', ref: 'u0', id: '101', fields: { firstname: 'Ada' } }]),
  (c) => c.describe('contacts'),
];

describe('HubSpot connector under malformed response bodies', () => {
  let app: Awaited<ReturnType<typeof answering>>;
  let connector: HubspotConnector;
  beforeAll(async () => {
    app = await answering();
    // Properties named up front, so a fetch makes one call: the batch read.
    connector = new HubspotConnector({ token: 't', baseUrl: app.url, clock: jumpClock(), retries: { count: 0 }, properties: { contacts: ['email'] } });
  });
  afterAll(() => app.close());

  it('fails a fetch whose batch answer holds a record without properties with a TransientError, not a TypeError', async () => {
    app.answer({ results: [{ id: '101' }] });
    const error = await connector.fetch('contacts', ['101']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as Error).message).toContain('results[0].properties is not an object');
  });

  it('answers every read, fetch, lookup, write and describe with data or a typed error, whatever the body', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...CALLS), damagedBody, async (call, body) => {
        // A fresh connector each time: the property catalogue is cached once it was read.
        const fresh = new HubspotConnector({ token: 't', baseUrl: app.url, clock: jumpClock(), retries: { count: 0 }, searchLagMs: 0 });
        app.answer(body);
        const error = await call(fresh).then(() => undefined, (e: unknown) => e);
        if (error !== undefined) expect(error).toBeInstanceOf(TandemError);
      }),
      { numRuns: 300 },
    );
  });
});
