import type { WriteOp, WriteResult } from '@tandem/connector-sdk';
import { mailchimpKit, T0, type McKit } from './mailchimp.test-kit.js';

function okId(result: WriteResult | undefined): string {
  if (result?.status !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  return result.id;
}

const create = (ref: string, email: string, fields: Record<string, unknown> = {}): WriteOp => ({
  op: 'create',
  ref,
  fields: { email_address: email, status: 'subscribed', ...fields },
});

describe('MailchimpConnector writes', () => {
  let kit: McKit;
  afterEach(async () => kit.close());

  it('creates through one batch call and maps a rejected address back to its op', async () => {
    kit = await mailchimpKit();
    const results = await kit.connector.write('members', [
      create('a', 'ann@example.test', { 'merge_fields.FNAME': 'Ann' }),
      create('b', 'bob@example.test', { 'merge_fields.PLAN': 'gold' }),
      create('c', 'cy@example.test'),
    ]);
    expect(results.map((r) => [r.ref, r.status])).toEqual([
      ['a', 'ok'],
      ['b', 'failed'],
      ['c', 'ok'],
    ]);
    expect(results[0]).toMatchObject({ record: { id: okId(results[0]), fields: { merge_fields: { FNAME: 'Ann' } } } });
    expect(results[1]).toMatchObject({ error: { retryable: false } });
    expect(kit.sb.mailchimp.stats().requests.byRoute['POST /3.0/lists/:listId']).toBe(1);
    expect(kit.member(okId(results[0])).email_address).toBe('ann@example.test');
  });

  it('never makes a second member when a create is retried', async () => {
    kit = await mailchimpKit();
    const [first] = await kit.connector.write('members', [create('a', 'Ann@Example.test')]);
    const [again] = await kit.connector.write('members', [create('a', 'ann@example.test')]);
    expect(okId(again)).toBe(okId(first));
    expect(kit.sb.mailchimp.sim.store.list('a1b2c3').size).toBe(1);
  });

  it('needs a status on create, from the op or the statusIfNew setting', async () => {
    kit = await mailchimpKit();
    const op: WriteOp = { op: 'create', ref: 'a', fields: { email_address: 'nostatus@example.test' } };
    expect((await kit.connector.write('members', [op]))[0]).toMatchObject({
      status: 'failed',
      error: { code: 'REQUIRED_FIELD', field: 'status' },
    });
    const [result] = await kit.connect({ statusIfNew: 'pending' }).write('members', [op]);
    expect(kit.member(okId(result)).status).toBe('pending');
  });

  it('refuses a batch over 500 and sends 500 in one call', async () => {
    kit = await mailchimpKit();
    const ops = Array.from({ length: 501 }, (_, i) => create(`r${i}`, `m${i}@example.test`));
    await expect(kit.connector.write('members', ops)).rejects.toMatchObject({ code: 'CONNECTOR_BATCH_TOO_LARGE' });
    const results = await kit.connector.write('members', ops.slice(0, 500));
    expect(results.filter((r) => r.status === 'ok')).toHaveLength(500);
    expect(kit.sb.mailchimp.stats().requests.byRoute['POST /3.0/lists/:listId']).toBe(1);
  });

  it('updates one merge field without clearing the others', async () => {
    kit = await mailchimpKit();
    const id = kit.add('keep@example.test', T0, { FNAME: 'Kay' });
    kit.member(id).merge_fields = { FNAME: 'Kay', LNAME: 'Lee' };
    const [result] = await kit.connector.write('members', [
      { op: 'update', ref: 'u', id, fields: { 'merge_fields.FNAME': 'Kim' } },
    ]);
    expect(result).toMatchObject({
      status: 'ok',
      id,
      record: { fields: { merge_fields: { FNAME: 'Kim', LNAME: 'Lee' } } },
    });
  });

  it('writes tags in the batch with sync_tags (no tag request of their own), ignoring case', async () => {
    kit = await mailchimpKit();
    const id = kit.add('tags@example.test', T0, { tags: ['vip', 'old'] });
    const tagNames = () =>
      kit
        .member(id)
        .tags.map((t) => t.tag.name)
        .sort();
    const [result] = await kit.connector.write('members', [
      { op: 'update', ref: 'u', id, fields: { tags: ['VIP', 'new'] } },
    ]);
    expect(tagNames()).toEqual(['new', 'vip']);
    expect(result).toMatchObject({
      status: 'ok',
      record: { fields: { tags: expect.arrayContaining(['vip', 'new']) } },
    });
    const routes = () => kit.sb.mailchimp.stats().requests.byRoute;
    expect(routes()['POST /3.0/lists/:listId/members/:hash/tags']).toBeUndefined();
    expect(routes()['POST /3.0/lists/:listId']).toBe(1);
    await kit.connector.write('members', [{ op: 'update', ref: 'u2', id, fields: { tags: ['vip', 'NEW'] } }]);
    expect(routes()['POST /3.0/lists/:listId/members/:hash/tags']).toBeUndefined();
    expect(routes()['POST /3.0/lists/:listId']).toBe(2);
    expect(tagNames()).toEqual(['new', 'vip']);
  });

  it('changes an email with a PATCH on the old hash and keeps the contact_id', async () => {
    kit = await mailchimpKit();
    const id = kit.add('old@example.test', T0);
    const [result] = await kit.connector.write('members', [
      { op: 'update', ref: 'u', id, fields: { email_address: 'new@example.test' } },
    ]);
    expect(result).toMatchObject({ status: 'ok', id, record: { fields: { email_address: 'new@example.test' } } });
    expect(kit.sb.mailchimp.sim.store.list('a1b2c3').size).toBe(1);
    expect((await kit.connector.fetch('members', [id]))[0].fields.email_address).toBe('new@example.test');
  });

  it('fails only the op whose address repeats within one batch, as retryable', async () => {
    kit = await mailchimpKit();
    const results = await kit.connector.write('members', [
      create('a', 'dup@example.test'),
      create('b', 'DUP@example.test'),
    ]);
    expect(results.map((r) => r.status)).toEqual(['ok', 'failed']);
    expect(results[1]).toMatchObject({ error: { code: 'DUPLICATE_IN_BATCH', retryable: true } });
  });

  it('refuses read-only fields and unknown members per op', async () => {
    kit = await mailchimpKit();
    const id = kit.add('ro@example.test', T0);
    const results = await kit.connector.write('members', [
      { op: 'update', ref: 'a', id, fields: { contact_id: 'x' } },
      { op: 'update', ref: 'b', id: 'no-such-contact', fields: { 'merge_fields.FNAME': 'X' } },
    ]);
    expect(results).toEqual([
      expect.objectContaining({
        status: 'failed',
        error: expect.objectContaining({ code: 'READ_ONLY_FIELD', field: 'contact_id' }),
      }),
      expect.objectContaining({ status: 'failed', error: expect.objectContaining({ code: 'NOT_FOUND' }) }),
    ]);
  });

  it('erases for good: the address cannot be re-added, and the error names no email', async () => {
    kit = await mailchimpKit();
    const id = kit.add('forget.me@example.test', T0);
    await kit.connector.erase('members', id);
    expect(await kit.connector.fetch('members', [id])).toEqual([]);
    await expect(kit.connector.erase('members', id)).resolves.toBeUndefined();
    const [result] = await kit.connector.write('members', [create('a', 'forget.me@example.test')]);
    expect(result.status).toBe('failed');
    expect(JSON.stringify(result)).not.toContain('forget.me');
  });
});
