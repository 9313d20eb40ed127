/**
 * Random histories for the simulator: people typing into the three apps, deleting and re-creating records, and
 * sync cycles in between. Values come from small pools so that equal edits, conflicts and reformatting happen often.
 */
import fc from 'fast-check';
import type { AppName } from '../model.js';
import type { SimWorld } from './sim-world.js';

export const PEOPLE = ['p0@example.test', 'p1@example.test', 'p2@example.test'];

/** Raw values a person may type, per app and path (national phones, unmappable stages, stray spaces, …). */
export const POOLS: Record<AppName, Record<string, unknown[]>> = {
  crm: {
    firstname: ['Ada', 'Grace', 'Linus', ''],
    phone: ['+12125550101', '+13105550102', '212-555-0103', null],
    code: ['AB', 'cd', 'Ef', ''],
    lifecyclestage: ['lead', 'mql', 'customer'],
    plan_tier: ['free', 'pro'],
  },
  mail: {
    'merge_fields.FNAME': ['Ada', 'Grace', 'Marie ', ''],
    tags: [['vip'], ['VIP', 'news'], [], ['churn-risk', 'vip'], ['news']],
  },
  desk: {
    'user_fields.first_name': ['Ada', ' Grace', 'Marie'],
    phone: ['(212) 555-0101', '(415) 555-0104', '+13105550102', ''],
    'user_fields.code': ['AB', 'GH'],
    'user_fields.stage': ['Lead', 'Customer', 'Bogus'],
    'user_fields.plan': ['free', 'enterprise'],
    tags: [['VIP'], ['CHURN-RISK', 'billing'], []],
  },
};

const EMAIL_PATH: Record<AppName, string> = { crm: 'email', mail: 'email_address', desk: 'email' };

export type Op =
  | { kind: 'edit'; app: AppName; person: number; path: string; pick: number }
  | { kind: 'create'; app: AppName; person: number; pick: number; shout: boolean }
  | { kind: 'delete'; app: AppName; person: number }
  | { kind: 'cycle' };

const appArb = fc.constantFrom<AppName>('crm', 'mail', 'desk');
const personArb = fc.nat({ max: PEOPLE.length - 1 });

export const editArb: fc.Arbitrary<Op> = appArb.chain((app) =>
  fc.record({
    kind: fc.constant('edit' as const),
    app: fc.constant(app),
    person: personArb,
    path: fc.constantFrom(...Object.keys(POOLS[app] ?? {})),
    pick: fc.nat({ max: 9 }),
  }),
);

export const createArb: fc.Arbitrary<Op> = fc.record({ kind: fc.constant('create' as const), app: appArb, person: personArb, pick: fc.nat({ max: 9 }), shout: fc.boolean() });

/** A person subscribing to the email tool later: the record joins an existing link (a first link, not an edit). */
export const mailJoinArb: fc.Arbitrary<Op> = fc.record({ kind: fc.constant('create' as const), app: fc.constant('mail'), person: personArb, pick: fc.nat({ max: 9 }), shout: fc.boolean() });

export const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: editArb },
  { weight: 3, arbitrary: createArb },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), app: appArb, person: personArb }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'cycle' as const }) },
);

function pickFrom(pool: unknown[] | undefined, pick: number): unknown {
  return pool && pool.length ? structuredClone(pool[pick % pool.length]) : null;
}

/** The raw value an edit op types. */
export function editValue(op: Extract<Op, { kind: 'edit' }>): unknown {
  return pickFrom(POOLS[op.app]?.[op.path], op.pick);
}

/** Applies one outside op (or a cycle) to a world. Ops on records that do not exist are no-ops. */
export function applyOp(world: SimWorld, op: Op): void {
  if (op.kind === 'cycle') {
    world.cycle();
    return;
  }
  const email = PEOPLE[op.person] as string;
  const existing = world.recordOf(op.app, email);
  if (op.kind === 'create') {
    if (existing) return;
    const fields: Record<string, unknown> = { [EMAIL_PATH[op.app] as string]: op.shout ? ` ${email.toUpperCase()}` : email };
    for (const [path, pool] of Object.entries(POOLS[op.app] ?? {})) fields[path] = pickFrom(pool, op.pick + path.length);
    world.app(op.app).userCreate(fields);
  } else if (op.kind === 'delete') {
    if (existing) world.app(op.app).userDelete(existing.id);
  } else if (existing) {
    world.app(op.app).userEdit(existing.id, op.path, editValue(op));
  }
}
