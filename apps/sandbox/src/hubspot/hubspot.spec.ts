import { createHmac } from 'node:crypto';
import { ManualClock } from '../common/clock.js';
import type { RunningServer } from '../common/server.js';
import { call, startReceiver, startSim } from '../common/test-kit.js';
import { HubspotSimulator, type HubspotSettings } from './hubspot.simulator.js';

const AUTH = { Authorization: 'Bearer demo-token' };
type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('HubSpot simulator', () => {
  let sim: HubspotSimulator;
  let server: RunningServer;
  let clock: ManualClock;
  const hs = (method: string, path: string, body?: unknown) => call(server.url, method, path, body, AUTH);

  async function boot(settings: Partial<HubspotSettings> = {}): Promise<void> {
    clock = new ManualClock(Date.parse('2025-03-01T12:00:00Z'));
    sim = new HubspotSimulator({ clock, settings: { burstLimit: 0, searchPerSecond: 0, ...settings } });
    server = await startSim(sim);
  }
  function createContacts(n: number): void {
    for (let i = 0; i < n; i += 1) sim.store.create('contacts', { email: `p${i}@example.com`, firstname: `P${i}` }, clock.now(), 0);
  }

  afterEach(async () => server.close());

  it('answers 401 INVALID_AUTHENTICATION without a valid bearer token', async () => {
    await boot();
    const res = await call(server.url, 'GET', '/crm/v3/objects/contacts', undefined, { Authorization: 'Bearer nope' });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ status: 'error', category: 'INVALID_AUTHENTICATION' });
  });

  it('finds a contact by its current email only, after the email changed and once it is archived', async () => {
    await boot();
    const rec = sim.store.create('contacts', { email: 'old@example.com' }, clock.now(), 0);
    sim.store.update(rec, { email: 'new@example.com' }, clock.now(), 0);
    expect(sim.store.findBy('contacts', 'email', 'OLD@example.com')).toBeUndefined();
    expect(sim.store.findBy('contacts', 'email', ' New@example.com')?.id).toBe(rec.id);
    sim.store.archive(rec, clock.now(), 0);
    expect(sim.store.findBy('contacts', 'email', 'new@example.com')).toBeUndefined();
    const again = sim.store.create('contacts', { email: 'new@example.com' }, clock.now(), 0);
    expect(sim.store.findBy('contacts', 'email', 'new@example.com')?.id).toBe(again.id);
  });

  it('pages a list with the after cursor and leaves paging out on the last page', async () => {
    await boot();
    createContacts(25);
    const ids: string[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const res = await hs('GET', `/crm/v3/objects/contacts?limit=10${after ? `&after=${after}` : ''}`);
      const body = res.body as Body;
      ids.push(...body.results.map((r: Body) => r.id));
      after = body.paging?.next?.after;
      pages += 1;
      if (!after) expect(body.paging).toBeUndefined();
    } while (after);
    expect(pages).toBe(3);
    expect(new Set(ids).size).toBe(25);
    expect((await hs('GET', '/crm/v3/objects/contacts?limit=101')).status).toBe(400);
  });

  it('lists archived records only with archived=true', async () => {
    await boot();
    createContacts(3);
    const [first] = sim.store.sorted('contacts');
    expect((await hs('DELETE', `/crm/v3/objects/contacts/${first!.id}`)).status).toBe(204);
    const live = (await hs('GET', '/crm/v3/objects/contacts')).body as Body;
    const archived = (await hs('GET', '/crm/v3/objects/contacts?archived=true')).body as Body;
    expect(live.results).toHaveLength(2);
    expect(archived.results.map((r: Body) => r.id)).toEqual([first!.id]);
    expect(archived.results[0]).toMatchObject({ archived: true, archivedAt: expect.any(String) });
  });

  it('stores every property value as a string and rejects unknown properties', async () => {
    await boot();
    const created = await hs('POST', '/crm/v3/objects/contacts', { properties: { email: ' Jane@Example.COM ', hs_email_optout: false, renewal_date: Date.UTC(2025, 0, 1) } });
    expect(created.status).toBe(201);
    expect((created.body as Body).properties).toMatchObject({ email: 'jane@example.com', hs_email_optout: 'false', renewal_date: '2025-01-01' });
    const bad = await hs('POST', '/crm/v3/objects/contacts', { properties: { email: 'x@example.com', favourite_colour: 'red' } });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ category: 'VALIDATION_ERROR' });
    const notMidnight = await hs('POST', '/crm/v3/objects/contacts', { properties: { email: 'y@example.com', renewal_date: Date.UTC(2025, 0, 1, 13) } });
    expect(notMidnight.status).toBe(400);
  });

  it('answers 409 CONFLICT with the existing id when a contact email already exists', async () => {
    await boot();
    const first = (await hs('POST', '/crm/v3/objects/contacts', { properties: { email: 'dup@example.com' } })).body as Body;
    const again = await hs('POST', '/crm/v3/objects/contacts', { properties: { email: 'DUP@example.com' } });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ category: 'CONFLICT', message: `Contact already exists. Existing ID: ${first.id}` });
  });

  it('searches with ORed groups of ANDed filters, sorts, and reports the total', async () => {
    await boot();
    createContacts(30);
    const res = await hs('POST', '/crm/v3/objects/contacts/search', {
      filterGroups: [{ filters: [{ propertyName: 'firstname', operator: 'IN', values: ['P1', 'P2', 'P3'] }] }, { filters: [{ propertyName: 'email', operator: 'CONTAINS_TOKEN', value: 'p2*' }, { propertyName: 'firstname', operator: 'NEQ', value: 'P2' }] }],
      sorts: [{ propertyName: 'firstname', direction: 'DESCENDING' }],
      limit: 5,
    });
    const body = res.body as Body;
    expect(res.status).toBe(200);
    // IN gives P1..P3; the second group adds P20..P29 (email token p2*) except P2.
    expect(body.total).toBe(13);
    expect(body.results.map((r: Body) => r.properties.firstname)).toEqual(['P3', 'P29', 'P28', 'P27', 'P26']);
    expect(body.paging.next.after).toBe('5');
  });

  it('answers 400 when a search pages past 10,000 results', async () => {
    await boot();
    createContacts(10_050);
    const ok = await hs('POST', '/crm/v3/objects/contacts/search', { limit: 100, after: '9900' });
    expect((ok.body as Body).paging.next.after).toBe('10000');
    expect((ok.body as Body).total).toBe(10_050);
    const past = await hs('POST', '/crm/v3/objects/contacts/search', { limit: 100, after: '10000' });
    expect(past.status).toBe(400);
  });

  it('does not show a write to search until the index lag has passed', async () => {
    await boot({ searchLagMs: 5000 });
    const before = clock.now();
    const created = (await hs('POST', '/crm/v3/objects/contacts', { properties: { email: 'lag@example.com' } })).body as Body;
    const query = { filterGroups: [{ filters: [{ propertyName: 'lastmodifieddate', operator: 'GTE', value: String(before) }] }] };
    expect(((await hs('POST', '/crm/v3/objects/contacts/search', query)).body as Body).total).toBe(0);
    clock.advance(5000);
    const found = (await hs('POST', '/crm/v3/objects/contacts/search', query)).body as Body;
    expect(found.results.map((r: Body) => r.id)).toEqual([created.id]);
  });

  it('limits search to the per-second budget with the secondly message', async () => {
    await boot({ searchPerSecond: 4 });
    const statuses = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await hs('POST', '/crm/v3/objects/contacts/search', {})).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    const limited = await hs('POST', '/crm/v3/objects/contacts/search', {});
    expect(limited.body).toMatchObject({ message: 'You have reached your secondly limit.', policyName: 'SECONDLY' });
    clock.advance(1000);
    expect((await hs('POST', '/crm/v3/objects/contacts/search', {})).status).toBe(200);
  });

  it('answers 429 TEN_SECONDLY_ROLLING past the burst limit, with rate-limit headers', async () => {
    await boot({ burstLimit: 3, dailyLimit: 1000 });
    const first = await hs('GET', '/crm/v3/objects/contacts');
    expect(first.headers.get('x-hubspot-ratelimit-max')).toBe('3');
    expect(first.headers.get('x-hubspot-ratelimit-remaining')).toBe('2');
    expect(first.headers.get('x-hubspot-ratelimit-interval-milliseconds')).toBe('10000');
    expect(first.headers.get('x-hubspot-ratelimit-daily-remaining')).toBe('999');
    await hs('GET', '/crm/v3/objects/contacts');
    await hs('GET', '/crm/v3/objects/contacts');
    const limited = await hs('GET', '/crm/v3/objects/contacts');
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ policyName: 'TEN_SECONDLY_ROLLING', errorType: 'RATE_LIMIT' });
    clock.advance(10_001);
    expect((await hs('GET', '/crm/v3/objects/contacts')).status).toBe(200);
  });

  it('upserts by email with a new flag and refuses batches over 100 inputs', async () => {
    await boot();
    await hs('POST', '/crm/v3/objects/contacts', { properties: { email: 'old@example.com', firstname: 'Old' } });
    const res = await hs('POST', '/crm/v3/objects/contacts/batch/upsert', {
      inputs: [
        { idProperty: 'email', id: 'old@example.com', properties: { firstname: 'Changed' } },
        { idProperty: 'email', id: 'new@example.com', properties: { firstname: 'New' } },
      ],
    });
    const body = res.body as Body;
    expect(res.status).toBe(200);
    expect(body.results.map((r: Body) => [r.properties.email, r.new])).toEqual([['old@example.com', false], ['new@example.com', true]]);
    const tooMany = Array.from({ length: 101 }, (_, i) => ({ properties: { email: `b${i}@example.com` } }));
    expect((await hs('POST', '/crm/v3/objects/contacts/batch/create', { inputs: tooMany })).status).toBe(400);
  });

  it('fails a whole batch create on a duplicate, but reports 207 per record with objectWriteTraceId', async () => {
    await boot();
    await hs('POST', '/crm/v3/objects/contacts', { properties: { email: 'taken@example.com' } });
    const inputs = [{ properties: { email: 'fresh@example.com' } }, { properties: { email: 'taken@example.com' } }];
    const whole = await hs('POST', '/crm/v3/objects/contacts/batch/create', { inputs });
    expect(whole.status).toBe(409);
    expect(sim.store.findBy('contacts', 'email', 'fresh@example.com')).toBeUndefined();
    const traced = await hs('POST', '/crm/v3/objects/contacts/batch/create', { inputs: inputs.map((input, i) => ({ ...input, objectWriteTraceId: `t${i}` })) });
    const body = traced.body as Body;
    expect(traced.status).toBe(207);
    expect(body.numErrors).toBe(1);
    expect(body.errors[0]).toMatchObject({ category: 'CONFLICT', context: { objectWriteTraceId: ['t1'] } });
    expect(body.results[0].objectWriteTraceId).toBe('t0');
  });

  it('echoes the properties a batch update sent, as stored, plus the system ones, and no others', async () => {
    await boot();
    createContacts(1);
    const [rec] = sim.store.sorted('contacts');
    clock.advance(5_000);
    const res = await hs('POST', '/crm/v3/objects/contacts/batch/update', {
      inputs: [{ id: rec!.id, properties: { hs_email_optout: true, renewal_date: Date.UTC(2025, 0, 1), city: 'Oslo' } }],
    });
    const [echoed] = (res.body as Body).results;
    expect(res.status).toBe(200);
    expect(Object.keys(echoed.properties).sort()).toEqual(['city', 'createdate', 'hs_email_optout', 'hs_object_id', 'lastmodifieddate', 'renewal_date']);
    expect(echoed.properties).toMatchObject({ hs_email_optout: 'true', renewal_date: '2025-01-01', city: 'Oslo', hs_object_id: rec!.id });
    expect(echoed.updatedAt).toBe(new Date(clock.now()).toISOString());
    expect(echoed.properties.lastmodifieddate).toBe(echoed.updatedAt);
  });

  it('echoes a batch create with the stored email, not the one sent', async () => {
    await boot();
    const res = await hs('POST', '/crm/v3/objects/contacts/batch/create', { inputs: [{ properties: { email: ' New@Example.COM ', phone: '555' } }] });
    const [echoed] = (res.body as Body).results;
    expect(res.status).toBe(201);
    expect(echoed.properties).toMatchObject({ email: 'new@example.com', phone: '555', hs_object_id: echoed.id });
    expect(echoed.properties).not.toHaveProperty('firstname');
  });

  it('reads a batch by email with 207 for missing ids and caps history reads at 50', async () => {
    await boot();
    createContacts(2);
    const res = await hs('POST', '/crm/v3/objects/contacts/batch/read', { idProperty: 'email', properties: ['firstname'], inputs: [{ id: 'p0@example.com' }, { id: 'nobody@example.com' }] });
    const body = res.body as Body;
    expect(res.status).toBe(207);
    expect(body.results.map((r: Body) => r.properties.firstname)).toEqual(['P0']);
    expect(body.errors[0]).toMatchObject({ category: 'OBJECT_NOT_FOUND', context: { ids: ['nobody@example.com'] } });
    const many = Array.from({ length: 51 }, (_, i) => ({ id: String(1001 + i) }));
    expect((await hs('POST', '/crm/v3/objects/contacts/batch/read', { propertiesWithHistory: ['phone'], inputs: many })).status).toBe(400);
  });

  it('filters lastmodifieddate with epoch milliseconds or ISO strings alike', async () => {
    await boot();
    createContacts(1);
    clock.advance(1000);
    const mark = clock.now();
    clock.advance(1000);
    const later = (await hs('POST', '/crm/v3/objects/contacts', { properties: { email: 'later@example.com' } })).body as Body;
    for (const value of [String(mark), new Date(mark).toISOString()]) {
      const res = (await hs('POST', '/crm/v3/objects/contacts/search', { filterGroups: [{ filters: [{ propertyName: 'lastmodifieddate', operator: 'GT', value }] }] })).body as Body;
      expect(res.results.map((r: Body) => r.id)).toEqual([later.id]);
    }
  });

  it('keeps per-property history with timestamps', async () => {
    await boot();
    const created = (await hs('POST', '/crm/v3/objects/contacts', { properties: { email: 'h@example.com', phone: '111' } })).body as Body;
    clock.advance(60_000);
    await hs('PATCH', `/crm/v3/objects/contacts/${created.id}`, { properties: { phone: '222' } });
    const res = (await hs('GET', `/crm/v3/objects/contacts/${created.id}?propertiesWithHistory=phone`)).body as Body;
    expect(res.propertiesWithHistory.phone.map((h: Body) => h.value)).toEqual(['222', '111']);
    expect(Date.parse(res.propertiesWithHistory.phone[0].timestamp) - Date.parse(res.propertiesWithHistory.phone[1].timestamp)).toBe(60_000);
    expect(res.updatedAt).toBe(res.propertiesWithHistory.phone[0].timestamp);
  });

  it('erases a contact with gdpr-delete and refuses its email afterwards', async () => {
    await boot();
    const created = (await hs('POST', '/crm/v3/objects/contacts', { properties: { email: 'gone@example.com' } })).body as Body;
    expect((await hs('POST', '/crm/v3/objects/contacts/gdpr-delete', { objectId: created.id })).status).toBe(204);
    expect((await hs('GET', `/crm/v3/objects/contacts/${created.id}?archived=true`)).status).toBe(404);
    expect((await hs('POST', '/crm/v3/objects/contacts', { properties: { email: 'gone@example.com' } })).status).toBe(400);
  });

  it('posts signed v3 webhook arrays and retries with a growing attemptNumber', async () => {
    const receiver = await startReceiver([500]);
    await boot({ webhookRetryBaseMs: 10 });
    await sim.configureWebhook({ url: receiver.url, secret: 'client-secret' });
    const created = (await hs('POST', '/crm/v3/objects/contacts', { properties: { email: 'w@example.com' } })).body as Body;
    await hs('PATCH', `/crm/v3/objects/contacts/${created.id}`, { properties: { firstname: 'W' } });
    await sim.webhooksIdle();
    await receiver.close();
    for (const hook of receiver.received) {
      const timestamp = String(hook.headers['x-hubspot-request-timestamp']);
      const expected = createHmac('sha256', 'client-secret').update(`POST${receiver.url}${hook.body}${timestamp}`).digest('base64');
      expect(hook.headers['x-hubspot-signature-v3']).toBe(expected);
    }
    const events = receiver.received.flatMap((hook) => JSON.parse(hook.body) as Body[]);
    const creations = events.filter((e) => e.subscriptionType === 'contact.creation');
    // The first delivery got a 500, so the creation event came again with attemptNumber 1.
    expect(creations.map((e) => [e.attemptNumber, e.objectId, e.eventId])).toEqual([[0, Number(created.id), 1], [1, Number(created.id), 1]]);
    expect(events.find((e) => e.subscriptionType === 'contact.propertyChange')).toMatchObject({ propertyName: 'firstname', propertyValue: 'W', objectId: Number(created.id) });
  });
});
