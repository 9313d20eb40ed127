/**
 * Faults from the sandbox apps through the real connectors and `runCycle`: 429 storms, 5xx bursts, HubSpot requests
 * that time out while the app still applies them, slow responses, responses cut after the app applied the request,
 * and lost Zendesk job statuses. Faults stay on while cycles run (the ledger clock jumps an hour per cycle, so queued
 * retries fall due); people edit records between cycles. Once a faulty cycle finds nothing left to do: every person is
 * in every app exactly once with the same fields, the edits arrived, the ledger matches the apps, and — faults off —
 * one more full cycle writes nothing and changes nothing. TANDEM_FAULTS=large runs 400 people per scenario (40 in CI).
 */
import { TandemError } from '@tandem/core';
import { openLedger, type Ledger } from '@tandem/ledger';
import type { CycleReport } from '@tandem/runtime';
// eslint-disable-next-line no-restricted-imports
import { noFaults, type Faults, type Sandbox } from '../../apps/sandbox/src/index.js';
import { prng } from '../bench/workload.js';
import { LARGE, SEED, Tally } from './fault-size.js';
import { startManglingProxy, type Damage } from './mangling-proxy.js';
import { inspect, ledgerClock, SandboxWorld, startFaultSandbox, type App, type WorldOptions } from './sandbox-world.js';

const PEOPLE = LARGE ? 400 : 40;
/** Faulty cycles allowed before the scenario counts as not converged. */
const MAX_CYCLES = 12;

type SimKey = 'hubspot' | 'mailchimp' | 'zendesk';
const SIMS: SimKey[] = ['hubspot', 'mailchimp', 'zendesk'];

/** What a scenario switched on: connector options it needs, and how to pause (for a person's edit) and resume it. */
interface Armed {
  world?: WorldOptions;
  resume(): void;
  pause(): void;
  /** Off for good (the last, fault-free cycle); closes what the scenario started. */
  disarm(): Promise<void>;
  /** How many requests the faults hit so far (0: the scenario proved nothing). */
  injected(): number;
  /** Stops what the scenario started (proxies). */
  close?: () => Promise<unknown>;
}

const requests = (sb: Sandbox, sims: SimKey[] = SIMS) => sims.reduce((n, s) => n + sb[s].stats().requests.total, 0);

/** Non-2xx answers the simulators gave (429s, 5xx, lost job statuses). */
function faultyAnswers(sb: Sandbox, sims: SimKey[] = SIMS): number {
  return sims.reduce((n, s) => n + Object.entries(sb[s].stats().requests.byStatus).reduce((m, [status, k]) => m + (Number(status) >= 400 ? k : 0), 0), 0);
}

/** Sets the same faults on the named simulators; with latency, every request served is a slowed one. */
function simFaults(patch: Partial<Faults>, sims: SimKey[] = SIMS): (sb: Sandbox) => Promise<Armed> {
  return (sb) => {
    const off = () => sims.forEach((s) => sb[s].setFaults(noFaults()));
    return Promise.resolve({
      resume: () => sims.forEach((s) => sb[s].setFaults(patch)),
      pause: off,
      disarm: async () => off(),
      injected: () => faultyAnswers(sb, sims) + (patch.latencyMs ? requests(sb, sims) : 0),
    });
  };
}

/** A seeded script of damages for a proxy: `pick` chooses each request's damage from a uniform draw. */
function script(seed: number, pick: (draw: number) => Damage): Damage[] {
  const rand = prng(seed);
  return Array.from({ length: 20_000 }, () => pick(rand()));
}

const URL_OF: Record<App, SimKey> = { crm: 'hubspot', mail: 'mailchimp', desk: 'zendesk' };

/**
 * Connectors of `apps` talk through proxies that damage requests by a seeded script; the injected count is the damages
 * among the first N requests (each proxied request takes the next damage of its script).
 */
function proxied(apps: App[], pick: (draw: number) => Damage, world: WorldOptions = {}): (sb: Sandbox) => Promise<Armed> {
  return async (sb) => {
    const proxies = await Promise.all(apps.map((app) => startManglingProxy(sb[URL_OF[app]].url)));
    const scripts = apps.map((_, i) => script(SEED + i, pick));
    const off = () => proxies.forEach((p) => p.script([]));
    return {
      world: { ...world, via: Object.fromEntries(apps.map((app, i) => [app, proxies[i]?.url])) },
      resume: () => proxies.forEach((p, i) => p.script(scripts[i] ?? [])),
      pause: off,
      disarm: async () => off(),
      injected: () => apps.reduce((n, app, i) => n + (scripts[i] ?? []).slice(0, requests(sb, [URL_OF[app]])).filter((d) => d.kind !== 'pass').length, 0),
      close: () => Promise.all(proxies.map((p) => p.close())),
    };
  };
}

const PASS: Damage = { kind: 'pass' };
/** A third of HubSpot requests take 400 ms against a 150 ms client timeout: half reach the app late, half answer late. */
const timeouts = proxied(['crm'], (d) => (d < 0.15 ? { kind: 'delay', ms: 400, before: true } : d < 0.3 ? { kind: 'delay', ms: 400, before: false } : PASS), { hubspotTimeoutMs: 150 });
/** A quarter of Mailchimp and Zendesk responses are cut after the app acted on the request. */
const cutResponses = proxied(['mail', 'desk'], (d) => (d < 0.25 ? { kind: 'drop', at: 0 } : PASS));

interface Scenario {
  name: string;
  setup: (sb: Sandbox) => Promise<Armed>;
}

const SCENARIOS: Scenario[] = [
  { name: 'every person synced once after 429 storms from every app', setup: simFaults({ burst429: { every: 8, count: 5 } }) },
  { name: 'every person synced once after 5xx bursts from every app', setup: simFaults({ errorRate5xx: 0.35 }) },
  { name: 'every person synced once when HubSpot requests time out while the app still applies them', setup: timeouts },
  { name: 'every person synced once with slow responses from every app', setup: simFaults({ latencyMs: 40 }) },
  { name: 'every person synced once when Mailchimp and Zendesk responses are cut after the request was applied', setup: cutResponses },
  { name: 'every person synced once when Zendesk loses every job status', setup: simFaults({ lostJobStatusRate: 1 }, ['zendesk']) },
  {
    name: 'every person synced once with 429s, 5xx, slowness and lost job statuses at once',
    setup: simFaults({ burst429: { every: 10, count: 3 }, errorRate5xx: 0.2, latencyMs: 10, lostJobStatusRate: 0.4 }),
  },
];

const tally = new Tally();
let ledger: Ledger;
let serial = 0;
/** Typed errors thrown out of faulty cycles, by name and code. */
const thrown = new Map<string, number>();

beforeAll(async () => {
  ledger = await openLedger({ databaseUrl: null, dataDir: 'memory://', clock: ledgerClock });
}, 60_000);

afterAll(async () => {
  await ledger?.close();
  tally.print('sandbox faults through runCycle');
  const typed = [...thrown].map(([k, n]) => `${k} ×${n}`).join(', ');
  process.stdout.write(`sandbox faults: faulty cycles that threw a typed error instead of reporting: ${typed || 'none'}\n`);
});

/**
 * A faulty cycle. A typed TandemError thrown out of runCycle (a connector call that ran out of retries outside the read
 * phase) fails that cycle only — the scheduler runs the next one — so it is counted and printed, not a crash; any
 * other throw is a crash and ends the scenario.
 */
async function survive(world: SandboxWorld): Promise<CycleReport | null> {
  try {
    return await world.cycle();
  } catch (err) {
    if (!(err instanceof TandemError)) throw err;
    // Where in the runtime it escaped (first libs/runtime frame), so the report points at the call that threw.
    const at = /libs\/runtime\/src\/([\w.-]+:\d+)/.exec(err.stack ?? '')?.[1] ?? 'outside libs/runtime';
    const key = `${err.name} (${err.code}) at ${at}`;
    thrown.set(key, (thrown.get(key) ?? 0) + 1);
    return null;
  }
}

const writes = (r: CycleReport | null) => (r === null ? Number.NaN : Object.values(r.apps).reduce((n, c) => n + c.created + c.updated + c.deleted, 0));

/** Edits two linked people (HubSpot first name, Zendesk last name) through the apps' own APIs, faults paused. */
async function editLinked(world: SandboxWorld): Promise<{ email: string; field: string; value: string }[]> {
  const records = world.records();
  const linked = [...new Set(records.map((r) => r.email))]
    .filter((email) => email && (['crm', 'mail', 'desk'] as const).every((app) => records.some((r) => r.app === app && r.email === email)))
    .sort();
  const edits: { email: string; field: string; value: string }[] = [];
  const crm = records.find((r) => r.app === 'crm' && r.email === linked[0]);
  if (crm) {
    const res = await fetch(`${world.sb.hubspot.url}/crm/v3/objects/contacts/${crm.id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${world.sb.hubspot.credentials.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ properties: { firstname: 'Edited-in-crm' } }),
    });
    if (res.ok) edits.push({ email: crm.email, field: 'first_name', value: 'Edited-in-crm' });
  }
  const desk = records.find((r) => r.app === 'desk' && r.email === linked[1]);
  if (desk) {
    const { email, token } = world.sb.zendesk.credentials;
    const res = await fetch(`${world.sb.zendesk.url}/api/v2/users/${desk.id}.json`, {
      method: 'PUT',
      headers: { authorization: `Basic ${Buffer.from(`${email}/token:${token}`).toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ user: { user_fields: { last_name: 'Edited-in-desk' } } }),
    });
    if (res.ok) edits.push({ email: desk.email, field: 'last_name', value: 'Edited-in-desk' });
  }
  return edits;
}

async function play(scenario: Scenario): Promise<string[]> {
  serial += 1;
  const sb = await startFaultSandbox(PEOPLE, SEED + serial);
  const armed = await scenario.setup(sb);
  try {
    const world = SandboxWorld.create(sb, ledger, `faults_${serial}`, armed.world);
    armed.resume();
    await survive(world);
    armed.pause();
    const edits = await editLinked(world);
    armed.resume();
    let findings = await inspect(world, edits);
    let cycles = 1;
    for (; cycles <= MAX_CYCLES; cycles += 1) {
      const report = await survive(world);
      findings = await inspect(world, edits);
      const clean = findings.lost.length + findings.duplicated.length + findings.ledger.length === 0;
      if (clean && writes(report) === 0) break;
    }
    await armed.disarm();
    const injected = armed.injected();
    process.stdout.write(`sandbox faults: ${scenario.name}: ${PEOPLE} people, ${cycles} faulty cycles, ${injected} requests hit by the fault, ${edits.length} edits\n`);
    // A scenario whose faults never reached the connectors would prove nothing.
    if (injected === 0) return ['no fault was injected'];
    const before = world.fingerprint();
    const quiet = await world.cycle();
    const problems = [...findings.lost, ...findings.duplicated, ...findings.ledger];
    tally.lost += findings.lost.length;
    tally.duplicated += findings.duplicated.length;
    if (writes(quiet) > 0 || quiet.status !== 'succeeded' || world.fingerprint() !== before) {
      tally.doubleWrites += 1;
      problems.push(`the quiet cycle ended ${quiet.status} after ${writes(quiet)} writes`);
    }
    return problems;
  } catch (err) {
    tally.crashes += 1;
    return [`cycle threw ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`];
  } finally {
    tally.scenarios += 1;
    await armed.disarm();
    await armed.close?.();
    await sb.close();
  }
}

describe('faults from the sandbox apps, through runCycle', () => {
  for (const scenario of SCENARIOS) {
    it(scenario.name, async () => {
      expect(await play(scenario)).toEqual([]);
    }, 180_000);
  }
});
