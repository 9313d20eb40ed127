import type { Connector } from '@tandem/connector-sdk';
import { parseConfig } from '@tandem/config';
import type { SyncSpec } from '@tandem/core';
import { openLedger, type Ledger } from '@tandem/ledger';
import { MemoryApps, memoryConnectorFactory, type MemoryApp } from '@tandem/connectors/memory';
import { runCycle } from './cycle.js';
import { settledEchoes } from './echoes.js';

const YAML = `connections:
  crm: { type: memory, app: echo-crm }
  mail: { type: memory, app: echo-mail }
syncs:
  people:
    members:
      crm: { object: contacts }
      mail: { object: contacts }
    match: [email]
    fields:
      email: { crm: email, mail: email, transform: email }
      first_name: { crm: firstname, mail: firstname }
`;

let ledger: Ledger;
let spec: SyncSpec;
let apps: Record<string, MemoryApp>;
let connectors: Record<string, Connector>;
const fetched: string[] = [];
const env = () => ({ ledger, connectors });
const idIn = (app: string, email: string) => Object.entries(apps[app]!.snapshot()).find(([, r]) => r.email === email)?.[0] as string;

beforeAll(async () => {
  const { config } = parseConfig(YAML, 'tandem.yaml', {});
  spec = config.syncs[0]!;
  apps = Object.fromEntries(['crm', 'mail'].map((n) => [n, MemoryApps.create(`echo-${n}`)]));
  connectors = Object.fromEntries(
    Object.entries(config.connections).map(([n, c]) => {
      const connector = memoryConnectorFactory(c.settings, { name: n });
      // Counts what the echo check fetches.
      const fetch: Connector['fetch'] = (object, ids) => (fetched.push(...ids), connector.fetch(object, ids));
      return [n, new Proxy(connector, { get: (target, prop) => (prop === 'fetch' ? fetch : Reflect.get(target, prop)) })];
    }),
  );
  ledger = await openLedger({ databaseUrl: null, dataDir: 'memory://' });
  for (const name of ['ann', 'bob', 'cy']) apps.crm!.userCreate({ email: `${name}@example.test`, firstname: name });
  await runCycle(spec, env(), { trigger: 'manual' });
  // A user edit in the CRM, carried to the mail app by a targeted cycle: the mail app now holds what the engine wrote.
  for (const name of ['ann', 'bob']) apps.crm!.userEdit(idIn('crm', `${name}@example.test`), { firstname: `${name}-2` });
  const records = ['ann', 'bob'].map((name) => ({ app: 'crm', id: idIn('crm', `${name}@example.test`) }));
  await runCycle(spec, env(), { trigger: 'webhook', records });
}, 60_000);

afterAll(async () => {
  await ledger?.close();
});

describe('settledEchoes', () => {
  it("finds the mail app's echo of the engine's own write", async () => {
    const ann = idIn('mail', 'ann@example.test');
    expect(apps.mail!.get(ann)?.fields.firstname).toBe('ann-2');
    const echoes = await settledEchoes(spec, env(), { app: 'mail', ids: [ann], savedSince: Date.now() - 60_000 });
    expect([...echoes]).toEqual([ann]);
  });

  it('never counts a record edited after the engine wrote it as an echo', async () => {
    const bob = idIn('mail', 'bob@example.test');
    apps.mail!.userEdit(bob, { firstname: 'Bobby' });
    const echoes = await settledEchoes(spec, env(), { app: 'mail', ids: [bob, idIn('mail', 'ann@example.test')], savedSince: Date.now() - 60_000 });
    expect(echoes.has(bob)).toBe(false);
    expect(echoes.size).toBe(1);
  });

  it('leaves a record the ledger has not saved lately, or knows nothing of, to the cycle without fetching it', async () => {
    fetched.length = 0;
    const cy = idIn('mail', 'cy@example.test');
    const stranger = apps.mail!.userCreate({ email: 'dee@example.test', firstname: 'Dee' });
    expect((await settledEchoes(spec, env(), { app: 'mail', ids: [cy, stranger], savedSince: Date.now() + 60_000 })).size).toBe(0);
    expect(fetched).toEqual([]);
    expect((await settledEchoes(spec, env(), { app: 'mail', ids: [stranger], savedSince: Date.now() - 60_000 })).size).toBe(0);
  });
});
