import type { AppName, FieldSpec, RawFields, SyncSpec } from '../model.js';
import { flattenMapped } from '../mapping/read.js';
import { link, member, observed } from '../testing/fixtures.js';
import { simSpec } from '../testing/sim-spec.js';
import { applyResult } from './apply.js';
import { reconcile, resolveConflict } from './reconcile.js';

const base: SyncSpec = simSpec();
const NOW = 9_000;
const crm0 = { email: 'ada@example.test', firstname: 'Ada', phone: '+12125550101', code: 'AB', lifecyclestage: 'lead', plan_tier: 'pro' };
const desk0 = { email: 'ada@example.test', 'user_fields.first_name': 'Ada', phone: '(212) 555-0101', 'user_fields.code': 'AB', 'user_fields.stage': 'Lead', 'user_fields.plan': 'pro', 'user_fields.display': 'Ada (AB)', tags: ['VIP', 'billing'] };
const mail0 = { email_address: 'ada@example.test', merge_fields: { FNAME: 'Ada' }, tags: ['vip', 'news'] };
const agreed0 = { email: 'ada@example.test', first_name: 'Ada', phone: '+12125550101', code: 'AB', stage: 'lead', plan: 'pro', tags: ['vip'] };

function withRule(field: string, rule: FieldSpec['rule']): SyncSpec {
  return { ...base, fields: base.fields.map((f) => (f.name === field ? { ...f, rule } : f)) };
}

function state(spec: SyncSpec) {
  const raw = (app: AppName, v: RawFields) => flattenMapped(spec, app, v);
  return link(agreed0, [member('crm', 'c1', raw('crm', crm0)), member('desk', 'd1', raw('desk', desk0)), member('mail', 'm1', raw('mail', mail0))]);
}

function firstNames(spec: SyncSpec, crm: string, mail: string, extra: { crm?: object; mail?: object } = {}) {
  return [
    observed('crm', 'c1', flattenMapped(spec, 'crm', { ...crm0, firstname: crm }), extra.crm ?? {}),
    observed('mail', 'm1', flattenMapped(spec, 'mail', { ...mail0, merge_fields: { FNAME: mail } }), extra.mail ?? {}),
  ];
}

describe('reconcile — conflicting edits (rule 6)', () => {
  it('last-write-wins takes the later field timestamp when every changer has one', () => {
    const result = reconcile(base, state(base), firstNames(base, 'Grace', 'Marie', { crm: { fieldUpdatedAt: { firstname: 10 } }, mail: { fieldUpdatedAt: { 'merge_fields.FNAME': 20 } } }), NOW);
    expect(result.agreed.first_name).toBe('Marie');
    expect(result.explanations[0]).toMatchObject({ sourceApp: 'mail', rule: 'last-write-wins (field timestamps)', timestamps: { crm: 10, mail: 20 } });
  });

  it('record timestamps within the skew tolerance fall back to authority', () => {
    const result = reconcile(base, state(base), firstNames(base, 'Grace', 'Marie', { crm: { updatedAt: 100 }, mail: { updatedAt: 101 } }), NOW);
    expect(result.agreed.first_name).toBe('Grace');
    expect(result.explanations[0]?.rule).toBe('last-write-wins (record timestamps within skew → authority)');
  });

  it('record timestamps are not used unless the config says so', () => {
    const spec = withRule('first_name', { kind: 'last-write-wins', recordTimestamps: false, skewMs: 0 });
    const result = reconcile(spec, state(spec), firstNames(spec, 'Grace', 'Marie', { crm: { updatedAt: 100 }, mail: { updatedAt: 900 } }), NOW);
    expect(result.agreed.first_name).toBe('Grace');
    expect(result.explanations[0]?.rule).toBe('authority (no comparable timestamps)');
  });

  it('prefer: the helpdesk code wins over a concurrent CRM edit', () => {
    const result = reconcile(
      base,
      state(base),
      [observed('crm', 'c1', flattenMapped(base, 'crm', { ...crm0, code: 'cd' })), observed('desk', 'd1', flattenMapped(base, 'desk', { ...desk0, 'user_fields.code': 'GH' }))],
      NOW,
    );
    expect(result.agreed.code).toBe('GH');
    expect(result.patches.find((p) => p.app === 'crm')?.fields).toMatchObject({ code: 'GH' });
  });

  it('keep-non-empty: clearing the phone loses to a concurrent new number', () => {
    const result = reconcile(
      base,
      state(base),
      [observed('crm', 'c1', flattenMapped(base, 'crm', { ...crm0, phone: null })), observed('desk', 'd1', flattenMapped(base, 'desk', { ...desk0, phone: '(415) 555-0104' }))],
      NOW,
    );
    expect(result.agreed.phone).toBe('+14155550104');
    expect(result.patches.find((p) => p.app === 'crm')?.fields).toEqual({ phone: '+14155550104' });
  });

  it('manual: concurrent edits open one conflict, freeze the field, and a resolution patches every app', () => {
    const spec = withRule('first_name', { kind: 'manual' });
    const start = state(spec);
    const opened = reconcile(spec, start, firstNames(spec, 'Grace', 'Marie'), NOW);
    expect(opened.conflicts).toEqual([{ field: 'first_name', action: 'open', candidates: { crm: 'Grace', mail: 'Marie' } }]);
    expect(opened.patches.filter((p) => 'user_fields.first_name' in p.fields || 'firstname' in p.fields)).toEqual([]);
    expect(opened.agreed.first_name).toBe('Ada');
    const frozen = applyResult(start, opened, NOW);
    const again = reconcile(spec, frozen, [observed('mail', 'm1', flattenMapped(spec, 'mail', { ...mail0, merge_fields: { FNAME: 'Marion' } }), { version: '300' })], NOW + 1);
    expect(again.conflicts).toEqual([{ field: 'first_name', action: 'update', candidates: { crm: 'Grace', mail: 'Marion' } }]);
    expect(again.patches).toEqual([]);
    const resolved = resolveConflict(spec, applyResult(frozen, again, NOW + 1), 'first_name', { app: 'crm' }, NOW + 2);
    expect(resolved.agreed.first_name).toBe('Grace');
    expect(resolved.conflicts[0]?.action).toBe('close');
    expect(resolved.patches.map((p) => p.app).sort()).toEqual(['desk', 'mail']);
  });
});

describe('reconcile — sets (rule 7)', () => {
  it('a tag added in the helpdesk and another removed in the email tool merge per element', () => {
    const result = reconcile(
      base,
      state(base),
      [observed('desk', 'd1', flattenMapped(base, 'desk', { ...desk0, tags: ['VIP', 'CHURN-RISK', 'billing'] })), observed('mail', 'm1', flattenMapped(base, 'mail', { ...mail0, tags: ['news'] }))],
      NOW,
    );
    expect(result.agreed.tags).toEqual(['churn-risk']);
    expect(result.patches.find((p) => p.app === 'desk')?.fields).toEqual({ tags: ['CHURN-RISK', 'billing'] });
    expect(result.patches.find((p) => p.app === 'mail')?.fields).toEqual({ tags: ['news', 'churn-risk'] });
  });

  it('an add wins over a concurrent remove of the same tag', () => {
    const spec = base;
    const start = state(spec);
    // Agreed holds vip; the helpdesk has it, the email tool's shadow does not.
    start.members = start.members.map((m) =>
      m.app === 'mail' ? { ...m, shadow: flattenMapped(spec, 'mail', { ...mail0, tags: ['news'] }) } : m.app === 'desk' ? { ...m, shadow: flattenMapped(spec, 'desk', { ...desk0, tags: ['VIP'] }) } : m,
    );
    const result = reconcile(spec, start, [observed('desk', 'd1', flattenMapped(spec, 'desk', { ...desk0, tags: [] })), observed('mail', 'm1', flattenMapped(spec, 'mail', { ...mail0, tags: ['news', 'VIP'] }))], NOW);
    expect(result.agreed.tags).toEqual(['vip']);
  });

  it('leaves tags outside only: untouched in every app', () => {
    const result = reconcile(base, state(base), [observed('mail', 'm1', flattenMapped(base, 'mail', { ...mail0, tags: ['news', 'vip', 'churn-risk', 'promo'] }))], NOW);
    expect(result.agreed.tags).toEqual(['churn-risk', 'vip']);
    expect(result.patches).toEqual([expect.objectContaining({ app: 'desk', fields: { tags: ['VIP', 'billing', 'churn-risk'] } })]);
  });
});
