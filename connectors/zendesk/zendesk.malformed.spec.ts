import fc from 'fast-check';
import { TransientError, jumpClock } from '@tandem/connector-sdk';
import { TandemError } from '@tandem/core';
import { answeringApp, damagedBodies, type AnsweringApp } from '../malformed.test-kit.js';
import { ZendeskConnector } from './zendesk.connector.js';

const USER = { id: 501, name: 'Ada', email: 'ada@example.test', external_id: null, active: true, updated_at: '2025-03-01T12:00:00Z', tags: ['vip'], user_fields: { plan: 'gold' } };
/** Bodies of the endpoints the connector calls, to damage one node at a time. */
const TEMPLATES = [
  { users: [USER], meta: { has_more: false, after_cursor: null } },
  { users: [USER], after_cursor: 'c1', end_of_stream: true },
  { job_status: { id: 'j1', status: 'completed', results: [{ id: 501, index: 0, status: 'Updated' }] } },
  { user: USER },
];

const damagedBody = damagedBodies(TEMPLATES);

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
  let app: AnsweringApp;
  let connector: ZendeskConnector;
  beforeAll(async () => {
    app = await answeringApp();
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
