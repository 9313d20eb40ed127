/**
 * A webhook flood at the engine's `POST /webhooks/:connection`: correctly signed HubSpot and Zendesk deliveries, one
 * event each, at 1,000 events/s for 10 s with TANDEM_FAULTS=large (200/s for 3 s in CI), 5 % of them HubSpot retries
 * of an event already sent. Before it, some people were edited in HubSpot and some in Zendesk with the apps' own
 * webhooks off, so the flood's events are the only news of those edits. Then: every distinct event is stored once
 * (webhook_event rows = distinct events sent) and processed, every edit reached the other apps (none lost), every
 * record was written at most once and only where an edit had to go (no second effective write), and the engine
 * answered every delivery and is still healthy (no crash).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AppRecord, Connector } from '@tandem/connector-sdk';
import type { TandemConfig } from '@tandem/config';
import { buildConnectors, closeConnectors } from '@tandem/connectors';
// eslint-disable-next-line no-restricted-imports -- apps have no @tandem alias
import type { Sandbox } from '../../apps/sandbox/src/index.js';
// eslint-disable-next-line no-restricted-imports -- apps have no @tandem alias
import { demoConfigFor } from '../../apps/engine/src/demo.js';
// eslint-disable-next-line no-restricted-imports -- apps have no @tandem alias
import { startEngine, type RunningEngine } from '../../apps/engine/src/engine.js';
// eslint-disable-next-line no-restricted-imports -- apps have no @tandem alias
import { createLogger } from '../../apps/engine/src/logging/logger.js';
import { FAST_TIMING, LogSink, ledgerPlace, ledgerTargets, type LedgerPlace } from '../e2e/engine-kit.js';
import { LARGE, SEED, Tally } from './fault-size.js';
import { startFaultSandbox } from './sandbox-world.js';

const RATE = LARGE ? 1000 : 200;
const SECONDS = LARGE ? 10 : 3;
const PEOPLE = LARGE ? 200 : 60;
const EDITS = LARGE ? 40 : 10;
const SENDER = fileURLToPath(new URL('./flood-sender.mjs', import.meta.url));

interface SenderResult {
  sent: number;
  distinct: number;
  redeliveries: number;
  statuses: Record<string, number>;
  answers: { duplicate: number; new: number };
  sendMs: number;
  doneMs: number;
  maxInFlight: number;
  p50: number;
  p99: number;
  max: number;
}

function runSender(plan: object): Promise<SenderResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SENDER, JSON.stringify(plan)], { env: { ...process.env, NODE_OPTIONS: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim()) as SenderResult) : reject(new Error(`flood sender failed (${code}): ${err}`))));
  });
}

const get = (r: AppRecord | undefined, path: string): string => {
  const v = path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), r?.fields);
  return v === null || v === undefined ? '' : String(v);
};

async function readAll(connector: Connector, object: string): Promise<AppRecord[]> {
  const out: AppRecord[] = [];
  for await (const page of connector.read(object, null)) out.push(...page.records.filter((r) => !r.deleted));
  return out;
}

/** Each app's synced records by normalised email. */
async function people(apps: Record<string, Connector>): Promise<Record<'crm' | 'mail' | 'helpdesk', Map<string, AppRecord>>> {
  const index = (records: AppRecord[], path: string) => new Map(records.map((r) => [get(r, path).trim().toLowerCase(), r]));
  return {
    crm: index(await readAll(apps.crm!, 'contacts'), 'email'),
    mail: index((await readAll(apps.mail!, 'members')).filter((r) => ['subscribed', 'unsubscribed'].includes(get(r, 'status'))), 'email_address'),
    helpdesk: index((await readAll(apps.helpdesk!, 'users')).filter((r) => get(r, 'role') === 'end-user'), 'email'),
  };
}

async function api(url: string, method: string, headers: Record<string, string>, body: object): Promise<void> {
  const res = await fetch(url, { method, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${method} ${url} answered ${res.status}`);
}

const targets = await ledgerTargets();
// The flood measures the ledger a deployment uses: Postgres when reachable, else embedded PGlite.
const target = targets.includes('postgres') ? 'postgres' : 'pglite';

describe(`a webhook flood of ${RATE} events/s for ${SECONDS} s (${target} ledger)`, () => {
  const tally = new Tally();
  let sb: Sandbox;
  let config: TandemConfig;
  let apps: Record<string, Connector>;
  let place: LedgerPlace;
  let engine: RunningEngine;
  const logs = new LogSink();

  beforeAll(async () => {
    sb = await startFaultSandbox(PEOPLE, SEED % 100_000);
    config = demoConfigFor(sb);
    apps = buildConnectors(config.connections);
    place = ledgerPlace(target);
    engine = await startEngine({ config, ...place.options, port: 0, logger: createLogger({ destination: logs.stream, level: 'info' }), timing: FAST_TIMING });
    const deadline = Date.now() + 60_000;
    while (!(await engine.core.ledger.runs.recent('contacts', 10)).some((r) => r.status === 'succeeded')) {
      if (Date.now() > deadline) throw new Error('the initial sync did not succeed within 60 s');
      await sleep(200);
    }
  }, 90_000);

  afterAll(async () => {
    await engine?.close();
    await closeConnectors(apps ?? {});
    await sb?.close();
    await place?.dispose();
    tally.print('webhook flood');
  }, 60_000);

  it('stores every event once, loses none, writes each edit once and stays up', async () => {
    const before = await people(apps);
    const inAll = [...before.crm.keys()].filter((e) => before.mail.has(e) && before.helpdesk.has(e));
    expect(inAll.length).toBeGreaterThanOrEqual(2 * EDITS);
    const hubEdited = inAll.slice(0, EDITS);
    const deskEdited = inAll.slice(EDITS, 2 * EDITS);
    const hubAuth = { authorization: `Bearer ${sb.hubspot.credentials.token}` };
    const deskAuth = { authorization: `Basic ${Buffer.from(`${sb.zendesk.credentials.email}/token:${sb.zendesk.credentials.token}`).toString('base64')}` };
    // The apps' own webhooks stay off: these edits are known to the engine only through the flood.
    for (const [i, email] of hubEdited.entries()) {
      await api(`${sb.hubspot.url}/crm/v3/objects/contacts/${before.crm.get(email)!.id}`, 'PATCH', hubAuth, { properties: { lastname: `Floodhub${i}` } });
    }
    for (const [i, email] of deskEdited.entries()) {
      await api(`${sb.zendesk.url}/api/v2/users/${before.helpdesk.get(email)!.id}.json`, 'PUT', deskAuth, { user: { user_fields: { last_name: `Flooddesk${i}` } } });
    }
    for (const app of [sb.hubspot, sb.mailchimp, sb.zendesk]) app.sim.stats.reset();

    const hubIds = [...before.crm.values()].map((r) => r.id);
    const deskIds = [...before.helpdesk.values()].map((r) => r.id);
    const secret = (name: string) => String(config.connections[name]!.settings.webhookSecret);
    const result = await runSender({
      engineUrl: engine.url,
      rate: RATE,
      seconds: SECONDS,
      seed: SEED,
      firstEventId: 7_000_000,
      redeliveryRate: 0.05,
      // Edited records come up more often, as a busy record does; every record of both apps is hit.
      hubspot: { connection: 'crm', secret: secret('crm'), ids: [...hubIds, ...hubEdited.map((e) => before.crm.get(e)!.id)] },
      zendesk: { connection: 'helpdesk', secret: secret('helpdesk'), ids: [...deskIds, ...deskEdited.map((e) => before.helpdesk.get(e)!.id)] },
    });

    // Quiet: every stored event processed and no cycle running (a sweep picks up anything a lost job left).
    const quietBy = Date.now() + (LARGE ? 180_000 : 60_000);
    let unprocessed = -1;
    while (Date.now() < quietBy) {
      unprocessed = (await engine.core.ledger.webhookEvents.listUnprocessed({ limit: 1 })).length;
      if (unprocessed === 0 && !engine.core.runner.isRunning('contacts')) break;
      await sleep(250);
    }
    await sleep(1000);
    const schema = engine.core.ledger.schema.replace(/"/g, '""');
    const [counts] = (await engine.core.ledger.dataSource.query(
      `SELECT count(*)::int AS rows, count(DISTINCT (connection, provider_event_id))::int AS keys, count(*) FILTER (WHERE processed_at IS NULL)::int AS open FROM "${schema}".webhook_event`,
    )) as { rows: number; keys: number; open: number }[];
    const health = await fetch(`${engine.url}/health`).then((r) => r.status, () => 0);

    const after = await people(apps);
    let lostEdits = 0;
    hubEdited.forEach((email, i) => {
      for (const [app, path] of [['mail', 'merge_fields.LNAME'], ['helpdesk', 'user_fields.last_name']] as const) if (get(after[app].get(email), path) !== `Floodhub${i}`) lostEdits += 1;
    });
    deskEdited.forEach((email, i) => {
      for (const [app, path] of [['crm', 'lastname'], ['mail', 'merge_fields.LNAME']] as const) if (get(after[app].get(email), path) !== `Flooddesk${i}`) lostEdits += 1;
    });
    // Writes each app had to take: one per edited person it does not own; any other write is a second effective one.
    const expected = { hubspot: EDITS, mailchimp: 2 * EDITS, zendesk: EDITS };
    const writes = { hubspot: sb.hubspot.stats().writes, mailchimp: sb.mailchimp.stats().writes, zendesk: sb.zendesk.stats().writes };
    let extraWrites = 0;
    for (const [app, w] of Object.entries(writes)) {
      extraWrites += Object.values(w.byRecord).reduce((n, c) => n + c - 1, 0);
      extraWrites += Math.max(0, Object.keys(w.byRecord).length - expected[app as keyof typeof expected]);
    }
    const refused = Object.entries(result.statuses).filter(([s]) => s !== '200').reduce((n, [, c]) => n + c, 0);
    const failedAnswers = Object.entries(result.statuses).filter(([s]) => s === 'error' || s.startsWith('5')).reduce((n, [, c]) => n + c, 0);

    tally.scenarios += result.sent;
    tally.lost += Math.max(0, result.distinct - counts!.keys) + counts!.open + lostEdits + refused;
    tally.doubleWrites += extraWrites + Math.max(0, counts!.rows - counts!.keys);
    tally.crashes += failedAnswers + (health === 200 ? 0 : 1);
    process.stdout.write(
      `webhook flood: ${result.sent} deliveries (${result.distinct} distinct events, ${result.redeliveries} redeliveries) in ${(result.sendMs / 1000).toFixed(2)} s ` +
        `= ${Math.round(result.sent / (result.sendMs / 1000))}/s offered, all answered after ${(result.doneMs / 1000).toFixed(2)} s; answers ${JSON.stringify(result.statuses)}, ` +
        `${result.answers.new} new / ${result.answers.duplicate} duplicate; intake p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, max ${result.max.toFixed(0)} ms, ${result.maxInFlight} in flight at most; ` +
        `rows ${counts!.rows}, unprocessed ${counts!.open}; writes hubspot/mailchimp/zendesk ${writes.hubspot.total}/${writes.mailchimp.total}/${writes.zendesk.total} (expected ${expected.hubspot}/${expected.mailchimp}/${expected.zendesk}); edits lost ${lostEdits}\n`,
    );

    expect(result.statuses).toEqual({ 200: result.sent });
    expect(result.answers).toEqual({ new: result.distinct, duplicate: result.sent - result.distinct });
    expect({ rows: counts!.rows, keys: counts!.keys, open: counts!.open, unprocessed }).toEqual({ rows: result.distinct, keys: result.distinct, open: 0, unprocessed: 0 });
    expect(lostEdits).toBe(0);
    expect(extraWrites).toBe(0);
    expect(health).toBe(200);
  }, LARGE ? 400_000 : 120_000);
});
