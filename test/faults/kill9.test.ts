/**
 * kill -9 of the engine during its initial sync, restarting it each time (3 kills in CI, 20 with TANDEM_FAULTS=large):
 * the real engine process (`main.ts -c examples/demo.yaml`, see engine-process.ts) against the three sandbox apps
 * seeded with overlapping people. Each kill lands at a random point: a random delay after the engine listens
 * (startup, reads, the first writes), or once the apps have taken a random number of its writes. In the end no app
 * holds two records for one person, everyone is everywhere the demo's filters and `create: false` allow, the apps
 * agree on every person's last name, and a quiet full cycle on the same ledger writes nothing.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AppRecord, Connector } from '@tandem/connector-sdk';
import { loadConfig, type TandemConfig } from '@tandem/config';
import { buildConnectors, closeConnectors } from '@tandem/connectors';
import { runCycle } from '@tandem/runtime';
// eslint-disable-next-line no-restricted-imports -- apps have no @tandem alias
import type { Sandbox } from '../../apps/sandbox/src/index.js';
import { DEMO_CONFIG, ledgerHome, spawnEngine, type EngineProcess, type LedgerHome } from './engine-process.js';
import { LARGE, SEED, Tally } from './fault-size.js';
import { startFaultSandbox } from './sandbox-world.js';

const KILLS = Number(process.env.TANDEM_FAULTS_KILLS ?? (LARGE ? 20 : 3));
const PEOPLE = Number(process.env.TANDEM_FAULTS_PEOPLE ?? (LARGE ? 1500 : 500));
const LEDGER = process.env.TANDEM_FAULTS_LEDGER === 'pglite' ? 'pglite' : 'postgres';

/** A small deterministic PRNG so a red run reproduces with the same TANDEM_FAULTS_SEED. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Look-ups by key the engine made (pending creates are verified this way after a kill). */
function searches(sb: Sandbox): string {
  const count = (app: Sandbox['hubspot'] | Sandbox['zendesk']) =>
    Object.entries(app.stats().requests.byRoute).filter(([route]) => route.includes('search')).reduce((n, [, c]) => n + c, 0);
  return `HubSpot ${count(sb.hubspot)}, Zendesk ${count(sb.zendesk)}`;
}

function writesSoFar(sb: Sandbox): number {
  return sb.hubspot.stats().writes.total + sb.mailchimp.stats().writes.total + sb.zendesk.stats().writes.total;
}

const norm = (v: unknown): string => String(v ?? '').trim().toLowerCase();
const text = (v: unknown): string => (v === null || v === undefined ? '' : String(v));

interface AppView {
  crm: AppRecord[];
  mail: AppRecord[];
  helpdesk: AppRecord[];
}

async function readAll(connector: Connector, object: string): Promise<AppRecord[]> {
  const out: AppRecord[] = [];
  for await (const page of connector.read(object, null)) out.push(...page.records.filter((r) => !r.deleted));
  return out;
}

/** What the demo sync sees of each app: mail members subscribed/unsubscribed, helpdesk end-users. */
async function view(apps: Record<string, Connector>): Promise<AppView> {
  const pick = (r: AppRecord, path: string): unknown => path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), r.fields);
  return {
    crm: await readAll(apps.crm!, 'contacts'),
    mail: (await readAll(apps.mail!, 'members')).filter((r) => ['subscribed', 'unsubscribed'].includes(String(pick(r, 'status')))),
    helpdesk: (await readAll(apps.helpdesk!, 'users')).filter((r) => pick(r, 'role') === 'end-user'),
  };
}

const EMAIL = { crm: 'email', mail: 'email_address', helpdesk: 'email' } as const;
const LAST_NAME = { crm: 'lastname', mail: 'merge_fields.LNAME', helpdesk: 'user_fields.last_name' } as const;

function byEmail(records: AppRecord[], path: string): Map<string, AppRecord[]> {
  const out = new Map<string, AppRecord[]>();
  for (const r of records) {
    const key = norm(path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), r.fields));
    out.set(key, [...(out.get(key) ?? []), r]);
  }
  return out;
}

/** TANDEM_FAULTS_LOGS=<folder> keeps each engine's log lines there (to see what a red run's engines did). */
function keepLog(engine: EngineProcess, name: string): void {
  const dir = process.env.TANDEM_FAULTS_LOGS;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `kill9-${name}.log`), `${engine.lines.map((l) => JSON.stringify(l)).join('\n')}\n${engine.stderr.join('')}`);
}

interface KillRound {
  mode: 'delay' | 'writes';
  at: number;
  /** Whether the kill hit the sync before it finished (no successful cycle logged by then). */
  midSync: boolean;
  writesBefore: number;
}

describe('kill -9 of the engine during its initial sync', () => {
  const tally = new Tally();
  let sb: Sandbox;
  let home: LedgerHome;
  let config: TandemConfig;
  let apps: Record<string, Connector>;
  let env: Record<string, string>;
  let before: AppView;
  const running: EngineProcess[] = [];

  beforeAll(async () => {
    sb = await startFaultSandbox(PEOPLE, SEED % 100_000);
    env = { SANDBOX_HUBSPOT_PORT: String(sb.hubspot.port), SANDBOX_MAILCHIMP_PORT: String(sb.mailchimp.port), SANDBOX_ZENDESK_PORT: String(sb.zendesk.port) };
    config = loadConfig(DEMO_CONFIG, { ...process.env, ...env }).config;
    apps = buildConnectors(config.connections);
    home = await ledgerHome(LEDGER);
    before = await view(apps);
  }, 60_000);

  afterAll(async () => {
    for (const engine of running) if (engine.child.exitCode === null && engine.child.signalCode === null) engine.child.kill('SIGKILL');
    await closeConnectors(apps ?? {});
    await sb?.close();
    await home?.dispose();
    tally.print('kill -9 during the initial sync');
  }, 60_000);

  async function killAtRandomPoint(random: () => number): Promise<KillRound> {
    const engine = spawnEngine({ configFile: DEMO_CONFIG, home, env });
    running.push(engine);
    await engine.listening;
    const mode = random() < 0.4 ? 'delay' : 'writes';
    const start = writesSoFar(sb);
    // Delays cover startup, the read phase and the first batches; write counts land inside the write phase.
    const at = mode === 'delay' ? Math.floor(random() * 3000) : 1 + Math.floor(random() * 300);
    // A round whose write target never comes (the engine busy verifying earlier creates) is cut after 20 s.
    const deadline = Date.now() + (mode === 'delay' ? at : 20_000);
    while (Date.now() < deadline && engine.child.exitCode === null) {
      if (mode === 'writes' && writesSoFar(sb) - start >= at) break;
      // Fewer writes were left than the round aimed for: the sync is over, kill now (counted as after the sync).
      if (engine.finishedCycles().length > 0) break;
      await sleep(2);
    }
    const midSync = !engine.finishedCycles().includes('succeeded');
    engine.child.kill('SIGKILL');
    const exit = await engine.exited;
    keepLog(engine, `round-${running.length}`);
    if (exit.signal !== 'SIGKILL') tally.crashes += 1;
    return { mode, at, midSync, writesBefore: writesSoFar(sb) - start };
  }

  it(`ends with no duplicate, nobody missing and a quiet cycle that writes nothing after ${KILLS} kills`, async () => {
    const random = prng(SEED);
    const rounds: KillRound[] = [];
    for (let i = 0; i < KILLS; i += 1) rounds.push(await killAtRandomPoint(random));

    // The last start runs to the end of its startup cycle, then stops gracefully.
    const last = spawnEngine({ configFile: DEMO_CONFIG, home, env });
    running.push(last);
    await last.listening;
    const deadline = Date.now() + 240_000;
    while (last.finishedCycles().length === 0 && Date.now() < deadline) await sleep(50);
    const lastStatus = last.finishedCycles()[0] ?? 'none';
    last.child.kill('SIGTERM');
    const lastExit = await last.exited;
    keepLog(last, 'last');
    if (lastExit.code !== 0) tally.crashes += 1;

    const after = await view(apps);
    const expected = new Set([...before.crm.map((r) => norm(r.fields.email)), ...before.helpdesk.map((r) => norm(r.fields.email)), ...before.mail.map((r) => norm(r.fields.email_address))]);
    const mailExpected = new Set(before.mail.map((r) => norm(r.fields.email_address)));
    let lostPeople = 0;
    let duplicated = 0;
    let disagreeing = 0;
    const held = { crm: byEmail(after.crm, EMAIL.crm), mail: byEmail(after.mail, EMAIL.mail), helpdesk: byEmail(after.helpdesk, EMAIL.helpdesk) };
    for (const app of ['crm', 'mail', 'helpdesk'] as const) {
      const want = app === 'mail' ? mailExpected : expected;
      for (const email of want) if (!held[app].has(email)) lostPeople += 1;
      for (const [email, records] of held[app]) {
        if (records.length > 1) duplicated += records.length - 1;
        if (!want.has(email)) duplicated += records.length;
      }
    }
    for (const email of expected) {
      const names = (['crm', 'mail', 'helpdesk'] as const).flatMap((app) => {
        const record = held[app].get(email)?.[0];
        const path = LAST_NAME[app].split('.');
        return record ? [text(path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), record.fields))] : [];
      });
      if (new Set(names).size > 1) disagreeing += 1;
    }

    // A quiet full cycle on the same ledger, in this process, with the engine stopped: it must write nothing.
    const ledger = await home.open();
    const writesBefore = writesSoFar(sb);
    let quietWrites = 0;
    let quietStatus = 'not run';
    let refused: { app: string; op: string; errorClass: string }[] = [];
    try {
      // Records an app refuses whatever happens (Zendesk needs a name; a few seeded people have none) wait as
      // retries with the app's error: they are not lost to a kill, and are counted apart.
      refused = (await ledger.retries.forSync('contacts'))
        .filter((r) => r.op === 'create' && !/Transient|RateLimit|Timeout|Network/i.test(r.lastErrorClass ?? ''))
        .map((r) => ({ app: r.app, op: r.op, errorClass: r.lastErrorClass ?? '' }));
      const report = await runCycle(config.syncs[0]!, { ledger, connectors: apps }, { full: true, trigger: 'manual' });
      quietStatus = report.status;
      quietWrites = Object.values(report.apps).reduce((n, c) => n + c.created + c.updated + c.deleted, 0);
    } finally {
      await ledger.close();
    }
    const appWrites = writesSoFar(sb) - writesBefore;

    tally.scenarios += rounds.length;
    const lost = Math.max(0, lostPeople - refused.length);
    tally.lost += lost + disagreeing;
    tally.duplicated += duplicated;
    tally.doubleWrites += Math.max(quietWrites, appWrites);
    const midSync = rounds.filter((r) => r.midSync).length;
    process.stdout.write(
      `kill -9: ${home.kind} ledger, ${PEOPLE} people, ${rounds.length} kills (${midSync} mid-sync: ${rounds.map((r) => `${r.mode} ${r.at}→${r.writesBefore} writes${r.midSync ? '' : ' (after)'}`).join('; ')}); ` +
        `expected ${expected.size} people in crm/helpdesk, ${mailExpected.size} in mail; ${lostPeople} missing, of which ${refused.length} refused by the app (${[...new Set(refused.map((r) => `${r.app} ${r.errorClass}`))].join(', ') || 'none'}); ` +
        `last start's first cycle ${lastStatus}; searches ${searches(sb)}; quiet cycle ${quietStatus}, ${quietWrites} writes, ${appWrites} app writes\n`,
    );

    expect(midSync).toBeGreaterThan(0);
    expect({ lost, duplicated, disagreeing }).toEqual({ lost: 0, duplicated: 0, disagreeing: 0 });
    expect(lostPeople).toBe(refused.length);
    expect({ quietStatus, quietWrites, appWrites }).toEqual({ quietStatus: 'succeeded', quietWrites: 0, appWrites: 0 });
    expect(tally.crashes).toBe(0);
  }, LARGE ? 900_000 : 180_000);
});
