import type { Connector } from '@tandem/connector-sdk';
import { parseConfig } from '@tandem/config';
import type { SyncSpec } from '@tandem/core';
import { openLedger, type Ledger } from '@tandem/ledger';
import { MemoryApps, memoryConnectorFactory, type MemoryApp } from '@tandem/connectors/memory';
import { runCycle } from './cycle.js';
import { eraseByEmail, ErasureError } from './erase.js';

const YAML = `connections:
  crm: { type: memory, app: erase-crm }
  mail: { type: memory, app: erase-mail }
  desk: { type: memory, app: erase-desk }
syncs:
  people:
    members:
      crm: { object: contacts }
      mail: { object: contacts }
      desk: { object: contacts }
    match: [email]
    fields:
      email: { crm: email, mail: email, desk: email, transform: email }
      first_name: { crm: firstname, mail: firstname, desk: firstname }
  by_phone:
    members:
      crm: { object: contacts }
      desk: { object: contacts }
    match: [phone]
    fields:
      phone: { crm: phone, desk: phone }
`;

let ledger: Ledger;
let spec: SyncSpec;
let specs: SyncSpec[];
let apps: Record<string, MemoryApp>;
let connectors: Record<string, Connector>;
const logged: string[] = [];
const logger = {
  info: (o: object, m: string) => logged.push(JSON.stringify({ m, ...o })),
  warn: (o: object, m: string) => logged.push(JSON.stringify({ m, ...o })),
  error: (o: object, m: string) => logged.push(JSON.stringify({ m, ...o })),
};
const env = () => ({ ledger, connectors, logger });
const cycle = (full = false) => runCycle(spec, env(), { trigger: 'manual', full });
const emails = (app: string) => Object.values(apps[app].snapshot()).map((r) => r.email);
const events: string[] = [];
/** The same connector with `erase` replaced (or removed): a connector that cannot or fails to erase. */
const withErase = (connector: Connector, erase: Connector['erase']): Connector =>
  new Proxy(connector, { get: (target, prop) => (prop === 'erase' ? erase : Reflect.get(target, prop)) });
const idIn = (app: string, email: string) =>
  Object.entries(apps[app].snapshot()).find(([, r]) => r.email === email)?.[0] as string;

beforeAll(async () => {
  const { config } = parseConfig(YAML, 'tandem.yaml', {});
  specs = config.syncs;
  spec = specs[0];
  apps = Object.fromEntries(['crm', 'mail', 'desk'].map((n) => [n, MemoryApps.create(`erase-${n}`)]));
  connectors = Object.fromEntries(
    Object.entries(config.connections).map(([n, c]) => [n, memoryConnectorFactory(c.settings, { name: n })]),
  );
  ledger = await openLedger({ databaseUrl: null, dataDir: 'memory://' });
  apps.crm.userCreate({ email: 'ivy@example.test', firstname: 'Ivy' });
  apps.crm.userCreate({ email: 'jo@example.test', firstname: 'Jo' });
  await cycle();
}, 60_000);

afterAll(async () => {
  await ledger?.close();
});

describe('eraseByEmail', () => {
  let linkId: string;

  it('deletes the person in every app, including a record the ledger never saw, and leaves others alone', async () => {
    linkId = (await ledger.links.loadByMember('people', 'crm', idIn('crm', 'ivy@example.test')))?.linkId as string;
    const mailId = idIn('mail', 'ivy@example.test');
    await ledger.retries.enqueue(
      {
        sync: 'people',
        app: 'mail',
        externalId: mailId,
        linkId,
        op: 'update',
        payload: { firstname: 'Ivy' },
        errorClass: 'X',
        errorMessage: 'x',
      },
      0,
    );
    for (const [providerEventId, body] of [
      ['ev-email', { email: 'IVY@example.test' }],
      ['ev-id', { id: mailId, firstname: 'Ivy' }],
      ['ev-other', { email: 'jo@example.test', id: `${mailId}0` }],
    ] as const) {
      events.push(
        (await ledger.webhookEvents.insert({ connection: 'mail', providerEventId, body: JSON.stringify(body) })).id,
      );
    }
    // Created in the helpdesk after the last cycle, spelled differently: only the app lookup finds it.
    apps.desk.userCreate({ email: ' Ivy@Example.TEST', firstname: 'Ivy (dup)' });

    const report = await eraseByEmail(env(), specs, 'Ivy@Example.test ');

    expect(report.complete).toBe(true);
    expect(report.skipped).toEqual(['by_phone']);
    const [people] = report.syncs;
    expect(people.links).toEqual([linkId]);
    expect(Object.fromEntries(people.apps.map((a) => [a.app, a.erased.length]))).toEqual({ crm: 1, mail: 1, desk: 2 });
    for (const app of ['crm', 'mail', 'desk']) expect(emails(app)).toEqual(['jo@example.test']);
    expect(apps.crm.records().some((r) => JSON.stringify(r).toLowerCase().includes('ivy'))).toBe(false);
    expect(people.purged).toMatchObject({ retries: 1, webhookEvents: 2 });
  });

  it('purges the values from the link, its audit, retries and webhook bodies, keeping the rows', async () => {
    const link = await ledger.links.load(linkId);
    expect(link).toMatchObject({ agreed: {}, deleted: true, openConflicts: [] });
    expect(link?.members.every((m) => m.shadow === null && m.pending.length === 0 && m.deleted)).toBe(true);
    const audit = await ledger.audit.listByLink(linkId);
    expect(audit.length).toBeGreaterThan(1);
    expect(audit.every((c) => c.before === null && c.after === null)).toBe(true);
    expect(await ledger.retries.list({ sync: 'people' })).toEqual([]);
    const [byEmail, byId, other] = await Promise.all(events.map((id) => ledger.webhookEvents.get(id)));
    expect([byEmail?.body, byId?.body]).toEqual(['', '']);
    expect(byEmail?.processedAt).not.toBeNull();
    expect(other?.body).toContain('jo@example.test');
    expect(other?.processedAt).toBeNull();
    expect(await ledger.links.findByMatchKey('people', { field: 'email', value: 'ivy@example.test' })).toEqual([]);
  });

  it('keeps one suppression tombstone, so a stale app re-adding the person is not linked or copied', async () => {
    await eraseByEmail(env(), specs, 'ivy@example.test');
    const live = (await ledger.tombstones.list('people')).filter((t) => t.kind === 'erasure');
    expect(live).toHaveLength(1);
    expect(JSON.stringify(live)).not.toContain('ivy');
    apps.mail.userCreate({ email: 'ivy@example.test', firstname: 'Ivy (stale import)' });
    await cycle(true);
    expect(emails('crm')).toEqual(['jo@example.test']);
    expect(emails('desk')).toEqual(['jo@example.test']);
  });

  it('logs ids and counts only, never the email', () => {
    expect(logged.join('\n').toLowerCase()).not.toContain('ivy@');
    expect(logged.some((l) => l.includes('person erased'))).toBe(true);
  });

  it('reports an app whose connector cannot erase or fails, instead of claiming success', async () => {
    apps.crm.userCreate({ email: 'kim@example.test', firstname: 'Kim' });
    await cycle();
    const failing = withErase(connectors.mail, async () => {
      throw Object.assign(new Error('gone wrong'), { code: 'CONNECTOR_UNAVAILABLE' });
    });
    const cannot = withErase(connectors.desk, undefined);
    const report = await eraseByEmail(
      { ledger, logger, connectors: { ...connectors, mail: failing, desk: cannot } },
      spec,
      'kim@example.test',
    );
    expect(report.complete).toBe(false);
    const byApp = Object.fromEntries(report.syncs[0].apps.map((a) => [a.app, a]));
    expect(byApp.crm.erased).toHaveLength(1);
    expect(byApp.mail.failed).toEqual([{ id: idIn('mail', 'kim@example.test'), code: 'CONNECTOR_UNAVAILABLE' }]);
    expect(byApp.desk).toMatchObject({ unsupported: true, erased: [], failed: [{ code: 'ERASE_UNSUPPORTED' }] });
    // Erasing again with working connectors finishes the job through the apps' own lookup.
    const again = await eraseByEmail(env(), spec, 'kim@example.test');
    expect(again.complete).toBe(true);
    expect(emails('mail')).not.toContain('kim@example.test');
    expect(emails('desk')).not.toContain('kim@example.test');
  });

  it('finds and purges a person whose link the sync had already deleted, and erases their archived records', async () => {
    apps.crm.userCreate({ email: 'lou@example.test', firstname: 'Lou' });
    await cycle();
    const linkId = (await ledger.links.loadByMember('people', 'crm', idIn('crm', 'lou@example.test')))
      ?.linkId as string;
    apps.crm.userDelete(idIn('crm', 'lou@example.test'));
    await cycle();
    expect((await ledger.links.load(linkId))?.deleted).toBe(true);
    expect(apps.mail.records().some((r) => JSON.stringify(r).includes('lou@'))).toBe(true);
    const report = await eraseByEmail(env(), spec, 'lou@example.test');
    expect(report.syncs[0].links).toEqual([linkId]);
    expect(report.complete).toBe(true);
    for (const app of ['crm', 'mail', 'desk'])
      expect(apps[app].records().some((r) => JSON.stringify(r).includes('lou@'))).toBe(false);
    expect((await ledger.audit.listByLink(linkId)).every((c) => c.before === null && c.after === null)).toBe(true);
  });

  it('refuses a value that is not an email, and syncs that cannot look people up by email', async () => {
    await expect(eraseByEmail(env(), spec, '   ')).rejects.toBeInstanceOf(ErasureError);
    await expect(eraseByEmail(env(), spec, 'not-an-email')).rejects.toMatchObject({ code: 'ERASE_INVALID_EMAIL' });
    await expect(eraseByEmail(env(), specs[1], 'jo@example.test')).rejects.toMatchObject({
      code: 'ERASE_NO_EMAIL_KEY',
    });
  });
});
