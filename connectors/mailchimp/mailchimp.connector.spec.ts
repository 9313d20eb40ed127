import { AuthError, type ReadPage } from '@tandem/connector-sdk';
import { mailchimpConnectorFactory, mailchimpConnectorOptions } from './index.js';
import type { MailchimpReadPage } from './mailchimp.connector.js';
import { collect, ids, lastCursor, mailchimpKit, T0, type McKit } from './mailchimp.test-kit.js';

describe('MailchimpConnector reads', () => {
  let kit: McKit;
  afterEach(async () => kit.close());

  it('reads every member by contact_id across pages, with only the last page complete', async () => {
    kit = await mailchimpKit({ pageSize: 3 });
    const created = Array.from({ length: 7 }, (_, i) => kit.add(`p${i}@example.test`, T0 + i * 1000));
    const pages = await collect(kit.connector, null);
    expect(ids(pages).sort()).toEqual([...created].sort());
    expect(new Set(ids(pages)).size).toBe(7);
    expect(pages.map((p) => p.complete === true)).toEqual([...pages.slice(1).map(() => false), true]);
    expect(pages[0].records[0].fields).toMatchObject({ email_address: 'p0@example.test', merge_fields: { FNAME: '' } });
  });

  it('reads only what changed since the cursor, and nothing when nothing changed', async () => {
    kit = await mailchimpKit({ pageSize: 2 });
    const [a, , c] = Array.from({ length: 4 }, (_, i) => kit.add(`p${i}@example.test`, T0 + i * 1000));
    const cursor = lastCursor(await collect(kit.connector, null));
    expect(ids(await collect(kit.connector, cursor))).toEqual([]);
    kit.edit(c, T0 + 10_000, 'Cee');
    kit.edit(a, T0 + 11_000, 'Ay');
    const pages = await collect(kit.connector, cursor);
    expect(ids(pages)).toEqual([c, a]);
    expect(pages.some((p) => p.complete)).toBe(false);
    expect(pages[0].records[0]).toMatchObject({
      version: String(T0 + 10_000),
      fields: { merge_fields: { FNAME: 'Cee' } },
    });
  });

  it('neither skips nor re-reads members that share one last_changed second across pages', async () => {
    kit = await mailchimpKit({ pageSize: 3 });
    const created = Array.from({ length: 8 }, (_, i) => kit.add(`tie${i}@example.test`, T0));
    const first = await collect(kit.connector, null);
    expect(ids(first).sort()).toEqual([...created].sort());
    expect(new Set(ids(first)).size).toBe(8);
    const cursor = lastCursor(first);
    expect(ids(await collect(kit.connector, cursor))).toEqual([]);
    kit.edit(created[5], T0 + 1000, 'Later');
    expect(ids(await collect(kit.connector, cursor))).toEqual([created[5]]);
  });

  it('reads a tie correctly when the account treats since_last_changed as inclusive', async () => {
    kit = await mailchimpKit({ pageSize: 2, sinceLastChangedInclusive: true });
    kit.sb.mailchimp.setSettings({ sinceLastChangedInclusive: true });
    const created = Array.from({ length: 5 }, (_, i) => kit.add(`inc${i}@example.test`, T0 + (i < 4 ? 0 : 1000)));
    const first = await collect(kit.connector, null);
    expect(ids(first).sort()).toEqual([...created].sort());
    expect(new Set(ids(first)).size).toBe(5);
    expect(ids(await collect(kit.connector, lastCursor(first)))).toEqual([]);
  });

  it('does not skip a tied member when another one leaves that second during the offset scan', async () => {
    kit = await mailchimpKit({ pageSize: 2 });
    const created = Array.from({ length: 6 }, (_, i) => kit.add(`scan${i}@example.test`, T0));
    const list = kit.connector.client.listMembers.bind(kit.connector.client);
    let calls = 0;
    kit.connector.client.listMembers = async (query) => {
      calls += 1;
      // The fourth call is the offset scan's second page: someone edits the first member in the UI right after it.
      const page = await list(query);
      if (calls === 4) kit.edit(created[0], T0 + 5000, 'Moved');
      return page;
    };
    const pages = await collect(kit.connector, null);
    expect(new Set(ids(pages))).toEqual(new Set(created));
    // The edited member is read again under its new time, in this read, after the tied second.
    const records = pages.flatMap((p) => p.records);
    expect(records.filter((r) => r.id === created[0]).map((r) => r.version)).toEqual([String(T0), String(T0 + 5000)]);
  });

  it('re-reads members changed inside the last seconds on the next read rather than trusting the second', async () => {
    kit = await mailchimpKit();
    const now = kit.clock.now();
    const recent = kit.add('recent@example.test', now);
    const first = await collect(kit.connector, null);
    expect(ids(first)).toEqual([recent]);
    kit.edit(recent, now, 'Same second');
    const again = await collect(kit.connector, lastCursor(first));
    expect(again.flatMap((p) => p.records.map((r) => r.fields.merge_fields))).toEqual([
      { FNAME: 'Same second', LNAME: '', ADDRESS: '', PHONE: '', BIRTHDAY: '', COMPANY: '', PLAN: '' },
    ]);
  });

  it('reports archived members as deleted on an incremental read', async () => {
    kit = await mailchimpKit();
    const a = kit.add('gone@example.test', T0);
    const cursor = lastCursor(await collect(kit.connector, null));
    const [result] = await kit.connector.write('members', [{ op: 'archive', ref: 'r1', id: a }]);
    expect(result).toMatchObject({ status: 'ok', id: a });
    const pages = await collect(kit.connector, cursor);
    expect(pages.flatMap((p) => p.records).find((r) => r.id === a)).toMatchObject({
      deleted: true,
      fields: { status: 'archived' },
    });
  });

  it('reports a member that came back under a new contact_id after an email change as rekeyed', async () => {
    kit = await mailchimpKit();
    const old = kit.add('before@example.test', T0);
    const cursor = lastCursor(await collect(kit.connector, null));
    const member = kit.member(old) as unknown as Parameters<typeof kit.sb.mailchimp.sim.store.rekey>[0];
    kit.sb.mailchimp.sim.store.rekey(member, 'after@example.test', true);
    member.last_changed = T0 + 10_000;
    const pages = (await collect(kit.connector, cursor)) as MailchimpReadPage[];
    expect(member.contact_id).not.toBe(old);
    expect(ids(pages)).toEqual([member.contact_id]);
    expect(pages.flatMap((p) => p.hints ?? [])).toEqual([
      { kind: 'rekeyed', object: 'members', id: old, newId: member.contact_id },
    ]);
  });
});

describe('MailchimpConnector lookups and errors', () => {
  let kit: McKit;
  afterEach(async () => kit.close());

  it('finds members by email ignoring case and spaces, and fetches them by contact_id', async () => {
    kit = await mailchimpKit();
    const id = kit.add('Jane.Doe@Example.test', T0);
    const found = await kit.connector.findByKey('members', 'email', [' jane.doe@EXAMPLE.test ', 'nobody@example.test']);
    expect(found.map((r) => r.id)).toEqual([id]);
    expect((await kit.connector.fetch('members', [id, 'no-such-contact'])).map((r) => r.id)).toEqual([id]);
  });

  it('describes merge fields with their types and choices', async () => {
    kit = await mailchimpKit();
    const fields = await kit.connector.describe('members');
    expect(fields.find((f) => f.path === 'merge_fields.PLAN')).toMatchObject({
      type: 'enum',
      options: ['free', 'pro', 'enterprise'],
    });
    expect(fields.find((f) => f.path === 'tags')).toMatchObject({ type: 'set', setValued: true });
    expect(fields.find((f) => f.path === 'contact_id')).toMatchObject({ readOnly: true });
  });

  it('rejects a wrong API key as an auth error', async () => {
    kit = await mailchimpKit();
    await expect(kit.connect({ apiKey: 'wrong-key-us1' }).check()).rejects.toBeInstanceOf(
      AuthError,
    );
    await expect(kit.connector.check()).resolves.toBeUndefined();
  });

  it('recovers from 429 bursts during a read', async () => {
    kit = await mailchimpKit({ pageSize: 2 });
    const created = Array.from({ length: 6 }, (_, i) => kit.add(`b${i}@example.test`, T0 + i * 1000));
    kit.sb.mailchimp.setFaults({ burst429: { every: 2, count: 1 } });
    const pages: ReadPage[] = await collect(kit.connector, null);
    expect(new Set(ids(pages))).toEqual(new Set(created));
    expect(kit.sb.mailchimp.stats().requests.byStatus['429']).toBeGreaterThan(0);
  });

  it('treats a bodiless 403 from too many connections as a rate limit and retries', async () => {
    kit = await mailchimpKit({ concurrency: 6 });
    kit.sb.mailchimp.setSettings({ maxConcurrent: 1, concurrencyReply: 'bare403' });
    kit.sb.mailchimp.setFaults({ latencyMs: 20 });
    const created = Array.from({ length: 6 }, (_, i) => kit.add(`c${i}@example.test`, T0));
    const records = await kit.connector.fetch('members', created);
    expect(records.map((r) => r.id).sort()).toEqual([...created].sort());
    expect(kit.sb.mailchimp.stats().requests.byStatus['403']).toBeGreaterThan(0);
  });
});

describe('mailchimp settings', () => {
  it('derives the host from the API key data centre and lets baseUrl override it', () => {
    const options = mailchimpConnectorOptions({ apiKey: 'abc-us21', listId: 'l1', webhookSecret: 's' }, 'mc');
    expect(options).toMatchObject({ baseUrl: 'https://us21.api.mailchimp.com/3.0', webhookSecrets: ['s'] });
    expect(
      mailchimpConnectorOptions({ apiKey: 'abc-us21', listId: 'l1', baseUrl: 'http://127.0.0.1:1/3.0' }, 'mc').baseUrl,
    ).toBe('http://127.0.0.1:1/3.0');
  });

  it('takes the data centre after the last dash of the sandbox demo key', () => {
    expect(mailchimpConnectorOptions({ apiKey: 'demo-key-us1', listId: 'a1b2c3' }, 'mail').baseUrl).toBe(
      'https://us1.api.mailchimp.com/3.0',
    );
  });

  it('names the missing or invalid setting without echoing secrets', () => {
    expect(() => mailchimpConnectorFactory({ apiKey: 'abc-us21' }, { name: 'mc' })).toThrow(/listId is required/);
    expect(() => mailchimpConnectorFactory({ apiKey: 'secretkey', listId: 'l' }, { name: 'mc' })).toThrow(
      /apiKey has no data-centre/,
    );
    expect(() =>
      mailchimpConnectorFactory({ apiKey: 'a-us1', listId: 'l', statusIfNew: 'maybe' }, { name: 'mc' }),
    ).toThrow(/statusIfNew/);
  });
});
