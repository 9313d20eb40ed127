import { jest } from '@jest/globals';
import type { AppName, RawFields, SyncSpec } from '../model.js';
import { flattenMapped } from '../mapping/read.js';
import { link, member, observed } from '../testing/fixtures.js';
import { simSpec } from '../testing/sim-spec.js';
import { phoneE164Transform } from '../transforms/phone-e164.js';
import { ReadingMemo, readingOf, sameRaw } from './readings.js';
import { reconcile } from './reconcile.js';
import type { MemberView } from './views.js';

const spec: SyncSpec = simSpec();
const raw = (app: AppName, values: RawFields): RawFields => flattenMapped(spec, app, values);
const NOW = 5_000;
const phoneField = spec.fields.find((f) => f.name === 'phone');
if (!phoneField) throw new Error('the sim spec has a phone field');
const phone = phoneField;

const crm0 = { email: 'ada@example.test', firstname: 'Ada', phone: '+12125550101', code: 'AB', lifecyclestage: 'lead', plan_tier: 'pro' };
const desk0 = { email: 'ada@example.test', 'user_fields.first_name': 'Ada', phone: '(212) 555-0101', 'user_fields.code': 'AB', 'user_fields.stage': 'Lead', 'user_fields.plan': 'pro', 'user_fields.display': 'Ada (AB)', tags: [] };
const agreed0 = { email: 'ada@example.test', first_name: 'Ada', phone: '+12125550101', code: 'AB', stage: 'lead', plan: 'pro', tags: [] };

function settled(desk: RawFields = desk0, deskExtra = {}) {
  return link(agreed0, [member('crm', 'c1', raw('crm', crm0)), member('desk', 'd1', raw('desk', desk), deskExtra)]);
}

describe('sameRaw — when a current value may be read as its shadow', () => {
  it.each([
    ['+12125550101', '+12125550101', true],
    [['vip', 'churn-risk'], ['vip', 'churn-risk'], true],
    [Number.NaN, Number.NaN, true],
    [null, null, true],
    [1, '1', false],
    [0, -0, false],
    [null, undefined, false],
    [['vip,churn-risk'], ['vip', 'churn-risk'], false],
    [['vip', 'churn-risk'], ['churn-risk', 'vip'], false],
    [['1'], [1], false],
  ])('%j and %j: %j', (a, b, same) => {
    expect(sameRaw(a, b)).toBe(same);
  });
});

describe('readings — a value the app still holds as its shadow', () => {
  afterEach(() => jest.restoreAllMocks());

  it('reads an unchanged phone once per member, not once per rule', () => {
    const toCanonical = jest.spyOn(phoneE164Transform, 'toCanonical');
    const result = reconcile(spec, settled(), [observed('crm', 'c1', raw('crm', crm0)), observed('desk', 'd1', raw('desk', desk0))], NOW);
    expect(result.patches).toEqual([]);
    expect(toCanonical).toHaveBeenCalledTimes(2);
  });

  it('takes an app that turned the number 1 into the text "1" as an edit (raw values compare by identity, not loosely)', () => {
    const state = link({ ...agreed0, first_name: 1 }, [member('crm', 'c1', raw('crm', { ...crm0, firstname: 1 })), member('desk', 'd1', raw('desk', { ...desk0, 'user_fields.first_name': 1 }))]);
    const result = reconcile(spec, state, [observed('crm', 'c1', raw('crm', { ...crm0, firstname: '1' }))], NOW);
    expect(result.agreed.first_name).toBe('1');
    expect(result.explanations).toContainEqual(expect.objectContaining({ field: 'first_name', sourceApp: 'crm' }));
  });

  it('still repairs an app that holds its shadow but is behind the agreed value (its shadow is not assumed agreed)', () => {
    const oldDesk = { ...desk0, phone: '(212) 555-0100' };
    const state = settled(oldDesk, { ackedVersion: 0 });
    const result = reconcile(spec, state, [observed('desk', 'd1', raw('desk', oldDesk))], NOW);
    expect(result.agreed.phone).toBe('+12125550101');
    expect(result.patches).toContainEqual(expect.objectContaining({ app: 'desk', op: 'update', canonical: expect.objectContaining({ phone: '+12125550101' }) }));
  });

  it('reads a shadow under the mapping of this call: a value the new region cannot read is flagged, not trusted', () => {
    // Recorded while the helpdesk's phones were read as British; the mapping now reads them as American.
    const british = { ...desk0, phone: '020 7946 0958' };
    const state = link({ ...agreed0, phone: '+442079460958' }, [member('crm', 'c1', raw('crm', { ...crm0, phone: '+442079460958' })), member('desk', 'd1', raw('desk', british))]);
    const result = reconcile(spec, state, [observed('desk', 'd1', raw('desk', british))], NOW);
    expect(result.agreed.phone).toBe('+442079460958');
    expect(result.flags).toContainEqual(expect.objectContaining({ kind: 'unmappable', app: 'desk', field: 'phone' }));
  });

  it('shares the shadow outcome when the value is unchanged, and reads a changed value on its own', () => {
    const view: MemberView = { member: member('desk', 'd1', raw('desk', desk0)), obs: observed('desk', 'd1', raw('desk', desk0)) };
    const same = readingOf(view, phone, phone.apps.desk ?? phone.apps.crm!);
    expect(same.cur).toBe(same.shadow);
    expect(same.diverged).toBe(false);
    const edited: MemberView = { ...view, obs: observed('desk', 'd1', raw('desk', { ...desk0, phone: '(212) 555-0199' })) };
    const moved = readingOf(edited, phone, phone.apps.desk!);
    expect(moved.cur).toEqual({ ok: true, value: '+12125550199' });
    expect(moved.changed).toBe(true);
  });
});

describe('ReadingMemo — one reading per view and field in a call', () => {
  it('gives the same reading for the same view, and reads a replaced view afresh', () => {
    const memo = new ReadingMemo();
    const appSpec = phone.apps.desk!;
    const view: MemberView = { member: member('desk', 'd1', raw('desk', desk0)), obs: observed('desk', 'd1', raw('desk', { ...desk0, phone: '(212) 555-0199' })) };
    const first = memo.of(view, phone, appSpec);
    expect(memo.of(view, phone, appSpec)).toBe(first);
    const replaced: MemberView = { member: { ...view.member, deleted: true }, obs: null };
    const again = memo.of(replaced, phone, appSpec);
    expect(again).not.toBe(first);
    expect(again.cur).toBeNull();
  });
});
