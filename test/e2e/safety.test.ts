/**
 * Safe reads and deletes (issue 3 §6), end to end on PGlite and Postgres: deletes only from signals or complete
 * reads, never from a failed read; stale pages lose; records leaving a filter follow onLeave.
 */
import type { AppRecord, Connector, Cursor, ReadPage } from '@tandem/connector-sdk';
import type { Ledger } from '@tandem/ledger';
import { ledgerTargets, useTestLedger } from '../ledger/targets.js';
import { CONTACTS, findByEmail, live, makeWorld, writesOf } from './world.js';

const targets = await ledgerTargets();

const WITH_DELETES = CONTACTS.replace('    match: [email]\n', '    match: [email]\n    deletes: propagate\n    maxDeletes: 10\n');

describe.each(targets)('safe reads and deletes on %s', (target) => {
  const ledgerOf = useTestLedger(target);
  let ledger: Ledger;
  beforeAll(() => {
    ledger = ledgerOf();
  });

  it('deletes a record missing from a complete read of a complete-read app, and leaves a tombstone', async () => {
    const w = makeWorld(ledger, WITH_DELETES, { desk: { deletes: 'complete-read' } });
    w.crm.userCreate({ email: 'ada@example.test', firstname: 'Ada' });
    w.crm.userCreate({ email: 'alan@example.test', firstname: 'Alan' });
    await w.cycle();
    const deskAda = findByEmail(w.desk, 'ada@example.test');
    if (!deskAda) throw new Error('ada not created in desk');
    w.desk.erase(deskAda.id);
    // An incremental read says nothing about the vanished id…
    const quiet = await w.cycle();
    expect(quiet.apps.crm?.deleted).toBe(0);
    // …a complete one does.
    const full = await w.cycle({ full: true });
    expect(full.apps.crm?.deleted).toBe(1);
    expect(findByEmail(w.crm, 'ada@example.test')).toBeUndefined();
    expect(findByEmail(w.crm, 'alan@example.test')).toBeDefined();
    const crmAdaId = (await ledger.audit.listByRun(full.runId as string)).find((c) => c.op === 'delete')?.app;
    expect(crmAdaId).toBe('crm');
  });

  it('decides nothing from a read that fails midway, and moves no cursor', async () => {
    const w = makeWorld(ledger, WITH_DELETES, { desk: { deletes: 'complete-read' } });
    w.desk.pageSize = 1;
    w.crm.userCreate({ email: 'ada@example.test', firstname: 'Ada' });
    w.crm.userCreate({ email: 'alan@example.test', firstname: 'Alan' });
    await w.cycle();
    const cursorsBefore = await ledger.cursors.list(w.spec.name);
    w.desk.failReadAt(1);
    const crmBefore = w.crm.snapshot();
    const report = await w.cycle({ full: true });
    expect(report.status).toBe('aborted');
    expect(report.error?.code).toBe('CYCLE_READ_FAILED');
    expect(w.crm.snapshot()).toEqual(crmBefore);
    expect(await ledger.cursors.list(w.spec.name)).toEqual(cursorsBefore);
  });

  it('resyncs only what changed since a time, reading every member from scratch but touching only newer records', async () => {
    const w = makeWorld(ledger);
    w.crm.userCreate({ email: 'ada@example.test', firstname: 'Ada' });
    w.crm.userCreate({ email: 'alan@example.test', firstname: 'Alan' });
    await w.cycle();
    const since = w.clock.now() + 1;
    w.clock.advance(10_000);
    const alan = findByEmail(w.crm, 'alan@example.test');
    w.crm.userEdit(alan?.id as string, { firstname: 'Alan M.' });
    const report = await w.cycle({ since });
    expect(report.apps.desk?.updated).toBe(1);
    expect(findByEmail(w.desk, 'alan@example.test')?.fields.firstname).toBe('Alan M.');
    expect(report.apps.crm?.read).toBeGreaterThanOrEqual(2);
  });

  it('lets a stale page lose against a fresher value already seen', async () => {
    const w = makeWorld(ledger);
    w.crm.userCreate({ email: 'ada@example.test', firstname: 'Ada' });
    await w.cycle();
    const crmAda = findByEmail(w.crm, 'ada@example.test');
    if (!crmAda) throw new Error('seed missing');
    const [stale] = await w.connectors.crm.fetch('contacts', [crmAda.id]);
    w.crm.userEdit(crmAda.id, { firstname: 'Augusta' });
    // A webhook-triggered fetch sees the fresh value first…
    await w.cycle({ records: [{ app: 'crm', id: crmAda.id }] });
    expect(findByEmail(w.desk, 'ada@example.test')?.fields.firstname).toBe('Augusta');
    // …then a lagging read page delivers the older copy: it must not win.
    const lagging = replayingRead(w.connectors.crm, [stale as AppRecord]);
    const report = await (async () => {
      w.env.connectors.crm = lagging;
      return w.cycle();
    })();
    expect(report.flags.some((f) => f.kind === 'stale')).toBe(true);
    expect(findByEmail(w.desk, 'ada@example.test')?.fields.firstname).toBe('Augusta');
  });

  it('unlinks a record that leaves its filter, without deleting or re-creating it anywhere', async () => {
    const yaml = CONTACTS.replace('      desk: { object: contacts }', '      desk: { object: contacts, filter: { role: [end-user] } }');
    const w = makeWorld(ledger, yaml);
    w.crm.userCreate({ email: 'ada@example.test', firstname: 'Ada' });
    await w.cycle();
    const deskAda = findByEmail(w.desk, 'ada@example.test');
    if (!deskAda) throw new Error('not created');
    // Creates carry no role; the helpdesk admin marks her an end-user, then promotes her to agent.
    w.desk.userEdit(deskAda.id, { role: 'end-user' });
    await w.cycle();
    w.desk.userEdit(deskAda.id, { role: 'agent', firstname: 'Agent Ada' });
    const report = await w.cycle();
    expect(report.flags.some((f) => f.kind === 'left-filter')).toBe(true);
    expect(findByEmail(w.crm, 'ada@example.test')?.fields.firstname).toBe('Ada');
    expect(live(w.desk)).toHaveLength(1);
    const crmAda = findByEmail(w.crm, 'ada@example.test');
    w.crm.userEdit(crmAda?.id as string, { firstname: 'Ada B.' });
    const next = await w.cycle();
    expect(next.apps.desk?.created).toBe(0);
    expect(findByEmail(w.desk, 'ada@example.test')?.fields.firstname).toBe('Agent Ada');
    expect(writesOf(await w.cycle())).toBe(0);
  });

  it('applies an edited filter on the next cycle, re-reading only the member whose filter changed', async () => {
    const yaml = CONTACTS.replace('      desk: { object: contacts }', '      desk: { object: contacts, filter: { role: [end-user] } }');
    const w = makeWorld(ledger, yaml);
    w.desk.userCreate({ email: 'ada@example.test', firstname: 'Ada', role: 'end-user' });
    w.desk.userCreate({ email: 'alan@example.test', firstname: 'Alan', role: 'agent' });
    w.crm.userCreate({ email: 'grace@example.test', firstname: 'Grace' });
    await w.cycle();
    expect(findByEmail(w.crm, 'alan@example.test')).toBeUndefined();
    w.spec.members.desk = { ...(w.spec.members.desk as NonNullable<typeof w.spec.members.desk>), filter: { role: ['end-user', 'agent'] } };
    const crmRecords = live(w.crm).length;
    const report = await w.cycle();
    expect(report.apps.desk?.read).toBe(3);
    // The CRM is read incrementally (only the echo of the last cycle's create), not from scratch.
    expect(report.apps.crm?.read).toBeLessThan(crmRecords);
    expect(findByEmail(w.crm, 'alan@example.test')?.fields.firstname).toBe('Alan');
    expect(writesOf(await w.cycle())).toBe(0);
  });
});

/** A connector whose reads replay old records (a search index that lags), everything else delegated. */
function replayingRead(inner: Connector, records: AppRecord[]): Connector {
  return {
    type: inner.type,
    capabilities: () => inner.capabilities(),
    check: () => inner.check(),
    describe: (object) => inner.describe(object),
    async *read(_object: string, _cursor: Cursor | null): AsyncIterable<ReadPage> {
      yield { records, cursor: null };
    },
    fetch: (object, ids) => inner.fetch(object, ids),
    findByKey: (object, key, values) => inner.findByKey(object, key, values),
    write: (object, ops) => inner.write(object, ops),
  };
}
