/**
 * The properties DESIGN §5 asks for, over random histories of three simulated apps: a CRM, an email tool that
 * never receives new people, and a helpdesk that reformats what it stores and does not return it on write.
 */
import fc from 'fast-check';
import { canonEqual } from '../equality.js';
import type { FieldSpec } from '../model.js';
import { getPath } from '../mapping/path.js';
import { readField } from '../mapping/read.js';
import { applyOp, createArb, editArb, editValue, mailJoinArb, opArb, PEOPLE, type Op } from '../testing/sim-history.js';
import { fieldAtRest, imageViolations, linkOfRecord, snapshot } from '../testing/sim-checks.js';
import { simSpec } from '../testing/sim-spec.js';
import { SimCrash, SimWorld } from '../testing/sim-world.js';

const RUNS = { numRuns: 1000 };
const history = fc.array(opArb, { maxLength: 14 });

function play(ops: Op[], world = new SimWorld()): SimWorld {
  for (const op of ops) applyOp(world, op);
  return world;
}

describe('reconciler properties (simulated crm, mail, desk)', () => {
  it('(a) a cycle with no outside edits writes nothing', () => {
    fc.assert(
      fc.property(history, (ops) => {
        const world = play(ops);
        world.cycle();
        expect(world.cycle().patches).toEqual([]);
      }),
      RUNS,
    );
  });

  it('(b) after quiescence every app holds its own stored image of every agreed field', () => {
    fc.assert(
      fc.property(history, (ops) => {
        const world = play(ops);
        world.quiesce();
        expect(imageViolations(world)).toEqual([]);
      }),
      RUNS,
    );
  });

  it('(c) an edit with no concurrent competing edit of the same field is never lost', () => {
    fc.assert(
      fc.property(history, fc.array(fc.oneof(editArb, createArb, mailJoinArb), { minLength: 1, maxLength: 10 }), (ops, edits) => {
        const world = play(ops);
        world.quiesce();
        const seen = new Set<string>();
        const checks: { app: string; id: string; field: FieldSpec; raw: unknown }[] = [];
        for (const edit of edits) {
          if (edit.kind !== 'edit') {
            applyOp(world, edit); // a record linked for the first time is not a competing edit (rule 4)
            continue;
          }
          const field = world.spec.fields.find((f) => f.apps[edit.app]?.path === edit.path) as FieldSpec;
          const key = `${edit.person}:${field.name}`;
          const record = world.recordOf(edit.app, PEOPLE[edit.person] as string);
          if (seen.has(key) || !record || !linkOfRecord(world, edit.app, record.id)) continue; // one editor per linked person and field
          const appSpec = field.apps[edit.app];
          const before = appSpec ? readField(field, appSpec, getPath(record.fields, edit.path)) : null;
          const after = appSpec ? readField(field, appSpec, editValue(edit)) : null;
          if (before?.ok && after?.ok && canonEqual(before.value, after.value)) continue; // typing the same value is no edit
          seen.add(key);
          applyOp(world, edit);
          checks.push({ app: edit.app, id: record.id, field, raw: editValue(edit) });
        }
        world.quiesce();
        for (const { app, id, field, raw } of checks) {
          const appSpec = field.apps[app];
          const typed = appSpec ? readField(field, appSpec, raw) : { ok: false as const, reason: '' };
          const link = linkOfRecord(world, app, id);
          if (!appSpec?.read || !typed.ok || !link) continue; // one-way fields and unreadable values are not edits
          const agreed = link.agreed[field.name] ?? (field.type === 'set' ? [] : null);
          if (!canonEqual(agreed, typed.value)) throw new Error(`lost a ${app} edit of ${field.name}: agreed ${JSON.stringify(agreed)}, edit ${JSON.stringify(typed.value)}`);
        }
      }),
      RUNS,
    );
  });

  it('(d) replaying a cycle after a crash at any step writes nothing twice and reaches the same state', () => {
    fc.assert(
      fc.property(history, fc.array(editArb, { minLength: 1, maxLength: 4 }), fc.nat({ max: 16 }), fc.array(editArb, { minLength: 1, maxLength: 6 }), fc.array(editArb, { maxLength: 4 }), (ops, fresh, crashAt, between, later) => {
        // The crashed cycle has fresh edits to spread, so crashes land between its writes and their settles.
        const clean = play([...ops, ...fresh]);
        const crashed = play([...ops, ...fresh]);
        clean.cycle();
        try {
          crashed.cycle(crashAt + 1);
        } catch (err) {
          if (!(err instanceof SimCrash)) throw err;
        }
        // People keep typing while the engine is down; only into fields with no unread edit, so nothing races.
        let typed = 0;
        for (const op of between) {
          if (op.kind !== 'edit') continue;
          const email = PEOPLE[op.person] as string;
          const field = crashed.spec.fields.find((f) => f.apps[op.app]?.path === op.path) as FieldSpec;
          if (!clean.recordOf(op.app, email) || !crashed.recordOf(op.app, email) || !fieldAtRest(crashed, email, field.name, op.app)) continue;
          applyOp(clean, op);
          applyOp(crashed, op);
          typed += 1;
        }
        clean.quiesce();
        crashed.quiesce(); // the first of these cycles is the replay
        expect(snapshot(crashed)).toEqual(snapshot(clean));
        if (typed === 0) expect(crashed.effectiveWrites()).toBe(clean.effectiveWrites());
        else expect(crashed.effectiveWrites()).toBeLessThanOrEqual(clean.effectiveWrites());
        for (const op of later) {
          applyOp(clean, op);
          applyOp(crashed, op);
        }
        clean.quiesce();
        crashed.quiesce();
        expect(snapshot(crashed)).toEqual(snapshot(clean));
      }),
      RUNS,
    );
  });

  it('(e) a config change that changes no stored values writes nothing and moves no agreed value', () => {
    // trim on stage and plan is the identity on their data; trim on first names meets names typed with stray spaces.
    const edited = simSpec();
    for (const field of edited.fields) {
      if (field.name === 'first_name' || field.name === 'stage' || field.name === 'plan') field.transform = { name: 'trim', options: {} };
    }
    fc.assert(
      fc.property(history, (ops) => {
        const world = play(ops);
        world.quiesce();
        const versions = [...world.links.values()].map((l) => [l.linkId, l.agreedVersion]);
        world.spec = edited;
        world.resync(); // every record is observed again under the new mapping
        expect(world.cycle().patches).toEqual([]);
        expect([...world.links.values()].map((l) => [l.linkId, l.agreedVersion])).toEqual(versions);
      }),
      RUNS,
    );
  });
});
