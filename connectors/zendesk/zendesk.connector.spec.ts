import { AuthError } from '@tandem/connector-sdk';
import { zendeskConnectorFactory, zendeskConnectorOptions } from './index.js';
import { collect, ids, lastCursor, T0, zendeskKit, type ZdKit } from './zendesk.test-kit.js';

const MINUTE = 60_000;

describe('ZendeskConnector reads', () => {
  let kit: ZdKit;
  afterEach(async () => kit.close());

  it('lists every live user with cursor pages and marks only the last page complete', async () => {
    kit = await zendeskKit({ pageSize: 3 });
    const created = Array.from({ length: 7 }, (_, i) => kit.add(`u${i}@example.test`, T0 + i * 1000));
    const pages = await collect(kit, null);
    expect(ids(pages)).toEqual(created);
    expect(pages.map((p) => p.complete === true)).toEqual([false, false, true]);
    expect(pages[0].records[0]).toMatchObject({
      id: created[0],
      version: String(T0),
      fields: { email: 'u0@example.test' },
    });
  });

  it('follows the incremental export after the full list and reads only later changes', async () => {
    kit = await zendeskKit();
    const [a, b] = [kit.add('a@example.test', T0), kit.add('b@example.test', T0)];
    const cursor = lastCursor(await collect(kit, null));
    kit.simClock.advance(2 * MINUTE);
    kit.edit(b, kit.simClock.now() - 90_000, { name: 'Bee' });
    const pages = await collect(kit, cursor);
    expect(ids(pages)).toEqual([b]);
    expect(ids(pages)).not.toContain(a);
    expect(ids(await collect(kit, lastCursor(pages)))).toEqual([]);
    expect(kit.sb.zendesk.stats().requests.byRoute['GET /api/v2/incremental/users/cursor']).toBeGreaterThan(0);
  });

  it('does not skip an edit made in the export’s withheld last minute', async () => {
    kit = await zendeskKit();
    const a = kit.add('a@example.test', T0);
    kit.simClock.advance(2 * MINUTE);
    const first = await collect(kit, lastCursor(await collect(kit, null)));
    kit.edit(a, kit.simClock.now() - 10_000, { name: 'Recent' });
    const during = await collect(kit, lastCursor(first));
    expect(ids(during)).toEqual([]);
    kit.simClock.advance(2 * MINUTE);
    const after = await collect(kit, lastCursor(during));
    expect(after.flatMap((p) => p.records).map((r) => [r.id, r.fields.name])).toEqual([[a, 'Recent']]);
  });

  it('reads users that share one updated_at across export pages exactly once', async () => {
    kit = await zendeskKit();
    kit.sb.zendesk.setSettings({ incrementalPerPage: 2, incrementalPerMinute: 1000 });
    const cursor = lastCursor(await collect(kit, null, kit.connect({ incrementalPerMinute: 1000 })));
    kit.simClock.advance(2 * MINUTE);
    const at = kit.simClock.now() - 2 * MINUTE + 5000;
    const tied = Array.from({ length: 5 }, (_, i) => kit.add(`t${i}@example.test`, at));
    kit.simClock.advance(MINUTE);
    const pages = await collect(kit, cursor, kit.connect({ incrementalPerMinute: 1000 }));
    expect(ids(pages)).toEqual(tied);
  });

  it('waits on its own export limiter instead of running into the 10-per-minute limit', async () => {
    kit = await zendeskKit();
    kit.sb.zendesk.setSettings({ incrementalPerPage: 1 });
    const cursor = lastCursor(await collect(kit, null));
    kit.simClock.advance(2 * MINUTE);
    const at = kit.simClock.now() - 2 * MINUTE + 1000;
    const created = Array.from({ length: 12 }, (_, i) => kit.add(`r${i}@example.test`, at + i));
    kit.simClock.advance(2 * MINUTE);
    expect(kit.connector.client.exportHttp.limiter.limit).toBe(10);
    const pages = await collect(kit, cursor);
    expect(ids(pages)).toEqual(created);
    expect(kit.sb.zendesk.stats().requests.byStatus['429'] ?? 0).toBe(0);
  });

  it('recovers from a 429 with Retry-After on the export', async () => {
    kit = await zendeskKit({ incrementalPerMinute: 100 });
    kit.sb.zendesk.setSettings({ incrementalPerPage: 1, incrementalPerMinute: 2 });
    const cursor = lastCursor(await collect(kit, null));
    kit.simClock.advance(2 * MINUTE);
    const created = Array.from({ length: 4 }, (_, i) =>
      kit.add(`x${i}@example.test`, kit.simClock.now() - 2 * MINUTE + i),
    );
    kit.simClock.advance(MINUTE);
    const pages = await collect(kit, cursor);
    expect(ids(pages)).toEqual(created);
    expect(kit.sb.zendesk.stats().requests.byStatus['429']).toBeGreaterThan(0);
  });

  it('signals soft-deleted and erased users as deleted on the export', async () => {
    kit = await zendeskKit();
    const [a, b] = [kit.add('soft@example.test', T0), kit.add('erase@example.test', T0)];
    const cursor = lastCursor(await collect(kit, null));
    const [result] = await kit.drive(kit.connector.write('users', [{ op: 'delete', ref: 'd', id: a }]));
    expect(result).toMatchObject({ status: 'ok', id: a });
    await kit.drive(kit.connector.erase('users', b));
    kit.simClock.advance(2 * MINUTE);
    const records = (await collect(kit, cursor)).flatMap((p) => p.records);
    expect(records.map((r) => [r.id, r.deleted])).toEqual([
      [a, true],
      [b, true],
    ]);
    expect(JSON.stringify(records.find((r) => r.id === b))).not.toContain('erase@');
    expect((await kit.connector.fetch('users', [a, b])).map((r) => [r.id, r.deleted])).toEqual([[a, true]]);
  });
});

describe('ZendeskConnector lookups, auth and settings', () => {
  let kit: ZdKit;
  afterEach(async () => kit.close());

  it('finds users by email exactly, ignoring case', async () => {
    kit = await zendeskKit();
    const a = kit.add('ann@example.test', T0);
    kit.add('annabel@example.test', T0);
    const found = await kit.connector.findByKey('users', 'email', ['ANN@example.test ']);
    expect(found.map((r) => r.id)).toEqual([a]);
  });

  it('accepts an API token or an OAuth token and rejects a wrong one as an auth error', async () => {
    kit = await zendeskKit();
    await expect(kit.connector.check()).resolves.toBeUndefined();
    await expect(
      kit.connect({ auth: { oauthToken: kit.sb.zendesk.credentials.oauthToken } }).check(),
    ).resolves.toBeUndefined();
    await expect(kit.connect({ auth: { email: kit.sb.zendesk.credentials.email, token: 'wrong' } }).check()).rejects.toBeInstanceOf(
      AuthError,
    );
  });

  it('describes custom user fields with their types and options', async () => {
    kit = await zendeskKit();
    const fields = await kit.connector.describe('users');
    expect(fields.find((f) => f.path === 'user_fields.plan')).toMatchObject({
      type: 'enum',
      options: ['free', 'pro', 'enterprise'],
    });
    expect(fields.find((f) => f.path === 'user_fields.vip')).toMatchObject({ type: 'boolean' });
    expect(fields.find((f) => f.path === 'name')).toMatchObject({ requiredOnCreate: true });
  });

  it('builds the host from the subdomain and requires credentials', () => {
    expect(zendeskConnectorOptions({ subdomain: 'acme', email: 'a@b.test', token: 't' }, 'zd')).toMatchObject({
      baseUrl: 'https://acme.zendesk.com/api/v2',
      auth: { email: 'a@b.test', token: 't' },
    });
    expect(() => zendeskConnectorFactory({ subdomain: 'acme' }, { name: 'zd' })).toThrow(/email\/token/);
    expect(() => zendeskConnectorFactory({ email: 'a@b.test', token: 't' }, { name: 'zd' })).toThrow(
      /subdomain is required/,
    );
  });
});
