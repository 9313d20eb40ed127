/**
 * Realistic reconciler inputs for the bench sync: linked people whose three app records hold the same person in
 * each app's own format (the helpdesk keeps national phones), and a cycle's observations with a mix of no change,
 * single-app edits, concurrent edits and first links. Deterministic (a seeded PRNG), so runs compare.
 */
import type { LinkState, MemberState, Observation, RawFields } from '@tandem/core';

const FIRST = ['Jane', 'José', 'Zoë', 'Björn', 'Amara', 'Wei', 'Priya', 'Lukas', 'Fatima', 'Noah', 'Chloé', 'Yuki'];
const LAST = ['Doe', 'Álvarez', 'Müller', "O'Brien", 'Nguyễn', 'Kowalski', 'Okafor', 'Smith', 'García', 'Tanaka'];
const COMPANIES = ['Acme Corp', 'Globex', 'Initech', 'Umbrella GmbH', 'Hooli'];

/** mulberry32: tiny, fast, good enough for workloads. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Person {
  email: string;
  first: string;
  last: string;
  digits: string;
  company: string;
  plan: string;
  tags: string[];
}

function person(i: number, rand: () => number): Person {
  const pick = <T>(list: T[]): T => list[Math.floor(rand() * list.length)] as T;
  const area = 201 + Math.floor(rand() * 700);
  return {
    email: `person${i}@example.test`,
    first: pick(FIRST),
    last: pick(LAST),
    digits: `${area}555${String(Math.floor(rand() * 10000)).padStart(4, '0')}`,
    company: pick(COMPANIES),
    plan: pick(['free', 'pro', 'enterprise']),
    tags: ['vip', 'churn-risk'].filter(() => rand() < 0.3),
  };
}

/** Each app's raw record of a person, flattened by the mapped paths. */
function rawOf(app: string, p: Person): RawFields {
  const national = `(${p.digits.slice(0, 3)}) ${p.digits.slice(3, 6)}-${p.digits.slice(6)}`;
  switch (app) {
    case 'crm':
      return { email: p.email, firstname: p.first, lastname: p.last, phone: `+1${p.digits}`, company: p.company, plan_tier: p.plan };
    case 'mail':
      return {
        email_address: p.email,
        'merge_fields.FNAME': p.first,
        'merge_fields.LNAME': p.last,
        'merge_fields.PHONE': `${p.digits.slice(0, 3)}.${p.digits.slice(3, 6)}.${p.digits.slice(6)}`,
        'merge_fields.COMPANY': p.company,
        'merge_fields.PLAN': p.plan,
        tags: [...p.tags],
      };
    default:
      return { email: p.email, 'user_fields.first_name': p.first, 'user_fields.last_name': p.last, phone: national, 'user_fields.plan': p.plan, tags: [...p.tags] };
  }
}

const APPS = ['crm', 'desk', 'mail'];
const FIRST_PATH: Record<string, string> = { crm: 'firstname', mail: 'merge_fields.FNAME', desk: 'user_fields.first_name' };

export type CaseKind = 'unchanged' | 'one-edit' | 'concurrent-edits' | 'first-link';

export interface WorkItem {
  kind: CaseKind;
  link: LinkState;
  observations: Observation[];
}

function linkedState(i: number, p: Person): LinkState {
  const members: MemberState[] = APPS.map((app) => ({
    app,
    externalId: `${app}-${i}`,
    shadow: rawOf(app, p),
    appVersion: '1000',
    ackedVersion: 3,
    pending: [],
  }));
  return {
    linkId: `L${i}`,
    agreed: { email: p.email, first_name: p.first, last_name: p.last, phone: `+1${p.digits}`, company: p.company, plan: p.plan, tags: [...p.tags].sort() },
    fieldMeta: {},
    agreedVersion: 3,
    members,
    openConflicts: [],
  };
}

function observe(app: string, i: number, fields: RawFields, at: number): Observation {
  return { app, externalId: `${app}-${i}`, version: String(at), fields, updatedAt: at };
}

/** Mix: 70 % unchanged, 20 % one app edits a name, 5 % two apps edit it differently, 5 % first link (no shadows). */
export function workload(count: number, seed = 7): WorkItem[] {
  const rand = prng(seed);
  const items: WorkItem[] = [];
  for (let i = 0; i < count; i += 1) {
    const p = person(i, rand);
    const roll = rand();
    const link = linkedState(i, p);
    const obs = APPS.map((app) => observe(app, i, rawOf(app, p), 2000));
    if (roll < 0.7) {
      items.push({ kind: 'unchanged', link, observations: obs });
    } else if (roll < 0.9) {
      const app = APPS[i % 3] as string;
      const edited = obs.map((o) => (o.app === app ? { ...o, fields: { ...o.fields, [FIRST_PATH[app] as string]: `${p.first}-x` } } : o));
      items.push({ kind: 'one-edit', link, observations: edited });
    } else if (roll < 0.95) {
      const edited = obs.map((o, k) => (k < 2 ? { ...o, fields: { ...o.fields, [FIRST_PATH[o.app] as string]: `${p.first}-${k}` } } : o));
      items.push({ kind: 'concurrent-edits', link, observations: edited });
    } else {
      const fresh: LinkState = { ...link, agreed: {}, agreedVersion: 0, members: link.members.map((m) => ({ ...m, shadow: null, appVersion: null, ackedVersion: 0 })) };
      items.push({ kind: 'first-link', link: fresh, observations: obs });
    }
  }
  return items;
}

/** Linked states only (what a cycle holds in memory per link), for the memory-per-record figure. */
export function linkedStates(count: number, seed = 7): LinkState[] {
  const rand = prng(seed);
  return Array.from({ length: count }, (_, i) => linkedState(i, person(i, rand)));
}

/** A person's three app records, raw (for ledger and sync workloads). */
export function personRecords(i: number, seed = 7): { app: string; raw: RawFields }[] {
  const rand = prng(seed * 1_000_003 + i);
  const p = person(i, rand);
  return APPS.map((app) => ({ app, raw: rawOf(app, p) }));
}
