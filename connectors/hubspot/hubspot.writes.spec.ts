import { AuthError, ManualClock as SdkClock, type WriteOp, type WriteResult } from '@tandem/connector-sdk';
import { answeringApp } from '../malformed.test-kit.js';
import { HubspotConnector } from './hubspot.connector.js';
import { BATCH_ROUTE, hubspotKit, type HsKit } from './hubspot.test-kit.js';

const create = (ref: string, fields: Record<string, unknown>): WriteOp => ({ op: 'create', ref, fields });

describe('HubSpot connector writes against the simulator', () => {
  let kit: HsKit;

  afterEach(async () => kit.close());

  it('creates 150 contacts in two batch calls, one result per op', async () => {
    kit = await hubspotKit();
    const ops = Array.from({ length: 150 }, (_, i) => create(`c${i}`, { email: `new${i}@example.test` }));
    const results = await kit.connect().write('contacts', ops);
    expect(results.map((r) => r.ref)).toEqual(ops.map((o) => o.ref));
    expect(results.every((r) => r.status === 'ok')).toBe(true);
    expect(new Set(results.map((r) => (r.status === 'ok' ? r.id : ''))).size).toBe(150);
    expect(kit.requests(BATCH_ROUTE)).toBe(2);
    const stored = kit.sb.hubspot.sim.store.get('contacts', (results[7] as { id: string }).id);
    expect(stored?.properties.email).toBe('new7@example.test');
  });

  it('reports one rejected create without failing the others (207 multi-status)', async () => {
    kit = await hubspotKit();
    const results = await kit.connect().write('contacts', [
      create('ok1', { email: 'one@example.test' }),
      create('bad', { email: 'not-an-email' }),
      create('ok2', { email: 'two@example.test' }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['ok', 'failed', 'ok']);
    expect(results[1]).toMatchObject({ status: 'failed', error: { code: 'CONNECTOR_RECORD_REJECTED', retryable: false } });
    expect(JSON.stringify(results[1])).not.toContain('not-an-email');
  });

  it('treats a create of an existing email as done, with the existing id', async () => {
    kit = await hubspotKit();
    const [existing] = kit.addContacts(1, 'dupe');
    const results = await kit.connect().write('contacts', [
      create('again', { email: 'dupe1@example.test', firstname: 'Second try' }),
      create('fresh', { email: 'fresh@example.test' }),
    ]);
    expect(results[0]).toEqual({ ref: 'again', status: 'ok', id: existing });
    expect(results[1]).toMatchObject({ status: 'ok' });
    expect(kit.sb.hubspot.sim.store.records.contacts.size).toBe(2);
  });

  it('sends one record at a time when HubSpot rejects a whole update batch for one bad value', async () => {
    kit = await hubspotKit();
    const [a, b, c] = kit.addContacts(3);
    const results = await kit.connect().write('contacts', [
      { op: 'update', ref: 'a', id: a, fields: { firstname: 'Ann' } },
      { op: 'update', ref: 'b', id: b, fields: { lifecyclestage: 'not-a-stage' } },
      { op: 'update', ref: 'c', id: c, fields: { firstname: 'Cat' } },
      { op: 'update', ref: 'gone', id: '424242', fields: { firstname: 'Nobody' } },
    ]);
    expect(results.map((r) => r.status)).toEqual(['ok', 'failed', 'ok', 'failed']);
    expect(results[1]).toMatchObject({ error: { code: 'CONNECTOR_RECORD_REJECTED', field: 'lifecyclestage' } });
    expect(results[3]).toMatchObject({ error: { code: 'CONNECTOR_NOT_FOUND', retryable: false } });
    expect(kit.sb.hubspot.sim.store.get('contacts', c)?.properties.firstname).toBe('Cat');
  });

  it('writes numbers, booleans, sets and dates in HubSpot string form', async () => {
    kit = await hubspotKit();
    const [id] = kit.addContacts(1);
    const [result] = await kit.connect().write('contacts', [
      {
        op: 'update',
        ref: 'u',
        id,
        fields: { hs_email_optout: true, customer_tags: ['vip', 'beta'], renewal_date: '2025-06-30T15:00:00Z', phone: 5551234 },
      },
    ]);
    expect(result.status).toBe('ok');
    const stored = kit.sb.hubspot.sim.store.get('contacts', id)?.properties;
    expect(stored).toMatchObject({ hs_email_optout: 'true', customer_tags: 'vip;beta', renewal_date: '2025-06-30', phone: '5551234' });
  });

  it('reports a create as unknown when HubSpot fails with a 5xx after it may have applied it', async () => {
    kit = await hubspotKit();
    const connector = kit.connect();
    await connector.describe('contacts');
    kit.sb.hubspot.setFaults({ errorRate5xx: 1 });
    const [created, updated] = await connector.write('contacts', [
      create('maybe', { email: 'maybe@example.test' }),
      { op: 'update', ref: 'u', id: '1001', fields: { firstname: 'X' } },
    ]);
    expect(created).toEqual({ ref: 'maybe', status: 'unknown' });
    expect(updated).toMatchObject({ status: 'failed', error: { code: 'CONNECTOR_TRANSIENT', retryable: true } });
    // The create was not retried blindly; the update (idempotent) was.
    expect(kit.sb.hubspot.stats().requests.byStatus['502']).toBe(1 + 4);
  });

  it('rides out a burst of 429s by waiting the 10 s HubSpot asks for', async () => {
    kit = await hubspotKit();
    const clock = new SdkClock(Date.now());
    const connector = kit.connect({ clock });
    // One request through, then two 429s (TEN_SECONDLY_ROLLING), then through again.
    kit.sb.hubspot.setFaults({ burst429: { every: 1, count: 2 } });
    await connector.describe('contacts');
    let settled = false;
    const writing = connector.write('contacts', [create('c', { email: 'patient@example.test' })]).finally(() => {
      settled = true;
    });
    let waitedMs = 0;
    while (!settled && waitedMs < 60_000) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      await clock.advance(1_000);
      waitedMs += 1_000;
    }
    const [result] = await writing;
    expect(result).toMatchObject({ status: 'ok' });
    expect(waitedMs).toBeGreaterThanOrEqual(20_000);
    expect(kit.sb.hubspot.stats().requests.byStatus['429']).toBe(2);
  });

  it('archives on delete and erases a contact for good with gdpr-delete', async () => {
    kit = await hubspotKit();
    const [archived, erased] = kit.addContacts(2);
    const connector = kit.connect();
    const [result] = await connector.write('contacts', [{ op: 'delete', ref: 'd', id: archived }]);
    expect(result).toEqual({ ref: 'd', status: 'ok', id: archived });
    expect(kit.sb.hubspot.sim.store.get('contacts', archived)?.archived).toBe(true);
    await connector.erase('contacts', erased);
    expect(kit.sb.hubspot.sim.store.get('contacts', erased)).toBeUndefined();
    await expect(connector.erase('contacts', erased)).resolves.toBeUndefined();
    await expect(connector.erase('companies', '9001')).rejects.toMatchObject({ code: 'CONNECTOR_UNSUPPORTED' });
  });

  it('stops the whole write with AuthError when the token is refused', async () => {
    kit = await hubspotKit();
    const connector = kit.connect({ token: 'revoked' });
    await expect(connector.write('contacts', [create('x', { email: 'x@example.test' })])).rejects.toBeInstanceOf(AuthError);
  });
});

describe('HubSpot write results carry what HubSpot echoed', () => {
  let kit: HsKit;

  afterEach(async () => kit.close());

  const okRecord = (result: WriteResult) => (result.status === 'ok' ? result : undefined);

  it('answers a batch update with partial records holding the values as HubSpot stored them, without reading them back', async () => {
    kit = await hubspotKit();
    kit.sb.hubspot.setFaults({ reformatOnWrite: { field: 'phone', style: 'e164' } });
    const [a, b] = kit.addContacts(2);
    const connector = kit.connect();
    const results = await connector.write('contacts', [
      { op: 'update', ref: 'a', id: a, fields: { phone: '(415) 555-0100', renewal_date: '2025-01-01T00:00:00Z' } },
      { op: 'update', ref: 'b', id: b, fields: { 'properties.firstname': 'Bea' } },
    ]);
    expect(kit.requests(BATCH_ROUTE)).toBe(1);
    const [first, second] = results.map(okRecord);
    expect(first).toMatchObject({ id: a, partial: true, record: { id: a, fields: { phone: '+14155550100', renewal_date: '2025-01-01', hs_object_id: a } } });
    expect(second).toMatchObject({ id: b, partial: true, record: { id: b, fields: { firstname: 'Bea' } } });
    // Only what was sent (and HubSpot's system properties) is echoed; the engine keeps the rest as it knew it.
    expect(second?.record?.fields).not.toHaveProperty('email');
    const [read] = await connector.fetch('contacts', [a]);
    expect(first?.record?.version).toBe(read.version);
    expect(first?.record?.fields.phone).toBe(read.fields.phone);
  });

  it('answers a batch create with the stored email, lowercased and trimmed by HubSpot', async () => {
    kit = await hubspotKit();
    const [result] = await kit.connect().write('contacts', [create('c', { email: ' Mixed@Example.TEST ', firstname: 'Mo' })]);
    expect(result).toMatchObject({ status: 'ok', partial: true, record: { fields: { email: 'mixed@example.test', firstname: 'Mo' } } });
    expect(okRecord(result)?.record?.id).toBe(okRecord(result)?.id);
  });

  it('leaves the record out when HubSpot did not echo a property that was written', async () => {
    const app = await answeringApp();
    try {
      // One body that reads as the property catalogue and as the batch answer: the echo lacks `firstname`.
      app.answer({ results: [{ name: 'firstname', type: 'string', id: '101', properties: { hs_object_id: '101' }, updatedAt: '2025-03-01T12:00:00Z' }] });
      const connector = new HubspotConnector({ token: 't', baseUrl: app.url, retries: { count: 0 } });
      const results = await connector.write('contacts', [{ op: 'update', ref: 'u', id: '101', fields: { firstname: 'Ada' } }]);
      expect(results).toEqual([{ ref: 'u', status: 'ok', id: '101' }]);
    } finally {
      await app.close();
    }
  });
});
