import { createHash } from 'node:crypto';
import { ManualClock } from '../common/clock.js';
import type { RunningServer } from '../common/server.js';
import { call, startReceiver, startSim } from '../common/test-kit.js';
import { MailchimpSimulator, type MailchimpSettings } from './mailchimp.simulator.js';

const KEY = 'demo-key-us1';
const AUTH = { Authorization: `Basic ${Buffer.from(`anyone:${KEY}`).toString('base64')}` };
const MEMBERS = '/3.0/lists/a1b2c3/members';
type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const md5 = (s: string) => createHash('md5').update(s).digest('hex');

describe('Mailchimp simulator', () => {
  let sim: MailchimpSimulator;
  let server: RunningServer;
  let clock: ManualClock;
  const mc = (method: string, path: string, body?: unknown) => call(server.url, method, path, body, AUTH);

  async function boot(settings: Partial<MailchimpSettings> = {}): Promise<void> {
    clock = new ManualClock(Date.parse('2025-03-01T12:00:00Z'));
    sim = new MailchimpSimulator({ clock, settings });
    server = await startSim(sim);
  }
  const add = (email: string, extra: Record<string, unknown> = {}) => mc('POST', MEMBERS, { email_address: email, status: 'subscribed', ...extra });

  afterEach(async () => server.close());

  it('accepts any Basic username with the API key and rejects a malformed key with problem+json', async () => {
    await boot();
    expect((await mc('GET', MEMBERS)).status).toBe(200);
    const bad = await call(server.url, 'GET', MEMBERS, undefined, { Authorization: `Basic ${Buffer.from('user:not-a-key').toString('base64')}` });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(bad.body).toMatchObject({ title: 'API Key Invalid', status: 401 });
  });

  it('keys members by the MD5 of the lowercased email and keeps the typed case', async () => {
    await boot();
    const res = await add(' Jane.Doe@Example.COM ');
    expect(res.body).toMatchObject({ id: md5('jane.doe@example.com'), email_address: 'Jane.Doe@Example.COM', status: 'subscribed' });
    expect((await mc('GET', `${MEMBERS}/${md5('jane.doe@example.com')}`)).status).toBe(200);
  });

  it('answers 400 Member Exists on a second POST and upserts with PUT', async () => {
    await boot();
    await add('a@example.com');
    const again = await add('A@example.com');
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({ title: 'Member Exists' });
    const put = await mc('PUT', `${MEMBERS}/${md5('a@example.com')}`, { email_address: 'a@example.com', status_if_new: 'subscribed', merge_fields: { FNAME: 'Ann' } });
    expect(put.status).toBe(200);
    expect((put.body as Body).merge_fields.FNAME).toBe('Ann');
  });

  it('requires status_if_new when PUT creates a member', async () => {
    await boot();
    const res = await mc('PUT', `${MEMBERS}/${md5('new@example.com')}`, { email_address: 'new@example.com' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ title: 'Invalid Resource', errors: [{ field: 'status_if_new' }] });
  });

  it('pages with count and offset, reports total_items and refuses count over 1000', async () => {
    await boot();
    for (let i = 0; i < 25; i += 1) await add(`m${i}@example.com`);
    const page = (await mc('GET', `${MEMBERS}?count=10&offset=20`)).body as Body;
    expect(page.total_items).toBe(25);
    expect(page.members).toHaveLength(5);
    expect((await mc('GET', `${MEMBERS}?count=1001`)).status).toBe(400);
  });

  it('returns members changed after since_last_changed, sorted by last_changed ascending', async () => {
    await boot();
    await add('old@example.com');
    clock.advance(10_000);
    const mark = new Date(clock.now()).toISOString();
    clock.advance(5_000);
    await add('later@example.com');
    clock.advance(5_000);
    await mc('PATCH', `${MEMBERS}/${md5('old@example.com')}`, { merge_fields: { FNAME: 'Touched' } });
    const res = (await mc('GET', `${MEMBERS}?since_last_changed=${encodeURIComponent(mark)}&sort_field=last_changed&sort_dir=ASC`)).body as Body;
    expect(res.members.map((m: Body) => m.email_address)).toEqual(['later@example.com', 'old@example.com']);
  });

  it('archives on DELETE and refuses to re-add a permanently deleted address', async () => {
    await boot();
    await add('gone@example.com');
    const hash = md5('gone@example.com');
    expect((await mc('DELETE', `${MEMBERS}/${hash}`)).status).toBe(204);
    expect(((await mc('GET', `${MEMBERS}/${hash}`)).body as Body).status).toBe('archived');
    expect((await mc('POST', `${MEMBERS}/${hash}/actions/delete-permanent`)).status).toBe(204);
    const readd = await mc('PUT', `${MEMBERS}/${hash}`, { email_address: 'gone@example.com', status_if_new: 'subscribed' });
    expect(readd.status).toBe(400);
    expect(readd.body).toMatchObject({ title: 'Forgotten Email Not Subscribed' });
  });

  it('changes the id but keeps contact_id when the email changes, unless configured otherwise', async () => {
    await boot();
    const before = (await add('first@example.com')).body as Body;
    const after = (await mc('PATCH', `${MEMBERS}/${before.id}`, { email_address: 'second@example.com' })).body as Body;
    expect(after.id).toBe(md5('second@example.com'));
    expect(after.contact_id).toBe(before.contact_id);
    sim.setSettings({ contactIdSurvivesEmailChange: false });
    const third = (await mc('PATCH', `${MEMBERS}/${after.id}`, { email_address: 'third@example.com' })).body as Body;
    expect(third.contact_id).not.toBe(before.contact_id);
  });

  it('batch-subscribes up to 500 with per-member errors and counts in a 200', async () => {
    await boot();
    await add('exists@example.com');
    const res = await mc('POST', '/3.0/lists/a1b2c3', {
      members: [{ email_address: 'fresh@example.com', status: 'subscribed' }, { email_address: 'exists@example.com', status: 'subscribed' }, { email_address: 'not-an-email', status: 'subscribed' }],
      update_existing: false,
    });
    const body = res.body as Body;
    expect(res.status).toBe(200);
    expect([body.total_created, body.total_updated, body.error_count]).toEqual([1, 0, 2]);
    expect(body.errors[0]).toMatchObject({ email_address: 'exists@example.com', error_code: 'ERROR_CONTACT_EXISTS' });
    const updating = (await mc('POST', '/3.0/lists/a1b2c3', { members: [{ email_address: 'exists@example.com', status: 'unsubscribed' }], update_existing: true })).body as Body;
    expect(updating.total_updated).toBe(1);
    const tooMany = Array.from({ length: 501 }, (_, i) => ({ email_address: `x${i}@example.com`, status: 'subscribed' }));
    expect((await mc('POST', '/3.0/lists/a1b2c3', { members: tooMany })).status).toBe(400);
  });

  it('replaces an existing member\'s tags in a batch only with sync_tags and update_existing', async () => {
    await boot();
    await add('s@example.com', { tags: ['VIP', 'old'] });
    const names = async () => ((await mc('GET', `${MEMBERS}/${md5('s@example.com')}`)).body as Body).tags.map((t: Body) => t.name).sort();
    await mc('POST', '/3.0/lists/a1b2c3', { members: [{ email_address: 's@example.com', tags: ['vip', 'new'] }], update_existing: true });
    expect(await names()).toEqual(['VIP', 'old']);
    const res = (await mc('POST', '/3.0/lists/a1b2c3', { members: [{ email_address: 's@example.com', tags: ['vip', 'new'] }], update_existing: true, sync_tags: true })).body as Body;
    expect(res.updated_members[0].tags.map((t: Body) => t.name).sort()).toEqual(['VIP', 'new']);
    expect(await names()).toEqual(['VIP', 'new']);
  });

  it('adds and removes tags with 204, reusing the first spelling of a tag', async () => {
    await boot();
    await add('t@example.com', { tags: ['VIP'] });
    const hash = md5('t@example.com');
    const res = await mc('POST', `${MEMBERS}/${hash}/tags`, { tags: [{ name: 'vip', status: 'active' }, { name: 'beta', status: 'active' }] });
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    await mc('POST', `${MEMBERS}/${hash}/tags`, { tags: [{ name: 'beta', status: 'inactive' }] });
    expect(((await mc('GET', `${MEMBERS}/${hash}`)).body as Body).tags.map((t: Body) => t.name)).toEqual(['VIP']);
  });

  it('rejects merge field values of the wrong type', async () => {
    await boot();
    const res = await add('mf@example.com', { merge_fields: { FNAME: true, BIRTHDAY: '1990-05-15' } });
    expect(res.status).toBe(400);
    expect((res.body as Body).errors.map((e: Body) => e.field).sort()).toEqual(['BIRTHDAY', 'FNAME']);
  });

  it('answers 429 when more than 10 requests are in flight', async () => {
    await boot();
    sim.setFaults({ latencyMs: 150 });
    const results = await Promise.all(Array.from({ length: 12 }, () => mc('GET', MEMBERS)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 429)).toHaveLength(2);
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
  });

  it('pings a webhook URL with GET, then posts form-encoded subscribe and upemail events', async () => {
    await boot();
    const receiver = await startReceiver();
    const hook = await mc('POST', '/3.0/lists/a1b2c3/webhooks', { url: `${receiver.url}?secret=s3`, events: { subscribe: true, upemail: true }, sources: { api: true } });
    expect(hook.status).toBe(200);
    await add('hook@example.com', { merge_fields: { FNAME: 'Hoo' } });
    await mc('PATCH', `${MEMBERS}/${md5('hook@example.com')}`, { email_address: 'moved@example.com' });
    await sim.webhooksIdle();
    await receiver.close();
    const [ping, subscribe, upemail] = receiver.received;
    expect(ping).toMatchObject({ method: 'GET', headers: { 'user-agent': 'MailChimp.com WebHook Validator' } });
    const sub = new URLSearchParams(subscribe!.body);
    expect([sub.get('type'), sub.get('data[email]'), sub.get('data[merges][FNAME]'), sub.get('data[id]')]).toEqual(['subscribe', 'hook@example.com', 'Hoo', md5('hook@example.com')]);
    expect(sub.get('fired_at')).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    const up = new URLSearchParams(upemail!.body);
    expect([up.get('type'), up.get('data[old_email]'), up.get('data[new_email]'), up.get('data[new_id]')]).toEqual(['upemail', 'hook@example.com', 'moved@example.com', md5('moved@example.com')]);
  });

  it('refuses a webhook URL that does not answer the validation GET', async () => {
    await boot();
    const receiver = await startReceiver([404]);
    const res = await mc('POST', '/3.0/lists/a1b2c3/webhooks', { url: receiver.url });
    await receiver.close();
    expect(res.status).toBe(400);
    expect(sim.hook).toBeNull();
  });
});
