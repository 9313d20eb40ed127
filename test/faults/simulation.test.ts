/**
 * Randomized engine histories (DESIGN §5 properties, through the real runCycle and ledger): people create and edit
 * records in three memory apps; scheduled cycles and webhook-triggered targeted cycles (`runCycle` with `records` and
 * `hints`, from signed deliveries parsed by the memory connector) run in between, with events dropped, held back
 * (reordered), duplicated and deliveries repeated; writes crash after they were applied. After quiescence:
 * - no lost update: the last edit of a field that no other app edited concurrently is held by every app mapping it;
 * - no duplicate: one live record per person per app;
 * - no second effective write: one more cycle writes nothing and changes nothing any app holds;
 * - consistent ledger: every member's shadow equals what its app holds.
 */
import fc from 'fast-check';
import { openLedger, type Ledger } from '@tandem/ledger';
import { HISTORIES, SEED, Tally } from './fault-size.js';
import { APPS, FIELDS, PATHS, PEOPLE, SimWorld, VALUES, simTime, type App, type Delivery, type Field } from './sim-world.js';

type Op =
  | { kind: 'create'; app: App; person: number; pick: number }
  | { kind: 'edit'; app: App; person: number; field: Field; pick: number }
  | { kind: 'crash'; app: App }
  | { kind: 'cycle' }
  | ({ kind: 'webhook'; app: App } & Delivery);

const appArb = fc.constantFrom<App>(...APPS);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('create' as const), app: appArb, person: fc.nat({ max: PEOPLE.length - 1 }), pick: fc.nat({ max: 9 }) }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('edit' as const), app: appArb, person: fc.nat({ max: PEOPLE.length - 1 }), field: fc.constantFrom<Field>(...FIELDS), pick: fc.nat({ max: 9 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('crash' as const), app: appArb }) },
  { weight: 3, arbitrary: fc.constant({ kind: 'cycle' as const }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('webhook' as const),
      app: appArb,
      // Mostly faithful deliveries; some events dropped, held back (reordered), duplicated, or the delivery repeated.
      drop: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.nat({ max: 0xffff }) }),
      hold: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.nat({ max: 0xffff }) }),
      dup: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.nat({ max: 0xffff }) }),
      reverse: fc.boolean(),
      redeliver: fc.boolean(),
    }),
  },
);

/** The last edit of a (person, field) and whether another app edited the same field in the same cycle window. */
interface LastEdit {
  app: App;
  value: unknown;
  contested: boolean;
}

const tally = new Tally();
let ledger: Ledger;
let serial = 0;

beforeAll(async () => {
  ledger = await openLedger({ databaseUrl: null, dataDir: 'memory://', clock: () => new Date(simTime.now) });
}, 60_000);

afterAll(async () => {
  await ledger?.close();
  tally.print('randomized simulation, memory apps + runCycle');
});

function pick<T>(list: readonly T[], n: number): T {
  return list[n % list.length] as T;
}

async function play(world: SimWorld, ops: Op[]): Promise<Map<string, LastEdit>> {
  const last = new Map<string, LastEdit>();
  let window = new Map<string, Set<App>>();
  // Records no cycle has seen yet: their values are a first link (DESIGN §5 rule 4, the onLink policy decides),
  // not edits, so they contest whatever was typed elsewhere instead of counting as updates of their own.
  let fresh = new Set<string>();
  const contest = (email: string) => {
    for (const f of FIELDS) {
      const entry = last.get(`${email}|${f}`);
      if (entry) entry.contested = true;
    }
  };
  for (const op of ops) {
    world.tick();
    if (op.kind === 'cycle') {
      await world.cycle();
      window = new Map();
      fresh = new Set();
    } else if (op.kind === 'webhook') {
      // A targeted cycle sees only the records it fetches, so it closes no edit window: edits on either side of it stay
      // concurrent until a scheduled cycle has read everything (counting them contested only weakens the check).
      await world.deliver(op.app, op);
    } else if (op.kind === 'crash') {
      world.apps[op.app].crashAfterWrite();
    } else {
      const email = PEOPLE[op.person] as string;
      const [existing] = world.recordsOf(op.app, email);
      if (op.kind === 'create' && !existing) {
        const fields: Record<string, unknown> = { email };
        for (const f of FIELDS) {
          const path = PATHS[f][op.app];
          if (path) fields[path] = pick(VALUES[f], op.pick + f.length);
        }
        world.apps[op.app].userCreate(fields);
        fresh.add(`${op.app}|${email}`);
        contest(email);
      } else if (op.kind === 'edit' && existing && PATHS[op.field][op.app] && fresh.has(`${op.app}|${email}`)) {
        world.apps[op.app].userEdit(existing.id, { [PATHS[op.field][op.app] as string]: pick(VALUES[op.field], op.pick) });
        contest(email);
      } else if (op.kind === 'edit' && existing && PATHS[op.field][op.app]) {
        const value = pick(VALUES[op.field], op.pick);
        world.apps[op.app].userEdit(existing.id, { [PATHS[op.field][op.app] as string]: value });
        const key = `${email}|${op.field}`;
        const editors = window.get(key) ?? new Set<App>();
        editors.add(op.app);
        window.set(key, editors);
        last.set(key, { app: op.app, value, contested: editors.size > 1 });
      }
    }
  }
  return last;
}

/** Cycles (with time moving on, so retries fall due) until one writes nothing. */
async function quiesce(world: SimWorld): Promise<boolean> {
  for (let i = 0; i < 10; i += 1) {
    world.tick(7 * 3600_000);
    const report = await world.cycle();
    const writes = Object.values(report.apps).reduce((n, c) => n + c.created + c.updated + c.deleted + c.failed, 0);
    if (writes === 0 && report.status === 'succeeded') return true;
  }
  return false;
}

async function checkInvariants(world: SimWorld, last: Map<string, LastEdit>): Promise<string[]> {
  const problems: string[] = [];
  for (const email of PEOPLE) {
    for (const app of APPS) {
      if (world.recordsOf(app, email).length > 1) {
        tally.duplicated += 1;
        problems.push(`duplicate ${app} records for person ${PEOPLE.indexOf(email)}`);
      }
    }
  }
  for (const [key, edit] of last) {
    if (edit.contested) continue;
    const [email, field] = key.split('|') as [string, Field];
    for (const app of APPS) {
      const [record] = world.recordsOf(app, email);
      if (!record || !PATHS[field][app]) continue;
      if (!world.holds(app, field, world.rawOf(app, record.id, field), edit.value)) {
        tally.lost += 1;
        problems.push(`lost update: ${field} of person ${PEOPLE.indexOf(email)} edited in ${edit.app} is not held by ${app}`);
      }
    }
  }
  const before = APPS.map((a) => JSON.stringify(world.apps[a].snapshot()));
  const again = await world.cycle();
  const writes = Object.values(again.apps).reduce((n, c) => n + c.created + c.updated + c.deleted, 0);
  const after = APPS.map((a) => JSON.stringify(world.apps[a].snapshot()));
  if (writes > 0 || before.some((s, i) => s !== after[i])) {
    tally.doubleWrites += 1;
    problems.push(`a cycle after quiescence wrote ${writes} records`);
  }
  for (const app of APPS) {
    for (const id of await world.ledger.links.memberIds(world.spec.name, app)) {
      const link = await world.ledger.links.loadByMember(world.spec.name, app, id);
      const member = link?.members.find((m) => m.app === app && m.externalId === id);
      for (const field of FIELDS) {
        const path = PATHS[field][app];
        if (!path || !member?.shadow || link?.deleted) continue;
        if (!world.holds(app, field, world.rawOf(app, id, field), member.shadow[path])) problems.push(`ledger shadow of ${app} ${field} differs from the app`);
      }
    }
  }
  return problems;
}

describe('randomized histories over three memory apps', () => {
  it('keeps every invariant after quiescence, whatever the edits, crashes and dropped, duplicated or reordered webhooks', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 3, maxLength: 16 }), async (ops) => {
        tally.scenarios += 1;
        const world = new SimWorld(ledger, `sim${(serial += 1)}`);
        let problems: string[];
        try {
          const last = await play(world, ops);
          if (!(await quiesce(world))) problems = ['no quiescence within 10 cycles'];
          else problems = await checkInvariants(world, last);
        } catch (err) {
          tally.crashes += 1;
          problems = [`cycle threw ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`];
        }
        expect(problems).toEqual([]);
      }),
      { numRuns: HISTORIES, seed: SEED },
    );
  }, 600_000);
});
