import { createHmac } from 'node:crypto';
import { ManualClock } from '../common/clock.js';
import type { RunningServer } from '../common/server.js';
import { call, startReceiver, startSim } from '../common/test-kit.js';
import { ZendeskSimulator, type ZendeskSettings } from './zendesk.simulator.js';

const AUTH = { Authorization: `Basic ${Buffer.from('demo@example.com/token:demo-token').toString('base64')}` };
type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('Zendesk simulator', () => {
  let sim: ZendeskSimulator;
  let server: RunningServer;
  let clock: ManualClock;
  const zd = (method: string, path: string, body?: unknown) => call(server.url, method, path, body, AUTH);

  async function boot(settings: Partial<ZendeskSettings> = {}): Promise<void> {
    clock = new ManualClock(Date.parse('2025-03-01T12:00:00Z'));
    sim = new ZendeskSimulator({ clock, settings: { perUserUpdatesPerMinute: 0, incrementalPerMinute: 1000, ...settings } });
    server = await startSim(sim);
  }
  const create = (name: string, email: string, extra: Record<string, unknown> = {}) => zd('POST', '/api/v2/users.json', { user: { name, email, ...extra } });

  afterEach(async () => server.close());

  it('accepts email/token Basic auth and Bearer, and rejects anything else with 401', async () => {
    await boot();
    expect((await zd('GET', '/api/v2/users.json')).status).toBe(200);
    expect((await call(server.url, 'GET', '/api/v2/users.json', undefined, { Authorization: 'Bearer sandbox-zendesk-oauth' })).status).toBe(200);
    const bad = await call(server.url, 'GET', '/api/v2/users.json', undefined, { Authorization: `Basic ${Buffer.from('demo@example.com:demo-token').toString('base64')}` });
    expect(bad.status).toBe(401);
  });

  it('pages users with page[size] and page[after] until has_more is false, following links.next', async () => {
    await boot();
    for (let i = 0; i < 7; i += 1) await create(`U${i}`, `u${i}@example.com`);
    const seen: number[] = [];
    let next: string | null = `/api/v2/users.json?page[size]=3`;
    while (next) {
      const body = (await zd('GET', next)).body as Body;
      seen.push(...body.users.map((u: Body) => u.id));
      next = body.meta.has_more ? (body.links.next as string).replace(server.url, '') : null;
      if (!body.meta.has_more) expect(body.links.next).toBeNull();
    }
    expect(new Set(seen).size).toBe(7);
    expect((await zd('GET', '/api/v2/users.json?page[size]=101')).status).toBe(400);
  });

  it('answers 422 RecordInvalid/DuplicateValue for a second user with the same email', async () => {
    await boot();
    await create('A', 'Same@Example.com');
    const dup = await create('B', 'same@example.com');
    expect(dup.status).toBe(422);
    expect(dup.body).toMatchObject({ error: 'RecordInvalid', details: { email: [{ error: 'DuplicateValue' }] } });
  });

  it('looks users up by their current email after an email change, a merge and a permanent deletion', async () => {
    await boot();
    const a = ((await create('A', 'a@example.com')).body as Body).user;
    const b = ((await create('B', 'b@example.com')).body as Body).user;
    await zd('PUT', `/api/v2/users/${a.id}.json`, { user: { email: 'a2@example.com' } });
    expect(sim.store.byEmail('a@example.com')).toBeUndefined();
    expect(sim.store.byEmail('A2@example.com')?.id).toBe(a.id);
    // The freed address can be taken again.
    expect((await create('A again', 'a@example.com')).status).toBe(201);
    await zd('PUT', `/api/v2/users/${b.id}/merge.json`, { user: { id: a.id } });
    expect(sim.store.byEmail('b@example.com')).toBeUndefined();
    await zd('DELETE', `/api/v2/users/${a.id}.json`);
    expect(sim.store.byEmail('a2@example.com')).toBeUndefined();
    await zd('DELETE', `/api/v2/deleted_users/${a.id}.json`);
    expect((await create('A2 again', 'a2@example.com')).status).toBe(201);
  });

  it('create_or_update answers 201 when it creates and 200 when it updates by email', async () => {
    await boot();
    const first = await zd('POST', '/api/v2/users/create_or_update.json', { user: { name: 'C', email: 'c@example.com' } });
    const second = await zd('POST', '/api/v2/users/create_or_update.json', { user: { name: 'C2', email: 'C@example.com' } });
    expect([first.status, second.status]).toEqual([201, 200]);
    expect((second.body as Body).user).toMatchObject({ id: (first.body as Body).user.id, name: 'C2' });
    expect(second.headers.get('location')).toContain(`/api/v2/users/${(first.body as Body).user.id}.json`);
  });

  it('runs create_or_update_many as a job that moves queued → working → completed with results', async () => {
    await boot({ jobQueuedMs: 100, jobWorkingMs: 100 });
    await create('Existing', 'e@example.com');
    const res = await zd('POST', '/api/v2/users/create_or_update_many.json', { users: [{ name: 'N', email: 'n@example.com' }, { name: 'E', email: 'e@example.com' }, { email: 'noname@example.com' }] });
    const job = (res.body as Body).job_status;
    expect(job.status).toBe('queued');
    const poll = async () => ((await zd('GET', `/api/v2/job_statuses/${job.id}.json`)).body as Body).job_status;
    clock.advance(100);
    expect((await poll()).status).toBe('working');
    expect(sim.store.byEmail('n@example.com')).toBeUndefined();
    clock.advance(100);
    const done = await poll();
    expect(done.status).toBe('completed');
    expect(done.results.map((r: Body) => [r.action, r.status, r.success])).toEqual([['create', 'Created', true], ['update', 'Updated', true], [undefined, undefined, false]]);
    const tooMany = Array.from({ length: 101 }, (_, i) => ({ name: 'x', email: `x${i}@example.com` }));
    expect((await zd('POST', '/api/v2/users/create_or_update_many.json', { users: tooMany })).status).toBe(400);
  });

  it('loses a finished job status when the lost-job fault fires', async () => {
    await boot({ jobQueuedMs: 0, jobWorkingMs: 0 });
    sim.setFaults({ lostJobStatusRate: 1 });
    const job = ((await zd('POST', '/api/v2/users/create_or_update_many.json', { users: [{ name: 'L', email: 'l@example.com' }] })).body as Body).job_status;
    expect((await zd('GET', `/api/v2/job_statuses/${job.id}.json`)).status).toBe(404);
    expect(sim.store.byEmail('l@example.com')).toBeDefined();
  });

  it('exports changed users incrementally, never the last minute, and resumes from after_cursor', async () => {
    await boot();
    const startTime = Math.floor(clock.now() / 1000) - 120;
    await create('Old', 'old@example.com');
    clock.advance(30_000);
    await create('Fresh', 'fresh@example.com');
    clock.advance(40_000);
    const first = (await zd('GET', `/api/v2/incremental/users/cursor.json?start_time=${startTime}`)).body as Body;
    expect(first.users.map((u: Body) => u.email)).toEqual(['old@example.com']);
    expect(first.end_of_stream).toBe(true);
    clock.advance(60_000);
    const second = (await zd('GET', `/api/v2/incremental/users/cursor.json?cursor=${first.after_cursor}`)).body as Body;
    expect(second.users.map((u: Body) => u.email)).toEqual(['fresh@example.com']);
    const tooRecent = await zd('GET', `/api/v2/incremental/users/cursor.json?start_time=${Math.floor(clock.now() / 1000) - 30}`);
    expect(tooRecent.status).toBe(400);
  });

  it('limits incremental exports per minute with 429 and Retry-After', async () => {
    await boot({ incrementalPerMinute: 2 });
    const path = `/api/v2/incremental/users/cursor.json?start_time=${Math.floor(clock.now() / 1000) - 3600}`;
    await zd('GET', path);
    await zd('GET', path);
    const limited = await zd('GET', path);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('sends X-Rate-Limit headers and 429 with Retry-After past the account limit', async () => {
    await boot({ requestsPerMinute: 2 });
    const first = await zd('GET', '/api/v2/users.json');
    expect([first.headers.get('x-rate-limit'), first.headers.get('x-rate-limit-remaining')]).toEqual(['2', '1']);
    await zd('GET', '/api/v2/users.json');
    const limited = await zd('GET', '/api/v2/users.json');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('60');
  });

  it('soft-deletes to active:false, lists under deleted_users, then erases permanently', async () => {
    await boot();
    const id = ((await create('D', 'd@example.com')).body as Body).user.id;
    expect(((await zd('DELETE', `/api/v2/users/${id}.json`)).body as Body).user.active).toBe(false);
    expect(((await zd('GET', '/api/v2/deleted_users.json?page[size]=10')).body as Body).deleted_users.map((u: Body) => u.id)).toEqual([id]);
    expect((await zd('DELETE', `/api/v2/deleted_users/${id}.json`)).status).toBe(204);
    expect((await zd('GET', `/api/v2/users/${id}.json`)).status).toBe(404);
    expect(((await zd('GET', `/api/v2/deleted_users/${id}.json`)).body as Body).deleted_user).toMatchObject({ name: 'Permanently Deleted User', email: null });
  });

  it('merges one end user into another', async () => {
    await boot();
    const source = ((await create('S', 's@example.com', { phone: '+15550001', tags: ['VIP beta'] })).body as Body).user;
    const target = ((await create('T', 't@example.com')).body as Body).user;
    const merged = (await zd('PUT', `/api/v2/users/${source.id}/merge.json`, { user: { id: target.id } })).body as Body;
    expect(merged.user).toMatchObject({ id: target.id, phone: '+15550001', tags: ['vip', 'beta'] });
    expect(((await zd('GET', `/api/v2/users/${source.id}.json`)).body as Body).user.active).toBe(false);
  });

  it('rewrites a phone on write when the reformat fault is set', async () => {
    await boot();
    sim.setFaults({ reformatOnWrite: { field: 'phone', style: 'e164' } });
    const user = ((await create('P', 'p@example.com', { phone: '(415) 555-0134' })).body as Body).user;
    expect(user.phone).toBe('+14155550134');
  });

  it('signs user.* webhooks with base64 HMAC-SHA256 of timestamp + body and string ids', async () => {
    const receiver = await startReceiver();
    await boot();
    await sim.configureWebhook({ url: receiver.url, secret: 'zd-secret' });
    const id = ((await create('W', 'w@example.com')).body as Body).user.id;
    await zd('PUT', `/api/v2/users/${id}.json`, { user: { name: 'W2', user_fields: { plan: 'pro' } } });
    await sim.webhooksIdle();
    await receiver.close();
    for (const hook of receiver.received) {
      const ts = String(hook.headers['x-zendesk-webhook-signature-timestamp']);
      expect(hook.headers['x-zendesk-webhook-signature']).toBe(createHmac('sha256', 'zd-secret').update(ts + hook.body).digest('base64'));
    }
    const events = receiver.received.map((h) => JSON.parse(h.body) as Body);
    expect(events.map((e) => e.type).sort()).toEqual(['zen:event-type:user.created', 'zen:event-type:user.custom_field_changed', 'zen:event-type:user.name_changed']);
    expect(events[0]).toMatchObject({ subject: `zen:user:${id}`, detail: { id: String(id) }, zendesk_event_version: '2022-11-06' });
  });
});
