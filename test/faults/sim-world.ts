/**
 * One randomized engine history: three memory apps (a CRM with field timestamps, an email tool, a helpdesk that
 * reformats phones and whose write responses omit the record), the real `runCycle`, and one shared ledger. People
 * type into the apps, cycles run, and writes crash after being applied (the response is lost).
 */
import { parseConfig } from '@tandem/config';
import { canonEqual, readField, getPath, type SyncSpec } from '@tandem/core';
import type { Ledger } from '@tandem/ledger';
import { MemoryApp, MemoryConnector } from '@tandem/connectors/memory';
import { runCycle, type CycleReport } from '@tandem/runtime';

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
      crm: new MemoryConnector(this.apps.crm, { fieldTimestamps: true }),
      mail: new MemoryConnector(this.apps.mail),
      desk: new MemoryConnector(this.apps.desk),
    };
  }

  tick(ms = 1000): void {
    simTime.now += ms;
  }

  cycle(): Promise<CycleReport> {
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
