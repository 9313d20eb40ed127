import type { SyncSpec } from '../model.js';
import { simSpec } from '../testing/sim-spec.js';
import { normaliseKey, recordKeys } from './keys.js';
import { matchRecords, type MatchCandidate } from './match.js';

const base = simSpec();
const spec: SyncSpec = { ...base, match: ['email', 'phone'] };
const email = base.fields.find((f) => f.name === 'email')!;
const phone = base.fields.find((f) => f.name === 'phone')!;
const c = (app: string, id: string, e?: string, p?: string): MatchCandidate => ({
  app,
  externalId: id,
  keys: [...(e ? [{ field: 'email', value: e }] : []), ...(p ? [{ field: 'phone', value: p }] : [])],
});

describe('identity keys', () => {
  it('folds case and spaces of emails and formats of phones', () => {
    expect(normaliseKey(email, '  Ada@Example.TEST ')).toBe('ada@example.test');
    expect(normaliseKey(phone, '(212) 555-0101')).toBe('+12125550101');
    expect(normaliseKey(email, '')).toBeNull();
  });

  it('reads keys through each app mapping, in match order', () => {
    expect(recordKeys(spec, 'desk', { email: 'ADA@example.test', phone: '(212) 555-0101' })).toEqual([
      { field: 'email', value: 'ada@example.test' },
      { field: 'phone', value: '+12125550101' },
    ]);
    expect(recordKeys(spec, 'mail', { email_address: 'ada@example.test' })).toEqual([{ field: 'email', value: 'ada@example.test' }]);
  });
});

describe('matching records across apps', () => {
  it('groups one record per app on the same email before any create', () => {
    const result = matchRecords(spec, [c('crm', 'c1', 'a@x'), c('desk', 'd1', 'a@x'), c('mail', 'm1', 'b@x')]);
    expect(result.groups.map((g) => g.map((r) => r.externalId))).toEqual([['c1', 'd1'], ['m1']]);
    expect(result.duplicates).toEqual([]);
  });

  it('joins a new email-tool member to the existing link with that email', () => {
    const result = matchRecords(spec, [c('mail', 'm1', 'a@x')], [{ linkId: 'L1', apps: ['crm', 'desk'], keys: [{ field: 'email', value: 'a@x' }] }]);
    expect(result.joins).toEqual([{ linkId: 'L1', records: [c('mail', 'm1', 'a@x')] }]);
  });

  it('reports two helpdesk users with one email as a duplicate instead of merging them', () => {
    const result = matchRecords(spec, [c('desk', 'd1', 'a@x'), c('desk', 'd2', 'a@x'), c('crm', 'c1', 'a@x')]);
    expect(result.groups).toEqual([]);
    expect(result.duplicates).toEqual([{ field: 'email', reason: 'same-app', records: expect.arrayContaining([{ app: 'desk', externalId: 'd1' }, { app: 'desk', externalId: 'd2' }]), linkIds: [] }]);
  });

  it('does not join a second CRM record to a link that already has one', () => {
    const result = matchRecords(spec, [c('crm', 'c2', 'a@x')], [{ linkId: 'L1', apps: ['crm'], keys: [{ field: 'email', value: 'a@x' }] }]);
    expect(result.joins).toEqual([]);
    expect(result.duplicates[0]).toMatchObject({ reason: 'same-app', linkIds: ['L1'] });
  });

  it('falls back to the phone when a record has no email', () => {
    const result = matchRecords(spec, [c('crm', 'c1', 'a@x', '+1'), c('desk', 'd1', undefined, '+1')]);
    expect(result.groups.map((g) => g.map((r) => r.externalId))).toEqual([['c1', 'd1']]);
  });

  it('a shared phone never joins two people whose emails differ', () => {
    const result = matchRecords(spec, [c('crm', 'c1', 'a@x', '+1'), c('desk', 'd1', 'b@x', '+1')]);
    expect(result.groups.map((g) => g.map((r) => r.externalId))).toEqual([['c1'], ['d1']]);
    expect(result.duplicates).toEqual([]);
  });

  it('a phone-only record that fits two different people is held as ambiguous', () => {
    const result = matchRecords(spec, [c('crm', 'c1', 'a@x', '+1'), c('desk', 'd1', 'b@x', '+1'), c('mail', 'm1', undefined, '+1')]);
    expect(result.duplicates).toEqual([expect.objectContaining({ reason: 'ambiguous', records: [{ app: 'mail', externalId: 'm1' }] })]);
    expect(result.groups.flat().map((r) => r.externalId)).toEqual(['c1', 'd1']);
  });
});
