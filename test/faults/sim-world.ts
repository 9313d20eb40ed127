/**
 * One randomized engine history: three memory apps (a CRM with field timestamps, an email tool, a helpdesk that
 * reformats phones and whose write responses omit the record), the real `runCycle`, and one shared ledger. People
 * type into the apps, cycles run, and writes crash after being applied (the response is lost).
 */
import { parseConfig } from '@tandem/config';
import { canonEqual, readField, getPath, type SyncSpec } from '@tandem/core';
import type { Ledger } from '@tandem/ledger';
import type { ChangeHint } from '@tandem/connector-sdk';
import { MemoryApp, MemoryConnector, memoryWebhookRequest, type MemoryEvent } from '@tandem/connectors/memory';
import { runCycle, type CycleReport, type RecordRef } from '@tandem/runtime';

export const APPS = ['crm', 'mail', 'desk'] as const;
export type App = (typeof APPS)[number];
export const PEOPLE = ['p0@example.test', 'p1@example.test', 'p2@example.test'];
export const FIELDS = ['first_name', 'phone', 'tags'] as const;
export type Field = (typeof FIELDS)[number];

/** Paths of each canonical field per app (absent: the app does not map it). */
export const PATHS: Record<Field, Partial<Record<App, string>>> = {
  first_name: { crm: 'firstname', mail: 'firstname', desk: 'firstname' },
  phone: { crm: 'phone', desk: 'phone' },
  tags: { mail: 'tags', desk: 'tags' },
};

export const VALUES: Record<Field, unknown[]> = {
  first_name: ['Ada', 'Grace', 'Linus', 'Marie'],
  phone: ['+12125550101', '+13105550102', '+14155550104'],
  tags: [['vip'], [], ['churn-risk', 'vip'], ['churn-risk']],
};

const YAML = `
connections:
  crm: { type: memory, app: crm }
  mail: { type: memory, app: mail }
  desk: { type: memory, app: desk }
syncs:
  people:
    members:
      crm: { object: contacts }
      mail: { object: contacts }
      desk: { object: contacts }
    match: [email]
    authority: [crm, desk, mail]
    fields:
      email: { crm: email, mail: email, desk: email, transform: email }
      first_name: { crm: firstname, mail: firstname, desk: firstname }
      phone: { crm: phone, desk: phone, transform: phone_e164 }
      tags: { mail: tags, desk: tags, type: set }
`;

const national = (v: unknown) => (typeof v === 'string' ? v.replace(/^\+1(\d{3})(\d{3})(\d{4})$/, '($1) $2-$3') : v);

/**
 * Virtual time shared by every world of a run and by the ledger (`openLedger({ clock })`), so retry backoff,
 * cursors and app versions all see one clock that only moves forward, across histories too.
 */
export const simTime = { now: Date.parse('2026-03-01T09:00:00Z') };

const WEBHOOK_SECRET = 'sim-webhook-secret';

/** How one webhook delivery of an app's pending events is mangled (bit i of a mask applies to event i mod 16). */
export interface Delivery {
  /** Events lost for good. */
  drop: number;
  /** Events left pending for a later delivery (so they arrive after newer ones). */
  hold: number;
  /** Events sent twice in the delivery. */
  dup: number;
  /** Sent newest first. */
  reverse: boolean;
  /** The whole delivery arrives again after it was processed (a provider retry). */
  redeliver: boolean;
}

export class SimWorld {
  get now(): number {
    return simTime.now;
  }
  readonly spec: SyncSpec;
  readonly apps: Record<App, MemoryApp>;
  readonly connectors: Record<App, MemoryConnector>;

  constructor(
    readonly ledger: Ledger,
    syncName: string,
  ) {
    const base = parseConfig(YAML, 'sim.yaml', {}).config.syncs[0] as SyncSpec;
    this.spec = { ...base, name: syncName };
    const clock = () => this.now;
    this.apps = {
      crm: new MemoryApp({ clock }),
      mail: new MemoryApp({ clock }),
      desk: new MemoryApp({ clock, reformat: { phone: national }, writeResponseOmitsRecord: true }),
    };
    this.connectors = {
      crm: new MemoryConnector(this.apps.crm, { fieldTimestamps: true, webhookSecret: WEBHOOK_SECRET }),
      mail: new MemoryConnector(this.apps.mail, { webhookSecret: WEBHOOK_SECRET }),
      desk: new MemoryConnector(this.apps.desk, { webhookSecret: WEBHOOK_SECRET }),
    };
  }

  /** Events each app would send by webhook and that no delivery has carried yet (our own writes' echoes included). */
  readonly outbox: Record<App, MemoryEvent[]> = { crm: [], mail: [], desk: [] };

  private collect(): void {
    for (const app of APPS) this.outbox[app].push(...this.apps[app].takeEvents());
  }

  /**
   * One webhook delivery of `app`'s pending events, mangled as `how` says, through the connector's signature check
   * and parser, then the targeted cycle the engine would run for it (the changed records fetched by id, the other
   * hints applied). Returns the cycles' reports (two when redelivered).
   */
  async deliver(app: App, how: Delivery): Promise<CycleReport[]> {
    this.collect();
    const pending = this.outbox[app];
    const bit = (mask: number, i: number) => ((mask >> i % 16) & 1) === 1;
    const sent = pending.flatMap((e, i) => (bit(how.hold, i) || bit(how.drop, i) ? [] : bit(how.dup, i) ? [e, e] : [e]));
    this.outbox[app] = pending.filter((_, i) => bit(how.hold, i));
    if (how.reverse) sent.reverse();
    if (sent.length === 0) return [];
    const handler = this.connectors[app].webhooks;
    if (!handler) throw new Error(`${app} has no webhook handler`);
    const req = memoryWebhookRequest(sent, { secret: WEBHOOK_SECRET, timestamp: this.now });
    handler.verify(req);
    const hints: ChangeHint[] = handler.parse(req);
    const records: RecordRef[] = [...new Set(hints.filter((h) => h.kind === 'changed').map((h) => h.id))].map((id) => ({ app, id }));
    const others = hints.filter((h) => h.kind !== 'changed').map((hint) => ({ app, hint }));
    const reports: CycleReport[] = [];
    for (let round = 0; round < (how.redeliver ? 2 : 1); round += 1) {
      this.tick();
      reports.push(await runCycle(this.spec, { ledger: this.ledger, connectors: this.connectors, now: () => this.now }, { trigger: 'webhook', records, hints: others }));
    }
    return reports;
  }

  tick(ms = 1000): void {
    simTime.now += ms;
  }

  cycle(): Promise<CycleReport> {
    this.collect();
    this.tick();
    return runCycle(this.spec, { ledger: this.ledger, connectors: this.connectors, now: () => this.now });
  }

  /** Live records of a person in an app (more than one is a duplicate). */
  recordsOf(app: App, email: string) {
    return this.apps[app].records().filter((r) => !r.deleted && String(r.fields.email ?? '').trim().toLowerCase() === email);
  }

  /** Whether an app's stored value of a field means `value` canonically. */
  holds(app: App, field: Field, raw: unknown, value: unknown): boolean {
    const spec = this.spec.fields.find((f) => f.name === field);
    const appSpec = spec?.apps[app];
    if (!spec || !appSpec) return true;
    const held = readField(spec, appSpec, raw);
    const wanted = readField(spec, appSpec, value);
    return held.ok && wanted.ok && canonEqual(held.value, wanted.value);
  }

  rawOf(app: App, id: string, field: Field): unknown {
    const path = PATHS[field][app];
    const record = this.apps[app].get(id);
    return path && record ? getPath(record.fields, path) : undefined;
  }
}
