/**
 * The three sandbox simulators (HubSpot, Mailchimp, Zendesk) on 127.0.0.1 synced by the real connectors and `runCycle`
 * (the bench's sync, test/bench/bench-spec.ts) on one ledger, for fault scenarios: what each app holds, read straight
 * from the simulators, and the invariants checked against it once the cycles are quiet.
 */
import type { Clock, Connector } from '@tandem/connector-sdk';
import { canonEqual, getPath, readField, type SyncSpec } from '@tandem/core';
import type { Ledger } from '@tandem/ledger';
import { runCycle, type CycleReport } from '@tandem/runtime';
import { HubspotConnector } from '@tandem/connectors/hubspot';
import { MailchimpConnector } from '@tandem/connectors/mailchimp';
import { ZendeskConnector } from '@tandem/connectors/zendesk';
// The sandbox is an app with no path alias; tests reach it by path, as the connector test kits do.
// eslint-disable-next-line no-restricted-imports
import { startSandbox, type Sandbox } from '../../apps/sandbox/src/index.js';
import { benchSpec } from '../bench/bench-spec.js';

export const APPS = ['crm', 'mail', 'desk'] as const;
export type App = (typeof APPS)[number];
/** Fields compared across apps (tags and company are left out: tags are filtered by `only`, company is two apps). */
export const CHECKED = ['email', 'first_name', 'last_name', 'phone', 'plan'] as const;
const UNLIMITED = 1_000_000_000;

/** Moves the ledger's clock forward so retry backoff falls due without waiting. */
export const ledgerTime = { offsetMs: 0 };
export const ledgerClock = (): Date => new Date(Date.now() + ledgerTime.offsetMs);

/** Backoff, Retry-After and job polling sleep at most 5 ms of real time; the connector's clock jumps the rest. */
function compressedClock(): Clock {
  let skew = 0;
  return {
    now: () => Date.now() + skew,
    sleep: async (ms) => {
      const real = Math.min(Math.max(0, ms), 5);
      skew += Math.max(0, ms - real);
      await new Promise((resolve) => setTimeout(resolve, real));
    },
  };
}

export interface WorldOptions {
  /** Base URLs connectors use instead of the simulators' (a proxy in front). */
  via?: Partial<Record<App, string>>;
  hubspotTimeoutMs?: number;
}

export interface AppRecord {
  app: App;
  id: string;
  email: string;
  /** The record as the connector's field paths see it. */
  raw: Record<string, unknown>;
}

/** A sandbox seeded with `people` overlapping people, its own rate limits off (faults are injected instead). */
export function startFaultSandbox(people: number, randomSeed: number): Promise<Sandbox> {
  return startSandbox({
    seed: people,
    randomSeed,
    hubspot: { settings: { burstLimit: 0, searchPerSecond: 0, dailyLimit: UNLIMITED, searchLagMs: 0 } },
    mailchimp: { settings: { maxConcurrent: 1000 } },
    zendesk: { settings: { requestsPerMinute: UNLIMITED, incrementalPerMinute: UNLIMITED, perUserUpdatesPerMinute: 0 } },
  });
}

export class SandboxWorld {
  readonly spec: SyncSpec;
  readonly connectors: Record<App, Connector>;

  private constructor(
    readonly sb: Sandbox,
    readonly ledger: Ledger,
    syncName: string,
    options: WorldOptions,
  ) {
    this.spec = { ...benchSpec({ hubspot: sb.hubspot.url, mailchimp: sb.mailchimp.url, zendesk: sb.zendesk.url }), name: syncName };
    const url = (app: App, own: string) => options.via?.[app] ?? own;
    this.connectors = {
      crm: new HubspotConnector({
        token: sb.hubspot.credentials.token,
        baseUrl: url('crm', sb.hubspot.url),
        requestsPerWindow: UNLIMITED,
        searchPerSecond: 1000,
        searchLagMs: 0,
        clock: compressedClock(),
        ...(options.hubspotTimeoutMs ? { timeoutMs: options.hubspotTimeoutMs } : {}),
      }),
      mail: new MailchimpConnector({
        baseUrl: `${url('mail', sb.mailchimp.url)}/3.0`,
        apiKey: sb.mailchimp.credentials.apiKey,
        listId: sb.mailchimp.credentials.listId,
        statusIfNew: 'subscribed',
        clock: compressedClock(),
        now: Date.now,
      }),
      desk: new ZendeskConnector({
        baseUrl: `${url('desk', sb.zendesk.url)}/api/v2`,
        auth: { email: sb.zendesk.credentials.email, token: sb.zendesk.credentials.token },
        requestsPerMinute: UNLIMITED,
        incrementalPerMinute: UNLIMITED,
        jobPollMs: 25,
        clock: compressedClock(),
        now: Date.now,
      }),
    };
  }

  static create(sb: Sandbox, ledger: Ledger, syncName: string, options: WorldOptions = {}): SandboxWorld {
    return new SandboxWorld(sb, ledger, syncName, options);
  }

  /** One full cycle, after moving the ledger clock an hour on so every queued retry is due. */
  cycle(): Promise<CycleReport> {
    ledgerTime.offsetMs += 3600_000;
    return runCycle(this.spec, { ledger: this.ledger, connectors: this.connectors }, { full: true });
  }

  /** Every live record of every app, read from the simulators themselves (not through the connectors). */
  records(): AppRecord[] {
    type Hs = { contacts: { id: string; properties: Record<string, unknown>; archived: boolean }[] };
    type Mc = { members: { contact_id: string; email_address: string; status: string }[] };
    type Zd = { users: { id: number; email: string | null; active: boolean }[] };
    const norm = (e: unknown) => String(e ?? '').trim().toLowerCase();
    const hs = this.sb.hubspot.sim.dump() as Hs;
    const mc = this.sb.mailchimp.sim.dump() as Mc;
    const zd = this.sb.zendesk.sim.dump() as Zd;
    return [
      ...hs.contacts.filter((c) => !c.archived).map((c) => ({ app: 'crm' as const, id: c.id, email: norm(c.properties.email), raw: c.properties })),
      ...mc.members.filter((m) => m.status !== 'archived').map((m) => ({ app: 'mail' as const, id: m.contact_id, email: norm(m.email_address), raw: m as unknown as Record<string, unknown> })),
      ...zd.users.filter((u) => u.active).map((u) => ({ app: 'desk' as const, id: String(u.id), email: norm(u.email), raw: u as unknown as Record<string, unknown> })),
    ];
  }

  /** A field's canonical value as an app holds it (`undefined`: the app does not map the field). */
  canonical(app: App, field: string, raw: Record<string, unknown>): unknown {
    const spec = this.spec.fields.find((f) => f.name === field);
    const appSpec = spec?.apps[app];
    if (!spec || !appSpec) return undefined;
    const read = readField(spec, appSpec, getPath(raw, appSpec.path));
    return read.ok ? read.value : { unreadable: true };
  }

  /** Plain JSON of everything the three apps hold, to see that a cycle changed nothing. */
  fingerprint(): string {
    return JSON.stringify([this.sb.hubspot.sim.dump(), this.sb.mailchimp.sim.dump(), (this.sb.zendesk.sim.dump() as { users: unknown }).users]);
  }

  close(): Promise<void> {
    return this.sb.close();
  }
}

export interface Findings {
  /** A person some app holds that another app lacks, a field the apps disagree on, or an edit that did not arrive. */
  lost: string[];
  duplicated: string[];
  /** Ledger shadows or links that do not match what the apps hold. */
  ledger: string[];
}

/**
 * Every person is held once by every app, the apps agree on every checked field, the given edits arrived everywhere,
 * and the ledger links every record with shadows equal to what the apps hold and no work left over.
 */
export async function inspect(world: SandboxWorld, edits: { email: string; field: string; value: unknown }[]): Promise<Findings> {
  const found: Findings = { lost: [], duplicated: [], ledger: [] };
  const records = world.records().filter((r) => r.email !== '');
  const byPerson = new Map<string, AppRecord[]>();
  for (const r of records) byPerson.set(r.email, [...(byPerson.get(r.email) ?? []), r]);
  let person = 0;
  for (const held of byPerson.values()) {
    person += 1;
    for (const app of APPS) {
      const n = held.filter((r) => r.app === app).length;
      if (n === 0) found.lost.push(`person #${person} missing in ${app}`);
      if (n > 1) found.duplicated.push(`person #${person} held ${n} times by ${app}`);
    }
    for (const field of CHECKED) {
      const values = held.map((r) => world.canonical(r.app, field, r.raw)).filter((v) => v !== undefined);
      if (values.some((v) => !canonEqual(v as never, values[0] as never))) found.lost.push(`person #${person}: apps disagree on ${field}`);
    }
  }
  for (const edit of edits) {
    for (const r of byPerson.get(edit.email) ?? []) {
      const value = world.canonical(r.app, edit.field, r.raw);
      if (value !== undefined && !canonEqual(value as never, edit.value as never)) found.lost.push(`an edit of ${edit.field} did not reach ${r.app}`);
    }
  }
  await inspectLedger(world, records, found);
  return found;
}

async function inspectLedger(world: SandboxWorld, records: AppRecord[], found: Findings): Promise<void> {
  const sync = world.spec.name;
  for (const r of records) {
    const link = await world.ledger.links.loadByMember(sync, r.app, r.id);
    const member = link?.members.find((m) => m.app === r.app && m.externalId === r.id);
    if (!link || !member?.shadow) {
      found.ledger.push(`a ${r.app} record is not linked`);
      continue;
    }
    for (const field of CHECKED) {
      const path = world.spec.fields.find((f) => f.name === field)?.apps[r.app]?.path;
      if (!path) continue;
      const held = world.canonical(r.app, field, r.raw);
      const shadow = world.canonical(r.app, field, { [path]: member.shadow[path] });
      if (!canonEqual(held as never, shadow as never)) found.ledger.push(`ledger shadow of ${r.app} ${field} differs from the app`);
    }
  }
  const behind = await world.ledger.links.needingRepair(sync);
  if (behind.length > 0) found.ledger.push(`${behind.length} links still have work left`);
  const retries = (await world.ledger.retries.forSync(sync)).length;
  if (retries > 0) found.ledger.push(`${retries} retries still queued`);
}
