import fc from 'fast-check';
import { generatePeople } from './common/people.js';
import { call, startReceiver } from './common/test-kit.js';
import { subscriberHash } from './mailchimp/mailchimp.store.js';
import { startSandbox, type Sandbox } from './sandbox.js';

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const HS = { Authorization: 'Bearer demo-token' };

describe('startSandbox', () => {
  let sandbox: Sandbox;
  afterEach(async () => sandbox.close());

  it('seeds the three apps from one population with overlapping, messy contacts', async () => {
    sandbox = await startSandbox({ seed: 60 });
    const hubspot = [...sandbox.hubspot.sim.store.records.contacts.values()].map((r) => r.properties.email);
    const zendesk = [...sandbox.zendesk.sim.store.users.values()].map((u) => u.email);
    const mailchimp = [...sandbox.mailchimp.sim.store.list('a1b2c3').values()].map((m) => m.email_address);
    const inAll = hubspot.filter((e) => zendesk.includes(e ?? '') && mailchimp.some((m) => m.toLowerCase() === e));
    expect(inAll.length).toBeGreaterThan(5);
    expect(mailchimp.some((e) => e !== e.toLowerCase())).toBe(true);
    const phones = [...sandbox.hubspot.sim.store.records.contacts.values()].map((r) => r.properties.phone ?? '');
    expect(new Set(phones.map((p) => p.replace(/\d/g, '9'))).size).toBeGreaterThan(3);
    expect(sandbox.people.some((p) => Object.values(p.apps).some((v) => v.firstName === ''))).toBe(true);
    expect(sandbox.people.some((p) => /[^\x00-\x7f]/.test(p.apps.hubspot?.lastName ?? p.apps.zendesk?.lastName ?? ''))).toBe(true);
    const listed = await call(sandbox.hubspot.url, 'GET', '/crm/v3/objects/contacts?limit=100', undefined, HS);
    expect((listed.body as Body).results).toHaveLength(hubspot.length);
  });

  it('accepts the documented demo credentials by default and answers the old ones with each app\'s 401 body', async () => {
    sandbox = await startSandbox({ seed: 0 });
    const basic = (user: string, secret: string) => ({ Authorization: `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}` });
    expect(sandbox.hubspot.credentials.token).toBe('demo-token');
    expect(sandbox.mailchimp.credentials.apiKey).toBe('demo-key-us1');
    expect(sandbox.zendesk.credentials).toMatchObject({ email: 'demo@example.com', token: 'demo-token' });
    const hs = sandbox.hubspot.url;
    const mc = sandbox.mailchimp.url;
    const zd = sandbox.zendesk.url;
    expect((await call(hs, 'GET', '/crm/v3/objects/contacts', undefined, { Authorization: 'Bearer demo-token' })).status).toBe(200);
    expect((await call(mc, 'GET', '/3.0/lists/a1b2c3/members', undefined, basic('any-name', 'demo-key-us1'))).status).toBe(200);
    expect((await call(zd, 'GET', '/api/v2/users.json', undefined, basic('demo@example.com/token', 'demo-token'))).status).toBe(200);
    const oldHs = await call(hs, 'GET', '/crm/v3/objects/contacts', undefined, { Authorization: 'Bearer sandbox-hubspot-token' });
    expect(oldHs).toMatchObject({ status: 401, body: { status: 'error', category: 'INVALID_AUTHENTICATION' } });
    const oldMc = await call(mc, 'GET', '/3.0/lists/a1b2c3/members', undefined, basic('anyone', '0123456789abcdef0123456789abcdef-us21'));
    expect(oldMc).toMatchObject({ status: 401, body: { title: 'API Key Invalid', status: 401 } });
    const oldZd = await call(zd, 'GET', '/api/v2/users.json', undefined, basic('ops@acme.test/token', 'sandbox-zendesk-token'));
    expect(oldZd).toMatchObject({ status: 401, body: { error: "Couldn't authenticate you" } });
  });

  it('generates the same people for the same seed, each in at least one app', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 1, max: 1_000_000 }), (count, seed) => {
        const a = generatePeople(count, seed, 1_700_000_000_000);
        expect(generatePeople(count, seed, 1_700_000_000_000)).toEqual(a);
        expect(a.every((p) => Object.keys(p.apps).length > 0)).toBe(true);
        expect(new Set(a.map((p) => p.email)).size).toBe(count);
      }),
      { numRuns: 30 },
    );
  });

  it('counts requests by route and writes by record under /__admin/stats', async () => {
    sandbox = await startSandbox({ seed: 0 });
    const url = sandbox.hubspot.url;
    const created = (await call(url, 'POST', '/crm/v3/objects/contacts', { properties: { email: 's@example.com' } }, HS)).body as Body;
    await call(url, 'PATCH', `/crm/v3/objects/contacts/${created.id}`, { properties: { firstname: 'S' } }, HS);
    await call(url, 'PATCH', `/crm/v3/objects/contacts/${created.id}`, { properties: { firstname: 'S' } }, HS);
    const stats = (await call(url, 'GET', '/__admin/stats')).body as Body;
    expect(stats.requests.byRoute['PATCH /crm/v3/objects/:objectType/:id']).toBe(2);
    expect(stats.writes.byRecord[`contacts:${created.id}`]).toBe(3);
    expect((await call(url, 'POST', '/__admin/reset')).status).toBe(204);
    expect(((await call(url, 'GET', '/__admin/stats')).body as Body).requests.total).toBe(0);
    expect(((await call(url, 'POST', '/__admin/seed', { count: 10, seed: 7 })).body as Body).inserted).toBeGreaterThan(0);
  });

  it('injects 5xx errors and 429 bursts set through POST /__admin/faults', async () => {
    sandbox = await startSandbox({ seed: 0 });
    const url = sandbox.zendesk.url;
    const auth = { Authorization: 'Bearer sandbox-zendesk-oauth' };
    expect((await call(url, 'POST', '/__admin/faults', { errorRate5xx: 1 })).status).toBe(200);
    expect((await call(url, 'GET', '/api/v2/users.json', undefined, auth)).status).toBe(503);
    await call(url, 'DELETE', '/__admin/faults');
    await call(url, 'POST', '/__admin/faults', { burst429: { every: 2, count: 1 } });
    const statuses = [];
    for (let i = 0; i < 6; i += 1) statuses.push((await call(url, 'GET', '/api/v2/users.json', undefined, auth)).status);
    expect(statuses).toEqual([200, 200, 429, 200, 200, 429]);
    expect((await call(url, 'POST', '/__admin/faults', { errorRate5xx: 2 })).status).toBe(400);
  });

  it('delivers a reordered webhook after the events that followed it', async () => {
    sandbox = await startSandbox({ seed: 0 });
    const receiver = await startReceiver();
    const zd = sandbox.zendesk;
    await zd.configureWebhook({ url: receiver.url, secret: 's' });
    const auth = { Authorization: 'Bearer sandbox-zendesk-oauth' };
    zd.setFaults({ webhookReorderRate: 1 });
    await call(zd.url, 'POST', '/api/v2/users.json', { user: { name: 'First', email: 'first@example.com' } }, auth);
    zd.setFaults({ webhookReorderRate: 0 });
    await call(zd.url, 'POST', '/api/v2/users.json', { user: { name: 'Second', email: 'second@example.com' } }, auth);
    await zd.webhooksIdle();
    await receiver.close();
    expect(receiver.received.map((r) => (JSON.parse(r.body) as Body).detail.email)).toEqual(['second@example.com', 'first@example.com']);
  });

  it('drops or duplicates webhooks when told to', async () => {
    sandbox = await startSandbox({ seed: 0 });
    const receiver = await startReceiver();
    const url = sandbox.mailchimp.url;
    const auth = { Authorization: `Basic ${Buffer.from(`u:${sandbox.mailchimp.credentials.apiKey}`).toString('base64')}` };
    await call(url, 'POST', '/__admin/webhooks', { url: receiver.url });
    await call(url, 'POST', '/__admin/faults', { webhookDuplicateRate: 1 });
    await call(url, 'POST', '/3.0/lists/a1b2c3/members', { email_address: 'dup@example.com', status: 'subscribed' }, auth);
    await sandbox.mailchimp.webhooksIdle();
    await call(url, 'POST', '/__admin/faults', { webhookDuplicateRate: 0, webhookDropRate: 1 });
    await call(url, 'PATCH', `/3.0/lists/a1b2c3/members/${subscriberHash('dup@example.com')}`, { status: 'unsubscribed' }, auth);
    await sandbox.mailchimp.webhooksIdle();
    await receiver.close();
    const posts = receiver.received.filter((r) => r.method === 'POST').map((r) => new URLSearchParams(r.body).get('type'));
    expect(posts).toEqual(['subscribe', 'subscribe']);
    expect(sandbox.mailchimp.stats().webhooks).toMatchObject({ duplicated: 1, dropped: 1 });
  });
});
