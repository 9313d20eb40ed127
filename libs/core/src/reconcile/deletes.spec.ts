import type { AppName, RawFields, SyncSpec } from '../model.js';
import { flattenMapped } from '../mapping/read.js';
import { link, member, observed } from '../testing/fixtures.js';
import { simSpec } from '../testing/sim-spec.js';
import { reconcile } from './reconcile.js';
import { settle } from './settle.js';

const base: SyncSpec = simSpec();
const NOW = 7_000;
const crm0 = { email: 'ada@example.test', firstname: 'Ada', phone: '+12125550101', code: 'AB', lifecyclestage: 'lead', plan_tier: 'pro' };
const desk0 = { email: 'ada@example.test', 'user_fields.first_name': 'Ada', phone: '(212) 555-0101', 'user_fields.code': 'AB', 'user_fields.stage': 'Lead', 'user_fields.plan': 'pro', 'user_fields.display': 'Ada (AB)', tags: [] };
const agreed0 = { email: 'ada@example.test', first_name: 'Ada', phone: '+12125550101', code: 'AB', stage: 'lead', plan: 'pro', tags: [] };
const raw = (app: AppName, v: RawFields) => flattenMapped(base, app, v);
const start = () => link(agreed0, [member('crm', 'c1', raw('crm', crm0)), member('desk', 'd1', raw('desk', desk0))]);

describe('reconcile — deletes (rule 10)', () => {
  it('archives the person in the CRM when the helpdesk deletes them', () => {
    const result = reconcile(base, start(), [observed('desk', 'd1', {}, { deleted: true })], NOW);
    expect(result.deleted).toBe(true);
    expect(result.patches).toEqual([{ app: 'crm', externalId: 'c1', op: 'archive', fields: {}, canonical: {} }]);
    expect(result.members.find((m) => m.app === 'desk')?.deleted).toBe(true);
  });

  it('propagates the delete when the sync says so', () => {
    const result = reconcile({ ...base, deletes: 'propagate' }, start(), [observed('desk', 'd1', {}, { deleted: true })], NOW);
    expect(result.patches.map((p) => p.op)).toEqual(['delete']);
  });

  it('deletes: ignore leaves the CRM alone and never re-creates the helpdesk user', () => {
    const result = reconcile({ ...base, deletes: 'ignore' }, start(), [observed('desk', 'd1', {}, { deleted: true })], NOW);
    expect(result.deleted).toBe(false);
    expect(result.patches).toEqual([]);
    expect(result.members.find((m) => m.app === 'desk')?.deleted).toBe(true);
  });

  it('a CRM edit concurrent with a helpdesk delete wins and re-creates the helpdesk user', () => {
    const result = reconcile(base, start(), [observed('desk', 'd1', {}, { deleted: true }), observed('crm', 'c1', raw('crm', { ...crm0, firstname: 'Grace' }))], NOW);
    expect(result.deleted).toBe(false);
    expect(result.agreed.first_name).toBe('Grace');
    expect(result.patches).toEqual([expect.objectContaining({ app: 'desk', op: 'create', externalId: null })]);
    expect(result.flags.map((f) => f.kind)).toContain('delete-conflict');
  });

  it('delete-wins archives despite the concurrent edit, and says so', () => {
    const result = reconcile({ ...base, onDeleteConflict: 'delete-wins' }, start(), [observed('desk', 'd1', {}, { deleted: true }), observed('crm', 'c1', raw('crm', { ...crm0, firstname: 'Grace' }))], NOW);
    expect(result.deleted).toBe(true);
    expect(result.flags.map((f) => f.kind)).toContain('delete-conflict');
  });

  it('a missing observation is never a delete', () => {
    const result = reconcile(base, start(), [], NOW);
    expect(result.deleted).toBe(false);
    expect(result.patches).toEqual([]);
  });
});

describe('settle and pending intents (rule 9, §6.4)', () => {
  it('reads the stored phone back and acknowledges the write without a rejection', () => {
    const state = start();
    state.agreedVersion = 2;
    state.members = state.members.map((m) => (m.app === 'desk' ? { ...m, pending: [{ agreedVersion: 2, op: 'update', fields: { phone: '+13105550102' } }] } : m));
    const { member: desk, flags } = settle(base, state, 'desk', { externalId: 'd1', version: '300', fields: { ...desk0, phone: '(310) 555-0102' } });
    expect(flags).toEqual([]);
    expect(desk.ackedVersion).toBe(2);
    expect(desk.pending).toEqual([]);
    expect(desk.shadow?.phone).toBe('(310) 555-0102');
  });

  it('flags a write the app stored differently as rejected', () => {
    const state = start();
    state.members = state.members.map((m) => (m.app === 'desk' ? { ...m, pending: [{ agreedVersion: 2, op: 'update', fields: { 'user_fields.first_name': 'Grace' } }] } : m));
    const { flags } = settle(base, state, 'desk', { externalId: 'd1', version: '300', fields: desk0 });
    expect(flags).toEqual([expect.objectContaining({ kind: 'rejected', app: 'desk', field: 'first_name' })]);
  });

  it('after a crash between write and settle, our own write does not compete with a real edit', () => {
    const state = start();
    state.agreed = { ...agreed0, code: 'CD' };
    state.agreedVersion = 2;
    // crm was the source of CD; the helpdesk got CD (stored uppercased) but the settle never ran.
    state.members = [
      member('crm', 'c1', raw('crm', { ...crm0, code: 'cd' }), { ackedVersion: 2 }),
      member('desk', 'd1', raw('desk', desk0), { ackedVersion: 1, pending: [{ agreedVersion: 2, op: 'update', fields: { 'user_fields.code': 'CD' } }] }),
    ];
    const result = reconcile(base, state, [observed('desk', 'd1', raw('desk', { ...desk0, 'user_fields.code': 'CD' })), observed('crm', 'c1', raw('crm', { ...crm0, code: 'Ef' }))], NOW);
    expect(result.agreed.code).toBe('EF');
    expect(result.patches).toEqual([expect.objectContaining({ app: 'desk', fields: expect.objectContaining({ 'user_fields.code': 'EF' }) })]);
  });
});
