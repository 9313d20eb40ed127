import type { FieldSpec, SyncSpec } from '../model.js';
import { simSpec } from '../testing/sim-spec.js';
import { expandPaths, getPath, setPath } from './path.js';
import { flattenMapped, toCanonical } from './read.js';
import { buildCreate, renderTemplate, toRaw } from './write.js';

const spec: SyncSpec = simSpec();

function withField(field: string, patch: Partial<FieldSpec>): SyncSpec {
  return { ...spec, fields: spec.fields.map((f) => (f.name === field ? { ...f, ...patch } : f)) };
}

describe('dotted paths', () => {
  it('reads a Mailchimp merge field nested or already flattened', () => {
    expect(getPath({ merge_fields: { FNAME: 'Ada' } }, 'merge_fields.FNAME')).toBe('Ada');
    expect(getPath({ 'merge_fields.FNAME': 'Ada' }, 'merge_fields.FNAME')).toBe('Ada');
    expect(getPath({ merge_fields: null }, 'merge_fields.FNAME')).toBeUndefined();
  });

  it('sets a nested path without touching the input record', () => {
    const before = { user_fields: { plan: 'free', stage: 'Lead' } };
    expect(setPath(before, 'user_fields.plan', 'pro')).toEqual({ user_fields: { plan: 'pro', stage: 'Lead' } });
    expect(before.user_fields.plan).toBe('free');
    expect(expandPaths({ 'merge_fields.FNAME': 'Ada', email_address: 'a@x.test' })).toEqual({ merge_fields: { FNAME: 'Ada' }, email_address: 'a@x.test' });
  });
});

describe('reading raw records', () => {
  it('shadows keep only the mapped paths, absent ones as null', () => {
    expect(flattenMapped(spec, 'mail', { email_address: 'a@x.test', merge_fields: { FNAME: 'Ada', LNAME: 'L' }, status: 'subscribed' })).toEqual({
      email_address: 'a@x.test',
      'merge_fields.FNAME': 'Ada',
      tags: null,
    });
  });

  it('reads the helpdesk national phone and mapped stage canonically', () => {
    const { values, unobserved } = toCanonical(spec, 'desk', { phone: '(212) 555-0101', 'user_fields.stage': 'Customer', tags: ['VIP', 'billing'], 'user_fields.code': 'ab' });
    expect(values).toMatchObject({ phone: '+12125550101', stage: 'customer', tags: ['vip'], code: 'AB' });
    expect(values).not.toHaveProperty('display');
    expect(unobserved).toEqual([]);
  });

  it('a stage with no map entry is not observed under unmapped: drop', () => {
    const { values, unobserved } = toCanonical(spec, 'desk', { 'user_fields.stage': 'Bogus' });
    expect(values).not.toHaveProperty('stage');
    expect(unobserved).toEqual([expect.objectContaining({ field: 'stage' })]);
  });

  it('unmapped: default and pass give a value instead', () => {
    const map = (unmapped: NonNullable<FieldSpec['apps'][string]['map']>['unmapped']) => {
      const stage = spec.fields.find((f) => f.name === 'stage') as FieldSpec;
      const desk = { ...stage.apps.desk!, map: { ...stage.apps.desk!.map!, unmapped } };
      return withField('stage', { apps: { ...stage.apps, desk } });
    };
    expect(toCanonical(map({ kind: 'default', value: 'other' }), 'desk', { 'user_fields.stage': 'Bogus' }).values.stage).toBe('other');
    expect(toCanonical(map({ kind: 'pass' }), 'desk', { 'user_fields.stage': 'Bogus' }).values.stage).toBe('Bogus');
  });

  it('a phone that is not a phone number is not observed', () => {
    const { unobserved } = toCanonical(spec, 'crm', { phone: 'call me maybe' });
    expect(unobserved.map((u) => u.field)).toEqual(['phone']);
  });
});

describe('writing raw values', () => {
  it('renders each app its own format and reverse-maps values', () => {
    const canon = { phone: '+12125550101', stage: 'mql', first_name: 'Ada', code: 'AB' };
    expect(toRaw(spec, 'desk', canon)).toMatchObject({ phone: '+12125550101', 'user_fields.stage': 'Lead', 'user_fields.first_name': 'Ada', 'user_fields.display': 'Ada (AB)' });
    expect(toRaw(spec, 'crm', canon)).toEqual({ phone: '+12125550101', lifecyclestage: 'mql', firstname: 'Ada', code: 'AB' });
  });

  it('an if-empty field is not overwritten where the app holds a value', () => {
    const s = withField('first_name', { apps: { ...spec.fields[1]!.apps, crm: { ...spec.fields[1]!.apps.crm!, writeMode: 'if-empty' } } });
    expect(toRaw(s, 'crm', { first_name: 'Grace' }, { firstname: 'Ada' })).toEqual({});
    expect(toRaw(s, 'crm', { first_name: 'Grace' }, { firstname: null })).toEqual({ firstname: 'Grace' });
  });

  it('keeps helpdesk tags outside only: and the app spelling of tags still agreed', () => {
    expect(toRaw(spec, 'desk', { tags: ['churn-risk', 'vip'] }, { tags: ['VIP', 'billing'] })).toMatchObject({ tags: ['VIP', 'billing', 'churn-risk'] });
    expect(toRaw(spec, 'desk', { tags: [] }, { tags: ['VIP', 'billing'] })).toMatchObject({ tags: ['billing'] });
  });

  it('templates leave no stray space for an empty field', () => {
    expect(renderTemplate('{first_name} {last_name}', { first_name: 'Ada', last_name: null })).toBe('Ada');
    expect(renderTemplate('{first_name} {last_name}', {})).toBeNull();
    // A helpdesk that refuses nameless users gets the email when there is no name.
    expect(renderTemplate('{first_name} {last_name} || {email}', { email: 'x@example.test' })).toBe('x@example.test');
    expect(renderTemplate('{first_name} {last_name} || {email}', { first_name: 'Ada', email: 'x@example.test' })).toBe('Ada');
    expect(renderTemplate('{a} || {b}', {})).toBeNull();
  });

  it('a default fills an empty agreed value when writing', () => {
    expect(toRaw(withField('code', { default: 'ZZ' }), 'crm', { code: null })).toEqual({ code: 'ZZ' });
  });

  it('creates carry onCreate values, templates rendered, without empty fields', () => {
    const fields = buildCreate(spec, 'desk', { email: 'ada@example.test', first_name: 'Ada', phone: null, code: 'AB' });
    expect(fields).toEqual({ email: 'ada@example.test', 'user_fields.first_name': 'Ada', 'user_fields.code': 'AB', 'user_fields.display': 'Ada (AB)', name: 'Ada' });
    expect(buildCreate(spec, 'mail', { email: 'ada@example.test' })).toEqual({ email_address: 'ada@example.test', status_if_new: 'subscribed' });
  });
});
