/** The cycle's chunk saves: many links per transaction must mean exactly what one save per link means. */
import type { LinkState, MemberState } from '@tandem/core';
import type { Ledger } from '@tandem/ledger';
import { ledgerTargets, useTestLedger } from './targets.js';

const targets = await ledgerTargets();

function member(app: string, externalId: string | null, extra: Partial<MemberState> = {}): MemberState {
  return { app, externalId, shadow: null, appVersion: null, ackedVersion: 0, pending: [], deleted: false, ...extra };
}

describe.each(targets)('bulk link saves on %s', (target) => {
  const ledgerOf = useTestLedger(target);
  let ledger: Ledger;
  beforeAll(() => {
    ledger = ledgerOf();
  });

  it('creates many links with members and match keys in one call, findable by member and by key', async () => {
    const ids = await ledger.links.createMany(
      'bulk-a',
      Array.from({ length: 250 }, (_, i) => ({
        agreed: { email: `p${i}@example.test` },
        agreedVersion: 1,
        members: [member('crm', `c-${i}`, { shadow: { email: `p${i}@example.test` }, ackedVersion: 1 }), member('desk', null, { pending: [{ agreedVersion: 1, op: 'create', fields: { email: `p${i}@example.test` } }] })],
        matchKeys: { crm: [{ field: 'email', value: `p${i}@example.test` }] },
      })),
    );
    expect(new Set(ids).size).toBe(250);
    const loaded = await ledger.links.loadByMember('bulk-a', 'crm', 'c-17');
    expect(loaded?.linkId).toBe(ids[17]);
    expect(loaded?.members.find((m) => m.app === 'desk')?.pending).toHaveLength(1);
    const hits = await ledger.links.matchKeyHits('bulk-a', [{ field: 'email', value: 'p42@example.test' }]);
    expect(hits.map((h) => h.linkId)).toEqual([ids[42]]);
    expect((await ledger.links.needingRepair('bulk-a')).length).toBe(250);
  });

  it('saves many links at once exactly as single saves would, keeping match keys when none are given', async () => {
    const ids = await ledger.links.createMany('bulk-b', [0, 1, 2].map((i) => ({ agreedVersion: 1, members: [member('crm', `b-${i}`)], matchKeys: { crm: [{ field: 'email', value: `b${i}@example.test` }] } })));
    const states: LinkState[] = ids.map((linkId, i) => ({
      linkId,
      agreed: { email: `b${i}@example.test`, tags: ['vip'] },
      fieldMeta: { email: { changedAt: 5, sourceApp: 'crm', rule: 'first link' } },
      agreedVersion: 2,
      members: [member('crm', `b-${i}`, { shadow: { email: `b${i}@example.test` }, appVersion: '9', ackedVersion: 2 }), member('desk', `d-${i}`, { ackedVersion: 2 })],
      openConflicts: [],
      deleted: i === 2,
    }));
    await ledger.links.saveMany(states.map((state) => ({ sync: 'bulk-b', state, expectedVersion: 1, changes: [{ op: 'update', field: 'email', after: state.agreed.email }] })));
    const loaded = await ledger.links.loadMany(ids);
    expect(loaded.map((l) => ({ ...l, deleted: l.deleted === true }))).toEqual(states.map((s) => ({ ...s, deleted: s.deleted === true })));
    expect((await ledger.links.matchKeyHits('bulk-b', [{ field: 'email', value: 'b1@example.test' }])).map((h) => h.linkId)).toEqual([ids[1]]);
    expect((await ledger.audit.listByLink(ids[0] as string)).map((c) => c.after)).toEqual(['b0@example.test']);
    expect(await ledger.links.count('bulk-b')).toBe(2);
  });

  it('keeps every link when many callers create links at once (the engine runs workers concurrently)', async () => {
    const created = await Promise.all(Array.from({ length: 40 }, (_, i) => ledger.links.create('bulk-d', { members: [member('crm', `k-${i}`)] })));
    expect(new Set(created.map((l) => l.linkId)).size).toBe(40);
    expect(await ledger.links.count('bulk-d')).toBe(40);
  });

  it('remembers paused syncs for every instance sharing the ledger', async () => {
    await ledger.syncStates.setPaused('bulk-paused', true);
    await ledger.syncStates.setPaused('bulk-other', false);
    expect(await ledger.syncStates.pausedSyncs()).toContain('bulk-paused');
    expect(await ledger.syncStates.pausedSyncs()).not.toContain('bulk-other');
    await ledger.syncStates.setPaused('bulk-paused', false);
    expect(await ledger.syncStates.pausedSyncs()).not.toContain('bulk-paused');
  });

  it('answers lookups larger than the 65,535 bind parameters Postgres takes in one statement', async () => {
    await ledger.tombstones.addErasure('bulk-big', { field: 'email', value: 'gone@example.test' });
    const keys = Array.from({ length: 70_000 }, (_, i) => ({ field: 'email', value: `p${i}@example.test` }));
    keys.push({ field: 'email', value: 'gone@example.test' });
    expect(await ledger.tombstones.erasedKeys('bulk-big', keys)).toEqual([{ field: 'email', value: 'gone@example.test' }]);
    const ids = await ledger.links.createMany('bulk-big', [{ agreedVersion: 1 }]);
    const asked = [...Array.from({ length: 70_000 }, () => crypto.randomUUID()), ...ids];
    expect((await ledger.links.loadMany(asked)).map((l) => l.linkId)).toEqual(ids);
  }, 120_000);

  it('refuses the whole chunk when one link was saved by someone else since it was loaded', async () => {
    const ids = await ledger.links.createMany('bulk-c', [0, 1].map((i) => ({ agreedVersion: 1, members: [member('crm', `x-${i}`)] })));
    const [first, second] = await ledger.links.loadMany(ids);
    if (!first || !second) throw new Error('not created');
    await ledger.links.save({ sync: 'bulk-c', state: { ...second, agreedVersion: 2 }, expectedVersion: 1 });
    await expect(
      ledger.links.saveMany([
        { sync: 'bulk-c', state: { ...first, agreed: { a: 1 }, agreedVersion: 2 }, expectedVersion: 1 },
        { sync: 'bulk-c', state: { ...second, agreedVersion: 3 }, expectedVersion: 1 },
      ]),
    ).rejects.toMatchObject({ code: 'LEDGER_VERSION_CONFLICT' });
    expect((await ledger.links.load(first.linkId))?.agreed).toEqual({});
  });
});
