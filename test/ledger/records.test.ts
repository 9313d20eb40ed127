import type { Ledger } from '@tandem/ledger';
import { LEDGER_TIMEOUT_MS, ledgerTargets, openTestLedger, TestClock, type TestLedger } from './targets.js';

const targets = await ledgerTargets();

describe.each(targets)('ledger conflicts, webhook events, tombstones and audit on %s', (target) => {
  let t: TestLedger;
  let ledger: Ledger;
  const clock = new TestClock();

  beforeAll(async () => {
    t = await openTestLedger(target, { clock: clock.now });
    ledger = t.ledger;
  }, LEDGER_TIMEOUT_MS);

  afterAll(async () => {
    await t?.dispose();
  }, LEDGER_TIMEOUT_MS);

  describe('conflicts', () => {
    it('keeps one open conflict per link and field, updating its candidates in place', async () => {
      const link = await ledger.links.create('contacts');
      await ledger.conflicts.open(link.linkId, 'phone', { crm: '+15550100', helpdesk: '+15550199' });
      clock.advance(1_000);
      await ledger.conflicts.open(link.linkId, 'phone', { crm: '+15550100', helpdesk: '+15550177' });
      await ledger.conflicts.open(link.linkId, 'plan', { crm: 'pro', helpdesk: 'team' });

      const open = await ledger.conflicts.listOpen({ linkId: link.linkId });
      expect(open.map((c) => [c.field, c.candidates])).toEqual([
        ['phone', { crm: '+15550100', helpdesk: '+15550177' }],
        ['plan', { crm: 'pro', helpdesk: 'team' }],
      ]);
      expect(open[0].openedAt.getTime()).toBe(clock.now().getTime() - 1_000);
    });

    it('refuses a second open row for the same field even through raw SQL', async () => {
      const link = await ledger.links.create('contacts');
      await ledger.conflicts.open(link.linkId, 'stage', { crm: 'Lead' });
      const insert = ledger.dataSource.query(
        `INSERT INTO "${ledger.schema}"."conflict" (id, link_id, field, candidates, status) VALUES (gen_random_uuid(), $1, 'stage', '{}', 'open')`,
        [link.linkId],
      );
      await expect(insert).rejects.toMatchObject({ code: '23505' });
    });

    it('opens a fresh conflict on a field whose previous one was resolved', async () => {
      const link = await ledger.links.create('contacts');
      await ledger.conflicts.open(link.linkId, 'phone', { crm: '1' });
      expect(await ledger.conflicts.resolve(link.linkId, 'phone', { by: 'admin', value: '1' })).toBe(true);
      expect(await ledger.conflicts.resolve(link.linkId, 'phone', { by: 'admin', value: '1' })).toBe(false);
      await ledger.conflicts.open(link.linkId, 'phone', { crm: '2' });

      const history = await ledger.conflicts.history(link.linkId);
      expect(history.map((c) => [c.status, c.candidates, c.resolution])).toEqual([
        ['resolved', { crm: '1' }, { by: 'admin', value: '1' }],
        ['open', { crm: '2' }, null],
      ]);
      expect((await ledger.links.load(link.linkId))?.openConflicts.map((c) => c.candidates)).toEqual([{ crm: '2' }]);
    });

    it('lists the open conflicts of one sync only', async () => {
      const mine = await ledger.links.create('billing');
      const theirs = await ledger.links.create('support');
      await ledger.conflicts.open(mine.linkId, 'vat', { crm: 'x' });
      await ledger.conflicts.open(theirs.linkId, 'vat', { crm: 'y' });
      expect((await ledger.conflicts.listOpen({ sync: 'billing' })).map((c) => c.linkId)).toEqual([mine.linkId]);
    });
  });

  describe('webhook events', () => {
    it('stores a redelivered event once and says which delivery was new', async () => {
      const event = {
        connection: 'crm',
        providerEventId: 'evt-1',
        headers: { 'x-sig': 'abc' },
        body: '{"objectId":1}',
      };
      const first = await ledger.webhookEvents.insert(event);
      const again = await ledger.webhookEvents.insert({ ...event, body: '{"objectId":1,"retry":true}' });
      const otherConnection = await ledger.webhookEvents.insert({ ...event, connection: 'mail' });

      expect(first.isNew).toBe(true);
      expect(again).toEqual({ id: first.id, isNew: false });
      expect(otherConnection.isNew).toBe(true);
      expect((await ledger.webhookEvents.get(first.id))?.body).toBe('{"objectId":1}');
    });

    it('hands out unprocessed events oldest first and drops them once processed', async () => {
      await ledger.webhookEvents.insert({ connection: 'helpdesk', providerEventId: 'h-2', body: 'b2' });
      clock.advance(10);
      await ledger.webhookEvents.insert({ connection: 'helpdesk', providerEventId: 'h-3', body: 'b3' });
      const pending = await ledger.webhookEvents.listUnprocessed({ connection: 'helpdesk' });
      expect(pending.map((e) => e.providerEventId)).toEqual(['h-2', 'h-3']);

      await ledger.webhookEvents.markProcessed(pending[0].id);
      await ledger.webhookEvents.markProcessed(pending[1].id, 'PARSE_FAILED');
      expect(await ledger.webhookEvents.listUnprocessed({ connection: 'helpdesk' })).toEqual([]);
      expect((await ledger.webhookEvents.get(pending[1].id))?.error).toBe('PARSE_FAILED');
    });
  });

  describe('tombstones', () => {
    it('remembers a deleted record by app id until an admin lifts it', async () => {
      const stone = await ledger.tombstones.addDelete('contacts', 'crm', 'c-77');
      expect((await ledger.tombstones.findByRecord('contacts', 'crm', 'c-77'))?.id).toBe(stone.id);
      expect(await ledger.tombstones.findByRecord('contacts', 'mail', 'c-77')).toBeNull();
      expect(await ledger.tombstones.lift(stone.id)).toBe(true);
      expect(await ledger.tombstones.lift(stone.id)).toBe(false);
      expect(await ledger.tombstones.findByRecord('contacts', 'crm', 'c-77')).toBeNull();
      expect((await ledger.tombstones.list('contacts', { includeLifted: true })).map((s) => s.id)).toContain(stone.id);
    });

    it('suppresses an erased person by keyed hash, never by the raw email', async () => {
      const key = { field: 'email', value: 'erased@example.test' };
      const stone = await ledger.tombstones.addErasure('contacts', key);
      expect(stone.keyHash).toBe(ledger.hashMatchKey(key));
      expect((await ledger.tombstones.findByKey('contacts', key))?.id).toBe(stone.id);
      expect(await ledger.tombstones.findByKey('contacts', { field: 'email', value: 'other@example.test' })).toBeNull();
      const raw: Array<{ row: string }> = await ledger.dataSource.query(
        `SELECT t::text AS row FROM "${ledger.schema}"."tombstone" t WHERE id = $1`,
        [stone.id],
      );
      expect(raw[0].row).not.toContain('erased');
    });
  });

  describe('audit', () => {
    it('appends changes and lists a link’s history in order', async () => {
      const link = await ledger.links.create('contacts');
      const run = await ledger.runs.start('contacts', 'manual');
      await ledger.audit.append([
        {
          runId: run.id,
          linkId: link.linkId,
          app: 'crm',
          op: 'update',
          field: 'plan',
          before: 'free',
          after: 'pro',
          rule: 'last-write-wins',
          decidedBy: { crm: 1_000, helpdesk: null },
        },
        {
          runId: run.id,
          linkId: link.linkId,
          app: 'helpdesk',
          op: 'update',
          field: 'tags',
          before: ['a'],
          after: ['a', 'vip'],
          rule: 'set-merge',
        },
      ]);
      const rows = await ledger.audit.listByLink(link.linkId);
      expect(rows.map((r) => [r.app, r.field, r.before, r.after, r.rule, r.decidedBy])).toEqual([
        ['crm', 'plan', 'free', 'pro', 'last-write-wins', { crm: 1_000, helpdesk: null }],
        ['helpdesk', 'tags', ['a'], ['a', 'vip'], 'set-merge', null],
      ]);
      expect(BigInt(rows[0].id) < BigInt(rows[1].id)).toBe(true);
      expect((await ledger.audit.listByRun(run.id)).length).toBe(2);
      expect((await ledger.audit.listByLink(link.linkId, { limit: 1 })).map((r) => r.field)).toEqual(['plan']);
    });

    it('erases a person’s values from the audit but keeps the shape of what happened', async () => {
      const link = await ledger.links.create('contacts');
      await ledger.audit.append([
        { linkId: link.linkId, op: 'update', field: 'email', before: 'a@example.test', after: 'b@example.test' },
      ]);
      expect(await ledger.audit.eraseValues(link.linkId)).toBe(1);
      const [row] = await ledger.audit.listByLink(link.linkId);
      expect([row.op, row.field, row.before, row.after]).toEqual(['update', 'email', null, null]);
    });
  });
});
