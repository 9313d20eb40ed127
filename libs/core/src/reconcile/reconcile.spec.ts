import type { AppName, RawFields, SyncSpec } from '../model.js';
import { flattenMapped } from '../mapping/read.js';
import { link, member, observed } from '../testing/fixtures.js';
import { simSpec } from '../testing/sim-spec.js';
import { reconcile } from './reconcile.js';

const spec: SyncSpec = simSpec();
const raw = (app: AppName, values: RawFields): RawFields => flattenMapped(spec, app, values);
const NOW = 5_000;

const crm0 = { email: 'ada@example.test', firstname: 'Ada', phone: '+12125550101', code: 'AB', lifecyclestage: 'lead', plan_tier: 'pro' };
const desk0 = {
  email: 'ada@example.test',
  'user_fields.first_name': 'Ada',
  phone: '(212) 555-0101',
  'user_fields.code': 'AB',
  'user_fields.stage': 'Lead',
  'user_fields.plan': 'pro',
  'user_fields.display': 'Ada (AB)',
  tags: [],
};
const agreed0 = { email: 'ada@example.test', first_name: 'Ada', phone: '+12125550101', code: 'AB', stage: 'lead', plan: 'pro', tags: [] };

function settled(extra: { crm?: RawFields; desk?: RawFields } = {}) {
  return link(agreed0, [member('crm', 'c1', raw('crm', { ...crm0, ...extra.crm })), member('desk', 'd1', raw('desk', { ...desk0, ...extra.desk }))]);
}

describe('reconcile — stale reads, unmappable values, echoes (rules 1–3)', () => {
  it('does not echo a phone number the helpdesk reformatted', () => {
    const result = reconcile(spec, settled(), [observed('desk', 'd1', raw('desk', desk0)), observed('crm', 'c1', raw('crm', crm0))], NOW);
    expect(result.patches).toEqual([]);
    expect(result.agreedVersion).toBe(1);
  });

  it('drops a page read older than the webhook fetch already seen', () => {
    const state = settled();
    const old = observed('crm', 'c1', raw('crm', { ...crm0, firstname: 'Augusta' }), { version: '50' });
    const result = reconcile(spec, state, [old], NOW);
    expect(result.agreed.first_name).toBe('Ada');
    expect(result.flags.map((f) => f.kind)).toContain('stale');
  });

  it('does not clear the CRM stage when the helpdesk holds a stage with no map entry', () => {
    const result = reconcile(spec, settled(), [observed('desk', 'd1', raw('desk', { ...desk0, 'user_fields.stage': 'Bogus' }))], NOW);
    expect(result.agreed.stage).toBe('lead');
    expect(result.patches.find((p) => p.app === 'crm')).toBeUndefined();
    expect(result.flags).toContainEqual(expect.objectContaining({ kind: 'unmappable', app: 'desk', field: 'stage' }));
  });

  it('reverts a helpdesk edit of the plan, which flows only from the CRM', () => {
    const result = reconcile(spec, settled(), [observed('desk', 'd1', raw('desk', { ...desk0, 'user_fields.plan': 'enterprise' }))], NOW);
    expect(result.agreed.plan).toBe('pro');
    expect(result.patches).toEqual([expect.objectContaining({ app: 'desk', fields: { 'user_fields.plan': 'pro' } })]);
  });
});

describe('reconcile — first link (rule 4)', () => {
  it('a 2019 import does not overwrite the CRM on first link', () => {
    const state = link(agreed0, [member('crm', 'c1', raw('crm', crm0)), member('desk', 'd1', null, { ackedVersion: 0 })]);
    const imported = { ...desk0, 'user_fields.first_name': 'Augusta', phone: '(310) 555-0102' };
    const result = reconcile(spec, state, [observed('desk', 'd1', raw('desk', imported))], NOW);
    expect(result.agreed.first_name).toBe('Ada');
    expect(result.agreed.phone).toBe('+12125550101');
    const patch = result.patches.find((p) => p.app === 'desk');
    expect(patch?.fields).toMatchObject({ 'user_fields.first_name': 'Ada', phone: '+12125550101' });
  });

  it('a newly linked helpdesk fills a phone the CRM left empty', () => {
    const state = link({ ...agreed0, phone: null }, [member('crm', 'c1', raw('crm', { ...crm0, phone: null })), member('desk', 'd1', null, { ackedVersion: 0 })]);
    const result = reconcile(spec, state, [observed('desk', 'd1', raw('desk', desk0))], NOW);
    expect(result.agreed.phone).toBe('+12125550101');
    expect(result.explanations).toContainEqual(expect.objectContaining({ field: 'phone', sourceApp: 'desk', rule: 'first link: fills an empty field' }));
    expect(result.patches.find((p) => p.app === 'crm')?.fields).toEqual({ phone: '+12125550101' });
  });

  it('onLink prefer lets the newly linked app win where both hold values', () => {
    const preferring: SyncSpec = { ...spec, onLink: { kind: 'prefer', app: 'desk' } };
    const state = link(agreed0, [member('crm', 'c1', raw('crm', crm0)), member('desk', 'd1', null, { ackedVersion: 0 })]);
    const result = reconcile(preferring, state, [observed('desk', 'd1', raw('desk', { ...desk0, 'user_fields.first_name': 'Augusta' }))], NOW);
    expect(result.agreed.first_name).toBe('Augusta');
    expect(result.patches.find((p) => p.app === 'crm')?.fields).toEqual({ firstname: 'Augusta' });
  });
});

describe('reconcile — one change, equal changes, patches (rules 5, 8)', () => {
  it('a CRM edit becomes agreed and reaches the helpdesk in its own format', () => {
    const result = reconcile(spec, settled(), [observed('crm', 'c1', raw('crm', { ...crm0, phone: '+13105550102' }))], NOW);
    expect(result.agreed.phone).toBe('+13105550102');
    expect(result.agreedVersion).toBe(2);
    expect(result.fieldMeta.phone).toEqual({ changedAt: NOW, sourceApp: 'crm', rule: 'changed in one app' });
    expect(result.patches).toEqual([expect.objectContaining({ app: 'desk', op: 'update', fields: { phone: '+13105550102' } })]);
  });

  it('two apps typing the same first name is not a conflict', () => {
    const result = reconcile(
      spec,
      settled(),
      [observed('crm', 'c1', raw('crm', { ...crm0, firstname: 'Grace' })), observed('desk', 'd1', raw('desk', { ...desk0, 'user_fields.first_name': 'Grace' }))],
      NOW,
    );
    expect(result.agreed.first_name).toBe('Grace');
    expect(result.explanations[0]?.rule).toBe('changed to the same value in several apps');
    expect(result.patches.flatMap((p) => Object.keys(p.fields))).toEqual(['user_fields.display']);
  });

  it("does not rewrite the CRM's mql because the helpdesk's Lead stands for it", () => {
    const state = settled({ crm: { lifecyclestage: 'mql' } });
    state.agreed = { ...agreed0, stage: 'mql' };
    const result = reconcile(spec, { ...state, agreedVersion: 2 }, [observed('desk', 'd1', raw('desk', desk0)), observed('crm', 'c1', raw('crm', { ...crm0, lifecyclestage: 'mql' }))], NOW);
    expect(result.patches).toEqual([]);
  });

  it('writes a changed first name into the helpdesk display template', () => {
    const result = reconcile(spec, settled(), [observed('crm', 'c1', raw('crm', { ...crm0, firstname: 'Grace' }))], NOW);
    expect(result.patches.find((p) => p.app === 'desk')?.fields).toEqual({ 'user_fields.first_name': 'Grace', 'user_fields.display': 'Grace (AB)' });
  });
});

describe('reconcile — repair and creates (rules 8, 9)', () => {
  it('re-patches a member whose last write was never acknowledged', () => {
    const state = settled({ desk: { phone: '(212) 555-0101' } });
    state.agreed = { ...agreed0, phone: '+13105550102' };
    state.agreedVersion = 3;
    state.members = state.members.map((m) => (m.app === 'desk' ? { ...m, ackedVersion: 2 } : { ...m, ackedVersion: 3, shadow: raw('crm', { ...crm0, phone: '+13105550102' }) }));
    const result = reconcile(spec, state, [], NOW);
    expect(result.patches).toEqual([expect.objectContaining({ app: 'desk', fields: { phone: '+13105550102' } })]);
  });

  it('never subscribes a person to the email tool, but creates them in the helpdesk with onCreate values', () => {
    const state = link({}, [member('crm', 'c1', null, { ackedVersion: 0 })], { agreedVersion: 0 });
    const result = reconcile(spec, state, [observed('crm', 'c1', raw('crm', crm0))], NOW);
    expect(result.patches.map((p) => [p.app, p.op])).toEqual([['desk', 'create']]);
    expect(result.patches[0]?.fields).toMatchObject({ email: 'ada@example.test', name: 'Ada', 'user_fields.display': 'Ada (AB)' });
    expect(result.members.map((m) => m.app)).toEqual(['crm', 'desk']);
  });
});

describe('reconcile — a create found again by key after a crash', () => {
  it('keeps an edit the app received after our create landed, instead of treating the record as a first link', () => {
    const pendingDesk = member('desk', null, null, { pending: [{ agreedVersion: 1, op: 'create', fields: raw('desk', desk0) }] });
    const state = link(agreed0, [member('crm', 'c1', raw('crm', crm0)), pendingDesk]);
    const edited = observed('desk', 'd9', raw('desk', { ...desk0, 'user_fields.first_name': 'Augusta' }));
    const result = reconcile(spec, state, [edited], NOW);
    expect(result.agreed.first_name).toBe('Augusta');
    expect(result.patches.find((p) => p.app === 'crm')?.canonical.first_name).toBe('Augusta');
    expect(result.members.find((m) => m.app === 'desk')?.externalId).toBe('d9');
  });
});
