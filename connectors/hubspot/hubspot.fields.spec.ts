import fc from 'fast-check';
import type { HttpResponseInfo } from '@tandem/connector-sdk';
import { classifyHubspot } from './hubspot.client.js';
import { midnightUtcMs, toAppRecord, toFieldInfo, toHubspotValue } from './hubspot.fields.js';
import { hubspotConnectorOptions } from './index.js';

const DAY = 86_400_000;

describe('HubSpot value forms', () => {
  it('writes any instant to a date property as midnight UTC of its own day', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800_000 }), (ms) => {
        const written = Number(toHubspotValue('renewal_date', ms, 'date'));
        expect(written % DAY).toBe(0);
        expect(ms - written).toBeGreaterThanOrEqual(0);
        expect(ms - written).toBeLessThan(DAY);
        expect(toHubspotValue('renewal_date', new Date(ms).toISOString(), 'date')).toBe(String(written));
      }),
    );
  });

  it('reads a plain ISO date as that day, not the day before in a western time zone', () => {
    expect(midnightUtcMs('d', '2025-06-30')).toBe(Date.UTC(2025, 5, 30));
  });

  it('joins set values with semicolons and spells booleans the way HubSpot checkboxes do', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-z-]{1,8}$/), { maxLength: 5 }), (options) => {
        expect(toHubspotValue('tags', options, 'set').split(';').filter(Boolean)).toEqual(options);
      }),
    );
    expect(toHubspotValue('optout', true, 'boolean')).toBe('true');
    expect(toHubspotValue('optout', 'FALSE', 'boolean')).toBe('false');
    expect(toHubspotValue('phone', null, 'string')).toBe('');
    expect(() => toHubspotValue('phone', { nested: 1 }, 'string')).toThrow(expect.objectContaining({ code: 'CONNECTOR_RECORD_REJECTED' }));
  });

  it('maps property definitions with option objects and read-only metadata', () => {
    const info = toFieldInfo({
      name: 'hs_lead_status',
      type: 'enumeration',
      fieldType: 'select',
      options: [{ label: 'New', value: 'NEW' }, { label: 'Open', value: 'OPEN' }],
      modificationMetadata: { readOnlyValue: true },
    });
    expect(info).toEqual({ path: 'hs_lead_status', type: 'enum', requiredOnCreate: false, setValued: false, readOnly: true, options: ['NEW', 'OPEN'] });
  });

  it('versions a record by its modification time and marks archived ones deleted', () => {
    const live = toAppRecord('contacts', { id: '7', properties: { lastmodifieddate: '2025-03-01T12:00:00.123Z' } });
    expect(live).toMatchObject({ id: '7', version: String(Date.parse('2025-03-01T12:00:00.123Z')) });
    const gone = toAppRecord('companies', { id: '8', properties: {}, archived: true, archivedAt: '2025-03-02T00:00:00Z' });
    expect(gone).toMatchObject({ deleted: true, version: String(Date.parse('2025-03-02T00:00:00Z')) });
  });
});

describe('HubSpot error classification', () => {
  const info = (status: number, data: unknown): HttpResponseInfo => ({ status, headers: {}, data, method: 'GET', path: '/crm/v3/objects/contacts' });

  it('reads auth categories, 429 policies and record categories from the body', () => {
    expect(classifyHubspot(info(401, { category: 'EXPIRED_AUTHENTICATION' }), 0)).toMatchObject({ kind: 'auth' });
    expect(classifyHubspot(info(429, { policyName: 'SECONDLY' }), 0)).toMatchObject({ kind: 'rate-limited', retryAfterMs: 1_000 });
    expect(classifyHubspot(info(429, { policyName: 'TEN_SECONDLY_ROLLING' }), 0)).toMatchObject({ retryAfterMs: 10_000 });
    expect(classifyHubspot(info(429, { policyName: 'DAILY' }), DAY - 5_000)).toMatchObject({ retryAfterMs: 5_000 });
    expect(classifyHubspot(info(429, {}), 0)).toBeUndefined();
    const validation = { category: 'VALIDATION_ERROR', errors: [{ context: { propertyName: ['email'] } }] };
    expect(classifyHubspot(info(400, validation), 0)).toMatchObject({ kind: 'record', field: 'email', appCode: 'VALIDATION_ERROR' });
    expect(classifyHubspot(info(409, { category: 'CONFLICT' }), 0)).toMatchObject({ kind: 'record' });
    expect(classifyHubspot(info(502, 'Bad Gateway'), 0)).toBeUndefined();
  });
});

describe('HubSpot connection settings', () => {
  it('reads settings with defaults left to the connector and both rotation secrets', () => {
    const options = hubspotConnectorOptions({ token: 't', webhookSecret: 'new', webhookSecrets: ['old', 'new'], searchLagMs: 0 }, 'crm');
    expect(options).toMatchObject({ token: 't', webhookSecrets: ['new', 'old'], searchLagMs: 0, baseUrl: undefined });
  });

  it('names the setting that is wrong', () => {
    expect(() => hubspotConnectorOptions({}, 'crm')).toThrow(/token is required/);
    expect(() => hubspotConnectorOptions({ token: 't', pageSize: 500 }, 'crm')).toThrow(/pageSize/);
    expect(() => hubspotConnectorOptions({ token: 't', share: 2 }, 'crm')).toThrow(/share/);
    expect(() => hubspotConnectorOptions({ token: 't', properties: { deals: ['x'] } }, 'crm')).toThrow(/properties/);
  });
});
