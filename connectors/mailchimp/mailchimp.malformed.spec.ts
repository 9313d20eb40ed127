import fc from 'fast-check';
import { jumpClock } from '@tandem/connector-sdk';
import { TandemError } from '@tandem/core';
import { answeringApp, damagedBodies, type AnsweringApp } from '../malformed.test-kit.js';
import { MailchimpConnector } from './mailchimp.connector.js';

const MEMBER = { id: 'h1', email_address: 'ada@example.test', contact_id: 'c1', web_id: 7, status: 'subscribed', last_changed: '2025-03-01T12:00:00+00:00', merge_fields: { FNAME: 'Ada' }, tags: [{ id: 1, name: 'vip' }] };
/** Bodies of the endpoints the connector calls, to damage one node at a time. */
const TEMPLATES = [
  { members: [MEMBER], total_items: 1 },
  MEMBER,
  { new_members: [MEMBER], updated_members: [], errors: [{ email_address: 'bo@example.test', error: 'bad', error_code: 'ERROR_GENERIC', field: '' }] },
  { merge_fields: [{ tag: 'FNAME', name: 'First name', type: 'text', required: false, options: { choices: ['a'] } }] },
];

const damagedBody = damagedBodies(TEMPLATES);

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
  let app: AnsweringApp;
  const connect = () => new MailchimpConnector({ baseUrl: `${app.url}/3.0`, apiKey: 'k-us21', listId: 'l1', statusIfNew: 'subscribed', clock: jumpClock(), retries: { count: 0 } });
  beforeAll(async () => {
    app = await answeringApp();
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
