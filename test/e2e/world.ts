/**
 * A small world for end-to-end cycle tests: three memory apps (a CRM, an email tool that keys members by email,
 * a helpdesk that reformats phones and does not return what it stored), their connectors, a sync spec from YAML,
 * and a ledger on PGlite or Postgres.
 */
import { parseConfig } from '@tandem/config';
import { MemoryApp, MemoryClock, MemoryConnector } from '@tandem/connectors/memory';
import type { Connector } from '@tandem/connector-sdk';
import type { SyncSpec } from '@tandem/core';
import type { Ledger } from '@tandem/ledger';
import { runCycle, type CycleOptions, type CycleReport, type SyncEnvironment } from '@tandem/runtime';

let worlds = 0;

export function specFrom(yamlSync: string, name: string): SyncSpec {
  const text = `connections:\n  crm: { type: memory, app: crm }\n  mail: { type: memory, app: mail }\n  desk: { type: memory, app: desk }\nsyncs:\n  ${name}:\n${yamlSync}`;
  const { config } = parseConfig(text, `${name}.yaml`, {});
  const spec = config.syncs[0];
  if (!spec) throw new Error('no sync in test yaml');
  return spec;
}

export const CONTACTS = `    members:
      crm: { object: contacts }
      mail: { object: contacts, create: false }
      desk: { object: contacts }
    match: [email]
    authority: [crm, desk, mail]
    fields:
      email: { crm: email, mail: email, desk: email, transform: email }
      first_name: { crm: firstname, mail: firstname, desk: firstname }
      last_name: { crm: lastname, mail: lastname, desk: lastname }
      phone: { crm: phone, desk: phone, transform: phone_e164 }
      tags: { mail: tags, desk: tags, type: set }
`;

export interface World {
  spec: SyncSpec;
  clock: MemoryClock;
  crm: MemoryApp;
  mail: MemoryApp;
  desk: MemoryApp;
  connectors: Record<string, MemoryConnector>;
  env: SyncEnvironment;
  cycle(options?: CycleOptions): Promise<CycleReport>;
}

/** Helpdesk-style phone reformatting: stores "+44 20 7946 0000" style spacing on write. */
function spacedPhone(value: unknown): unknown {
  if (typeof value !== 'string' || !value.startsWith('+')) return value;
  return `${value.slice(0, 3)} ${value.slice(3)}`;
}

export function makeWorld(ledger: Ledger, yamlSync = CONTACTS, connectorOptions: Partial<Record<'crm' | 'mail' | 'desk', ConstructorParameters<typeof MemoryConnector>[1]>> = {}): World {
  worlds += 1;
  const spec = specFrom(yamlSync, `contacts${worlds}_${process.pid}`);
  const clock = new MemoryClock(Date.parse('2026-11-01T09:00:00Z'));
  const crm = new MemoryApp({ clock: clock.now });
  const mail = new MemoryApp({ clock: clock.now, uniqueField: 'email' });
  const desk = new MemoryApp({ clock: clock.now, reformat: { phone: spacedPhone }, writeResponseOmitsRecord: true });
  const connectors = {
    crm: new MemoryConnector(crm, connectorOptions.crm),
    mail: new MemoryConnector(mail, connectorOptions.mail),
    desk: new MemoryConnector(desk, connectorOptions.desk),
  };
  const env: SyncEnvironment = { ledger, connectors: connectors as Record<string, Connector>, now: clock.now };
  return {
    spec,
    clock,
    crm,
    mail,
    desk,
    connectors,
    env,
    cycle: (options = {}) => {
      clock.advance(1000);
      return runCycle(spec, env, options);
    },
  };
}

/** Live records of an app as plain objects. */
export function live(app: MemoryApp): Record<string, unknown>[] {
  return app.records().filter((r) => !r.deleted).map((r) => r.fields);
}

/** Emails held more than once by one app. */
export function duplicateEmails(app: MemoryApp): string[] {
  const seen = new Map<string, number>();
  for (const r of live(app)) {
    const email = String(r.email ?? '').trim().toLowerCase();
    seen.set(email, (seen.get(email) ?? 0) + 1);
  }
  return [...seen].filter(([, n]) => n > 1).map(([e]) => e);
}

export function writesOf(report: CycleReport): number {
  return Object.values(report.apps).reduce((n, c) => n + c.created + c.updated + c.deleted, 0);
}

export function findByEmail(app: MemoryApp, email: string): { id: string; fields: Record<string, unknown> } | undefined {
  return app.records().find((r) => !r.deleted && String(r.fields.email).trim().toLowerCase() === email);
}
