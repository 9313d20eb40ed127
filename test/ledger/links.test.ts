import fc from 'fast-check';
import type { LinkState, MemberState } from '@tandem/core';
import { LedgerError, type Ledger } from '@tandem/ledger';
import { LEDGER_TIMEOUT_MS, ledgerTargets, openTestLedger, type TestLedger } from './targets.js';

const targets = await ledgerTargets();

function member(app: string, externalId: string | null, extra: Partial<MemberState> = {}): MemberState {
  return { app, externalId, shadow: null, appVersion: null, ackedVersion: 0, pending: [], deleted: false, ...extra };
}

describe.each(targets)('ledger links on %s', (target) => {
  let t: TestLedger;
  let ledger: Ledger;

  beforeAll(async () => {
    t = await openTestLedger(target);
    ledger = t.ledger;
  }, LEDGER_TIMEOUT_MS);

  afterAll(async () => {
    await t?.dispose();
  }, LEDGER_TIMEOUT_MS);

  it('returns a reconciled link exactly as it was saved: agreed, field meta, shadows, intents and conflicts', async () => {
    const created = await ledger.links.create('contacts', { members: [member('crm', 'c-1')] });
    const state: LinkState = {
      linkId: created.linkId,
      agreed: { email: 'ada@example.test', tags: ['churn-risk', 'vip'], score: 7, active: true, phone: null },
      fieldMeta: { email: { changedAt: 1_767_000_000_000, sourceApp: 'crm', rule: 'first-link' } },
      agreedVersion: 3,
      members: [
        member('crm', 'c-1', {
          shadow: { email: 'Ada@Example.test', 'properties.score': '7' },
          appVersion: '1767000000000',
          ackedVersion: 3,
          fieldUpdatedAt: { email: 1_767_000_000_000 },
        }),
        member('helpdesk', null, {
          ackedVersion: 2,
          pending: [{ agreedVersion: 3, op: 'create', fields: { email: 'ada@example.test', name: 'Ada L' } }],
        }),
      ],
      openConflicts: [{ field: 'phone', candidates: { crm: '+15550100', helpdesk: '+15550199' }, openedAt: 0 }],
      deleted: false,
    };
    await ledger.links.save({
      sync: 'contacts',
      state,
      expectedVersion: 0,
      conflicts: [{ field: 'phone', action: 'open', candidates: { crm: '+15550100', helpdesk: '+15550199' } }],
    });

    const loaded = await ledger.links.load(created.linkId);
    expect(loaded).toEqual({ ...state, openConflicts: [{ ...state.openConflicts[0], openedAt: expect.any(Number) }] });
    expect(await ledger.links.loadByMember('contacts', 'crm', 'c-1')).toEqual(loaded);
    expect(await ledger.links.loadByMember('contacts', 'crm', 'c-404')).toBeNull();
  });

  it('keeps any agreed record and shadow values intact through save and load', async () => {
    const jsonText = fc.string().filter((s) => !s.includes('\u0000'));
    const scalar = fc.oneof(jsonText, fc.integer(), fc.boolean(), fc.constant(null));
    const value = fc.oneof(
      scalar,
      fc.uniqueArray(jsonText).map((a) => [...a].sort()),
    );
    const record = fc.dictionary(jsonText, value, { maxKeys: 6 });
    const link = await ledger.links.create('contacts');
    let version = 0;
    await fc.assert(
      fc.asyncProperty(record, record, async (agreed, shadow) => {
        version += 1;
        const state: LinkState = {
          linkId: link.linkId,
          agreed,
          fieldMeta: {},
          agreedVersion: version,
          members: [member('mail', `m-${link.linkId}`, { shadow, ackedVersion: version })],
          openConflicts: [],
          deleted: false,
        };
        await ledger.links.save({ sync: 'contacts', state, expectedVersion: version - 1 });
        expect(await ledger.links.load(link.linkId)).toEqual(state);
      }),
      { numRuns: 25 },
    );
  });

  it('refuses a second link claiming an app record another link already holds, and writes none of that save', async () => {
    await ledger.links.create('contacts', { members: [member('crm', 'c-dup')] });
    const other = await ledger.links.create('contacts');
    const attempt = ledger.links.save({
      sync: 'contacts',
      state: { ...other, agreed: { plan: 'pro' }, agreedVersion: 1, members: [member('crm', 'c-dup')] },
      changes: [{ op: 'update', field: 'plan', before: null, after: 'pro', rule: 'first-link' }],
    });
    await expect(attempt).rejects.toMatchObject({ code: 'LEDGER_MEMBER_TAKEN' });
    await expect(attempt).rejects.toBeInstanceOf(LedgerError);
    expect((await ledger.links.load(other.linkId))?.agreed).toEqual({});
    expect(await ledger.audit.listByLink(other.linkId)).toEqual([]);
  });

  it('lets the same app record id live in two different syncs', async () => {
    const a = await ledger.links.create('contacts', { members: [member('crm', 'shared-7')] });
    const b = await ledger.links.create('companies', { members: [member('crm', 'shared-7')] });
    expect((await ledger.links.loadByMember('contacts', 'crm', 'shared-7'))?.linkId).toBe(a.linkId);
    expect((await ledger.links.loadByMember('companies', 'crm', 'shared-7'))?.linkId).toBe(b.linkId);
  });

  it('refuses a save based on a version someone else already moved past', async () => {
    const link = await ledger.links.create('contacts');
    await ledger.links.save({ sync: 'contacts', state: { ...link, agreedVersion: 1 }, expectedVersion: 0 });
    await expect(
      ledger.links.save({ sync: 'contacts', state: { ...link, agreedVersion: 1 }, expectedVersion: 0 }),
    ).rejects.toMatchObject({ code: 'LEDGER_VERSION_CONFLICT' });
  });

  it('finds links by normalised match key without ever storing the raw email', async () => {
    const email = { field: 'email', value: 'grace@example.test' };
    const link = await ledger.links.create('contacts', {
      members: [member('crm', 'c-grace'), member('mail', 'm-grace')],
      matchKeys: { crm: [email], mail: [email, { field: 'phone', value: '+15550123' }] },
    });

    const found = await ledger.links.findByMatchKey('contacts', email);
    expect(found.map((l) => l.linkId)).toEqual([link.linkId]);
    const hits = await ledger.links.matchKeyHits('contacts', [email, { field: 'email', value: 'nobody@example.test' }]);
    expect(hits.map((h) => [h.app, h.externalId, h.key.value])).toEqual([
      ['crm', 'c-grace', 'grace@example.test'],
      ['mail', 'm-grace', 'grace@example.test'],
    ]);
    expect(await ledger.links.findByMatchKey('other-sync', email)).toEqual([]);
    // The same string under another key name is another key.
    expect(await ledger.links.findByMatchKey('contacts', { field: 'username', value: email.value })).toEqual([]);

    const stored: Array<{ keys: string[] }> = await ledger.dataSource.query(
      `SELECT match_keys AS keys FROM "${ledger.schema}"."link_member" WHERE link_id = $1`,
      [link.linkId],
    );
    const all = stored.flatMap((r) => r.keys);
    expect(all).toContain(ledger.hashMatchKey(email));
    expect(all.join(' ')).not.toContain('grace');
  });

  it('reports two links sharing a key as two hits so the duplicate can be flagged, not merged', async () => {
    const key = { field: 'email', value: 'twin@example.test' };
    const first = await ledger.links.create('contacts', {
      members: [member('crm', 'c-t1')],
      matchKeys: { crm: [key] },
    });
    const second = await ledger.links.create('contacts', {
      members: [member('crm', 'c-t2')],
      matchKeys: { crm: [key] },
    });
    const found = await ledger.links.findByMatchKey('contacts', key);
    expect(found.map((l) => l.linkId).sort()).toEqual([first.linkId, second.linkId].sort());
  });

  it('stops matching a deleted link but still loads it as deleted', async () => {
    const key = { field: 'email', value: 'gone@example.test' };
    const link = await ledger.links.create('contacts', {
      members: [member('crm', 'c-gone')],
      matchKeys: { crm: [key] },
    });
    await ledger.links.save({ sync: 'contacts', state: { ...link, agreedVersion: 1, deleted: true } });
    expect(await ledger.links.findByMatchKey('contacts', key)).toEqual([]);
    expect((await ledger.links.load(link.linkId))?.deleted).toBe(true);
  });

  it('moves a member to its new id when the app rekeys a record', async () => {
    const link = await ledger.links.create('contacts', { members: [member('mail', 'md5-old')] });
    expect(await ledger.links.rekeyMember('contacts', 'mail', 'md5-old', 'md5-new')).toBe(true);
    expect(await ledger.links.loadByMember('contacts', 'mail', 'md5-old')).toBeNull();
    expect((await ledger.links.loadByMember('contacts', 'mail', 'md5-new'))?.linkId).toBe(link.linkId);
    expect(await ledger.links.rekeyMember('contacts', 'mail', 'md5-old', 'md5-x')).toBe(false);
  });

  it('lists the live member ids of one app for complete-read delete detection', async () => {
    await ledger.links.create('roster', { members: [member('helpdesk', 'h-2'), member('crm', 'c-9')] });
    await ledger.links.create('roster', { members: [member('helpdesk', 'h-1')] });
    await ledger.links.create('roster', { members: [member('helpdesk', 'h-3', { deleted: true })] });
    expect(await ledger.links.memberIds('roster', 'helpdesk')).toEqual(['h-1', 'h-2']);
  });

  it('saves audit rows and closes a conflict in the same save as the link', async () => {
    const link = await ledger.links.create('contacts', { members: [member('crm', 'c-audit')] });
    await ledger.conflicts.open(link.linkId, 'plan', { crm: 'pro', helpdesk: 'team' });
    await ledger.links.save({
      sync: 'contacts',
      state: { ...link, agreed: { plan: 'pro' }, agreedVersion: 1 },
      changes: [{ app: 'helpdesk', op: 'update', field: 'plan', before: 'team', after: 'pro', rule: 'manual' }],
      conflicts: [{ field: 'plan', action: 'close', candidates: { crm: 'pro' } }],
    });
    expect((await ledger.links.load(link.linkId))?.openConflicts).toEqual([]);
    const audit = await ledger.audit.listByLink(link.linkId);
    expect(audit.map((c) => [c.linkId, c.field, c.before, c.after])).toEqual([[link.linkId, 'plan', 'team', 'pro']]);
  });
});
