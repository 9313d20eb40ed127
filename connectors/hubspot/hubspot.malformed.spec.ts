import fc from 'fast-check';
import { TransientError, jumpClock } from '@tandem/connector-sdk';
import { TandemError } from '@tandem/core';
import { answeringApp, damagedBodies, type AnsweringApp } from '../malformed.test-kit.js';
import { HubspotConnector } from './hubspot.connector.js';

const RECORD = { id: '101', properties: { email: 'ada@example.test', lastmodifieddate: '2025-03-01T12:00:00Z' }, createdAt: '2025-03-01T12:00:00Z', updatedAt: '2025-03-01T12:00:00Z', archived: false };
/** Bodies of the endpoints the connector calls, to damage one node at a time. */
const TEMPLATES = [
  { results: [RECORD], paging: { next: { after: '2' } } },
  { results: [{ name: 'email', type: 'string', fieldType: 'text', options: [{ label: 'A', value: 'a' }] }] },
  { status: 'COMPLETE', results: [{ ...RECORD, objectWriteTraceId: 'c0' }], errors: [{ category: 'VALIDATION_ERROR', message: 'bad', context: { ids: ['101'] } }] },
];

const damagedBody = damagedBodies(TEMPLATES);

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
  let app: AnsweringApp;
  let connector: HubspotConnector;
  beforeAll(async () => {
    app = await answeringApp();
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
