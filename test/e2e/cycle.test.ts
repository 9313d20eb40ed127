/**
 * The sync cycle end to end, on PGlite and on Postgres: three memory apps holding overlapping people.
 */
import { explainRecord, runCycle } from '@tandem/runtime';
import type { Ledger } from '@tandem/ledger';
import { ledgerTargets, useTestLedger } from '../ledger/targets.js';
import { CONTACTS, duplicateEmails, findByEmail, live, makeWorld, specFrom, writesOf, type World } from './world.js';

const targets = await ledgerTargets();

function seedOverlap(w: World): void {
  w.crm.userCreate({ email: 'ada@example.test', firstname: 'Ada', lastname: 'Lovelace', phone: '+442079460000' });
  w.crm.userCreate({ email: 'alan@example.test', firstname: 'Alan', lastname: 'Turing' });
  w.mail.userCreate({ email: 'ADA@example.test ', firstname: 'Ada', tags: ['vip'] });
  w.mail.userCreate({ email: 'grace@example.test', firstname: 'Grace', lastname: 'Hopper' });
  w.desk.userCreate({ email: 'alan@example.test', firstname: 'Alan', lastname: 'Turing', tags: ['churn-risk'] });
  w.desk.userCreate({ email: 'edsger@example.test', firstname: 'Edsger' });
}

describe.each(targets)('the sync cycle on %s', (target) => {
  const ledgerOf = useTestLedger(target);
  let ledger: Ledger;
  beforeAll(() => {
    ledger = ledgerOf();
  });

  it('links overlapping people on the first sync and creates the missing ones with no duplicate anywhere', async () => {
    const w = makeWorld(ledger);
    seedOverlap(w);
    const first = await w.cycle();
    expect(first.status).toBe('succeeded');
    expect(duplicateEmails(w.crm)).toEqual([]);
    expect(duplicateEmails(w.mail)).toEqual([]);
    expect(duplicateEmails(w.desk)).toEqual([]);
    // Everyone reaches the CRM and the helpdesk; the email tool (create: false) receives nobody new.
    expect(live(w.crm).map((r) => r.email).sort()).toEqual(['ada@example.test', 'alan@example.test', 'edsger@example.test', 'grace@example.test']);
    expect(live(w.desk)).toHaveLength(4);
    expect(live(w.mail)).toHaveLength(2);
    expect(first.apps.crm?.created).toBe(2);
    expect(first.apps.mail?.created).toBe(0);
    // The helpdesk learnt Ada's phone; the mail tool's tag reached the helpdesk.
    expect(findByEmail(w.desk, 'ada@example.test')?.fields.phone).toBe('+44 2079460000');
    expect(findByEmail(w.desk, 'ada@example.test')?.fields.tags).toEqual(['vip']);
    const second = await w.cycle();
    expect(writesOf(second)).toBe(0);
    expect(w.desk.effectiveWriteCount + w.crm.effectiveWriteCount + w.mail.effectiveWriteCount).toBeGreaterThan(0);
  });

  it('propagates edits made on each side, and a quiet cycle after them writes nothing', async () => {
    const w = makeWorld(ledger);
    seedOverlap(w);
    await w.cycle();
    const ada = findByEmail(w.crm, 'ada@example.test');
    const alanDesk = findByEmail(w.desk, 'alan@example.test');
    const adaMail = findByEmail(w.mail, 'ada@example.test');
    if (!ada || !alanDesk || !adaMail) throw new Error('seed missing');
    w.crm.userEdit(ada.id, { lastname: 'King' });
    w.desk.userEdit(alanDesk.id, { firstname: 'Alan M.' });
    w.mail.userEdit(adaMail.id, { tags: ['vip', 'beta'] });
    const report = await w.cycle();
    expect(report.status).toBe('succeeded');
    expect(findByEmail(w.mail, 'ada@example.test')?.fields.lastname).toBe('King');
    expect(findByEmail(w.desk, 'ada@example.test')?.fields.lastname).toBe('King');
    expect(findByEmail(w.crm, 'alan@example.test')?.fields.firstname).toBe('Alan M.');
    expect(findByEmail(w.desk, 'ada@example.test')?.fields.tags).toEqual(expect.arrayContaining(['vip', 'beta']));
    expect(writesOf(await w.cycle())).toBe(0);
  });

  it('resolves a concurrent edit by the configured rule, and explain says which app and rule decided', async () => {
    const w = makeWorld(ledger);
    seedOverlap(w);
    await w.cycle();
    const crmAda = findByEmail(w.crm, 'ada@example.test');
    const deskAda = findByEmail(w.desk, 'ada@example.test');
    if (!crmAda || !deskAda) throw new Error('seed missing');
    w.crm.userEdit(crmAda.id, { firstname: 'Augusta' });
    w.clock.advance(5000);
    w.desk.userEdit(deskAda.id, { firstname: 'Countess' });
    await w.cycle();
    // Default rule: last-write-wins on record timestamps is off without fieldTimestamps, so authority decides (crm first).
    const winner = findByEmail(w.crm, 'ada@example.test')?.fields.firstname;
    expect(findByEmail(w.desk, 'ada@example.test')?.fields.firstname).toBe(winner);
    expect(findByEmail(w.mail, 'ada@example.test')?.fields.firstname).toBe(winner);
    const view = await explainRecord(ledger, w.spec, { app: 'crm', id: crmAda.id });
    const change = view?.changes.filter((c) => c.field === 'first_name').at(-1);
    expect(change?.after).toBe(winner);
    expect(change?.rule).toEqual(expect.any(String));
    expect(change?.app).toEqual(expect.any(String));
    expect(view?.fieldMeta.first_name?.sourceApp).toBe(change?.app);
  });

  it('sends a failing record to retry, goes on with the others, and succeeds on a later cycle', async () => {
    const w = makeWorld(ledger);
    seedOverlap(w);
    w.crm.failNext((op) => op.op === 'create' && String((op.fields as Record<string, unknown>).email).startsWith('grace'), {
      code: 'VALIDATION',
      message: 'property email is invalid',
      retryable: true,
    });
    const first = await w.cycle();
    expect(first.status).toBe('failed');
    expect(first.apps.crm?.failed).toBe(1);
    expect(first.apps.crm?.created).toBe(1);
    expect(findByEmail(w.crm, 'grace@example.test')).toBeUndefined();
    const queued = (await ledger.retries.forSync(w.spec.name)).filter((r) => !r.dead);
    expect(queued).toHaveLength(1);
    expect(queued[0]?.lastErrorClass).toBe('VALIDATION');
    // Backoff: the retry is not due yet on the next cycle…
    const early = await w.cycle();
    expect(findByEmail(w.crm, 'grace@example.test')).toBeUndefined();
    expect(early.apps.crm?.created).toBe(0);
    // …and goes through once it is.
    await ledger.dataSource.query(`UPDATE "${ledger.schema}".retry SET next_at = now() - interval '1 minute'`);
    const later = await w.cycle();
    expect(later.apps.crm?.retried).toBe(1);
    expect(findByEmail(w.crm, 'grace@example.test')).toBeDefined();
    expect(await ledger.retries.forSync(w.spec.name)).toEqual([]);
    expect(duplicateEmails(w.crm)).toEqual([]);
  });

  it('converges after a crash between a write and the ledger commit with no duplicate and no second effective write', async () => {
    const w = makeWorld(ledger);
    seedOverlap(w);
    w.crm.crashAfterWrite((op) => op.op === 'create');
    const crashed = await w.cycle();
    expect(crashed.apps.crm?.failed).toBeGreaterThan(0);
    const createsSoFar = w.crm.effectiveWriteCount;
    await ledger.dataSource.query(`UPDATE "${ledger.schema}".retry SET next_at = now() - interval '1 minute'`);
    await w.cycle();
    expect(duplicateEmails(w.crm)).toEqual([]);
    expect(live(w.crm)).toHaveLength(4);
    // The create that landed before the crash was found by key, not made again: two people, two creates in all.
    expect(createsSoFar).toBe(1);
    expect(w.crm.effectiveWriteCount).toBe(2);
    expect(writesOf(await w.cycle())).toBe(0);
  });

  it('treats an email change as a rekey, not a delete and a create', async () => {
    const w = makeWorld(ledger);
    seedOverlap(w);
    await w.cycle();
    const mailAda = findByEmail(w.mail, 'ada@example.test');
    if (!mailAda) throw new Error('seed missing');
    w.mail.rekey(mailAda.id, 'mail-ada-2');
    const report = await w.cycle({ hints: [{ app: 'mail', hint: { kind: 'rekeyed', object: 'contacts', id: mailAda.id, newId: 'mail-ada-2' } }] });
    expect(report.apps.mail?.deleted).toBe(0);
    expect(report.apps.mail?.created).toBe(0);
    expect(await ledger.links.linkIdOfMember(w.spec.name, 'mail', 'mail-ada-2')).not.toBeNull();
    expect(live(w.crm)).toHaveLength(4);
  });

  it('plans without writing anything to any app or to the ledger', async () => {
    const w = makeWorld(ledger);
    seedOverlap(w);
    const before = { crm: w.crm.snapshot(), mail: w.mail.snapshot(), desk: w.desk.snapshot() };
    const runsBefore = (await ledger.runs.recent(w.spec.name)).length;
    const plan = await w.cycle({ mode: 'plan' });
    expect(plan.runId).toBeNull();
    expect(plan.apps.crm?.created).toBe(2);
    expect(plan.apps.desk?.created).toBe(2);
    expect({ crm: w.crm.snapshot(), mail: w.mail.snapshot(), desk: w.desk.snapshot() }).toEqual(before);
    expect(await ledger.links.count(w.spec.name)).toBe(0);
    expect((await ledger.runs.recent(w.spec.name)).length).toBe(runsBefore);
    await w.cycle();
    const after = await w.cycle({ mode: 'plan' });
    expect(writesOf(after)).toBe(0);
  });

  it('plans zero writes after a config edit that changes no values (a trim transform on trimmed names)', async () => {
    const w = makeWorld(ledger);
    seedOverlap(w);
    await w.cycle();
    const edited = specFrom(CONTACTS.replace('first_name: { crm: firstname, mail: firstname, desk: firstname }', 'first_name: { crm: firstname, mail: firstname, desk: firstname, transform: trim }'), w.spec.name);
    expect(edited.fields.find((f) => f.name === 'first_name')?.transform?.name).toBe('trim');
    const plan = await runCycle(edited, w.env, { mode: 'plan' });
    expect(plan.status).toBe('succeeded');
    expect(writesOf(plan)).toBe(0);
  });

  it('stops when an app that holds linked records suddenly reads empty, deleting nothing', async () => {
    const w = makeWorld(ledger);
    seedOverlap(w);
    await w.cycle();
    for (const r of w.desk.records()) w.desk.erase(r.id);
    const crmBefore = w.crm.snapshot();
    const report = await w.cycle({ full: true });
    expect(report.status).toBe('aborted');
    expect(report.error?.code).toBe('CYCLE_EMPTY_SIDE');
    expect(w.crm.snapshot()).toEqual(crmBefore);
  });

  it('holds a mass delete for approval and carries it out once approved', async () => {
    const w = makeWorld(ledger, CONTACTS_WITH_DELETES);
    seedOverlap(w);
    await w.cycle();
    for (const r of w.crm.records()) w.crm.userDelete(r.id);
    const held = await w.cycle();
    expect(held.status).toBe('held');
    expect(held.heldDeletes).toBe(4);
    expect(live(w.desk)).toHaveLength(4);
    const { approveRun } = await import('@tandem/runtime');
    const approved = await approveRun(held.runId as string, w.spec, w.env);
    expect(approved.status).toBe('succeeded');
    expect(live(w.desk)).toHaveLength(0);
    expect((await ledger.runs.get(held.runId as string))?.status).toBe('succeeded');
  });

  it('settles from a partial write echo without reading the records back, and stays quiet afterwards', async () => {
    const w = makeWorld(ledger);
    seedOverlap(w);
    const inner = w.connectors.desk;
    let fetches = 0;
    w.env.connectors.desk = {
      type: inner.type,
      capabilities: () => inner.capabilities(),
      check: () => inner.check(),
      describe: (o) => inner.describe(o),
      read: (o, c) => inner.read(o, c),
      findByKey: (o, k, v) => inner.findByKey(o, k, v),
      fetch: (o, ids) => {
        fetches += 1;
        return inner.fetch(o, ids);
      },
      // Like HubSpot: the response echoes the written fields as stored (reformatted), nothing else.
      write: async (o, ops) => {
        const results = await inner.write(o, ops);
        const stored = await inner.fetch(o, results.flatMap((r) => (r.status === 'ok' ? [r.id] : [])));
        return results.map((r, i) => {
          const op = ops[i];
          const record = r.status === 'ok' ? stored.find((x) => x.id === r.id) : undefined;
          if (!record || !op || op.op === 'delete' || op.op === 'archive') return r;
          const echoed = Object.fromEntries(Object.keys(op.fields).map((path) => [path, record.fields[path] ?? null]));
          return { ...r, record: { ...record, fields: echoed }, partial: true };
        });
      },
    };
    await w.cycle();
    expect(fetches).toBe(0);
    expect(findByEmail(w.desk, 'ada@example.test')?.fields.phone).toBe('+44 2079460000');
    expect(writesOf(await w.cycle())).toBe(0);
    expect(writesOf(await w.cycle({ full: true }))).toBe(0);
  });

  it('runs one cycle per sync at a time: a second contender is skipped', async () => {
    const w = makeWorld(ledger);
    seedOverlap(w);
    const [a, b] = await Promise.all([w.cycle(), w.cycle()]);
    expect([a.status, b.status].sort()).toEqual(['skipped', 'succeeded']);
    expect(duplicateEmails(w.crm)).toEqual([]);
  });
});

const CONTACTS_WITH_DELETES = `    members:
      crm: { object: contacts }
      mail: { object: contacts, create: false }
      desk: { object: contacts }
    match: [email]
    authority: [crm, desk, mail]
    deletes: propagate
    fields:
      email: { crm: email, mail: email, desk: email, transform: email }
      first_name: { crm: firstname, mail: firstname, desk: firstname }
`;
