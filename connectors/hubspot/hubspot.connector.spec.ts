import { AuthError, type ReadPage } from '@tandem/connector-sdk';
import { decodeCursor, encodeCursor } from './hubspot.read.js';
import { collect, hubspotKit, ids, lastCursor, LIST_ROUTE, records, SEARCH_ROUTE, type HsKit } from './hubspot.test-kit.js';

describe('HubSpot connector reads against the simulator', () => {
  let kit: HsKit;

  afterEach(async () => kit.close());

  it('lists every contact in pages of 100 and marks only the last page complete', async () => {
    kit = await hubspotKit();
    const created = kit.addContacts(250);
    kit.clock.advance(1_000);
    const pages = await collect(kit.connect(), 'contacts', null);
    expect(pages.map((p) => p.records.length)).toEqual([100, 100, 50]);
    expect(pages.map((p) => p.complete === true)).toEqual([false, false, true]);
    expect(ids(pages).sort()).toEqual([...created].sort());
    expect(kit.requests(LIST_ROUTE)).toBe(3);
    const first = records(pages)[0];
    expect(first.fields.email).toMatch(/@example\.test$/);
    expect(first.version).toBe(String(first.updatedAt));
  });

  it('resumes an interrupted full read from its page cursor without a complete mark', async () => {
    kit = await hubspotKit();
    const created = kit.addContacts(30);
    const connector = kit.connect({ pageSize: 10 });
    const firstPage = (await connector.read('contacts', null)[Symbol.asyncIterator]().next()).value as { cursor: string };
    const rest = await collect(connector, 'contacts', firstPage.cursor);
    expect(ids(rest)).toEqual(created.slice(10));
    expect(rest.some((p) => p.complete)).toBe(false);
  });

  it('reads only what changed since the cursor once the full read is done', async () => {
    kit = await hubspotKit();
    const [a, , c] = kit.addContacts(5);
    kit.clock.advance(60_000);
    const connector = kit.connect({ searchLagMs: 0 });
    const cursor = lastCursor(await collect(connector, 'contacts', null));
    kit.clock.advance(60_000);
    kit.edit(a, 'Ada');
    kit.clock.advance(5_000);
    kit.edit(c, 'Cy');
    const changed = await collect(connector, 'contacts', cursor);
    expect(ids(changed)).toEqual([a, c]);
    expect(records(changed).map((r) => r.fields.firstname)).toEqual(['Ada', 'Cy']);
    const again = await collect(connector, 'contacts', lastCursor(changed, cursor));
    expect(ids(again)).toEqual([]);
  });

  it('sees an edit made while the full read was paging', async () => {
    kit = await hubspotKit();
    const created = kit.addContacts(30);
    kit.clock.advance(60_000);
    const connector = kit.connect({ pageSize: 10, searchLagMs: 0 });
    let pages = 0;
    let cursor: string | null = null;
    for await (const page of connector.read('contacts', null)) {
      pages += 1;
      // The first page (holding created[0]) was served; now someone edits that contact.
      if (pages === 2) {
        kit.clock.advance(1_000);
        kit.edit(created[0], 'Edited while paging');
      }
      cursor = page.cursor;
    }
    expect(pages).toBe(3);
    const changed = await collect(connector, 'contacts', cursor);
    expect(records(changed).map((r) => [r.id, r.fields.firstname])).toEqual([[created[0], 'Edited while paging']]);
  });

  it('neither skips nor repeats contacts that share one modification time across pages', async () => {
    kit = await hubspotKit();
    const connector = kit.connect({ pageSize: 7, searchLagMs: 0 });
    kit.addContacts(3);
    kit.clock.advance(10_000);
    const cursor = lastCursor(await collect(connector, 'contacts', null));
    kit.clock.advance(10_000);
    const tied = kit.addContacts(30, 'tied');
    const pages = await collect(connector, 'contacts', cursor);
    expect(ids(pages)).toEqual(tied);
    // Resuming from the middle of the tie goes on after the last record served.
    const midway = pages[1].cursor as string;
    expect(ids(await collect(connector, 'contacts', midway))).toEqual(tied.slice(14));
  });

  it('re-anchors past the search result cap instead of paging into its 400', async () => {
    kit = await hubspotKit({ searchResultCap: 25 });
    kit.clock.advance(10_000);
    const start = encodeCursor({ mode: 'changes', ts: kit.clock.now(), id: '', archivedSince: kit.clock.now() });
    const changed: string[] = [];
    for (let i = 0; i < 8; i += 1) {
      kit.clock.advance(1_000);
      changed.push(...kit.addContacts(10, `batch${i}-`));
    }
    const paged = await collect(kit.connect({ pageSize: 10, searchWindowCap: 25, searchLagMs: 0 }), 'contacts', start);
    expect(ids(paged)).toEqual(changed);
    const keyset = await collect(kit.connect({ pageSize: 10, searchLagMs: 0 }), 'contacts', start);
    expect(ids(keyset)).toEqual(changed);
    // A window wider than the app's cap pages into the 400: the cap is real and the re-anchoring is what avoids it.
    await expect(collect(kit.connect({ pageSize: 10, searchWindowCap: 100, searchLagMs: 0 }), 'contacts', start)).rejects.toMatchObject({
      code: 'CONNECTOR_RECORD_REJECTED',
    });
  });

  it('finds an edit the search index showed late thanks to the lookback window', async () => {
    kit = await hubspotKit();
    const [slow, fast] = kit.addContacts(2);
    kit.clock.advance(120_000);
    const cursor = lastCursor(await collect(kit.connect(), 'contacts', null));
    kit.clock.advance(10_000);
    kit.settings({ searchLagMs: 20_000 });
    kit.edit(slow, 'Indexed late');
    kit.clock.advance(2_000);
    kit.settings({ searchLagMs: 0 });
    kit.edit(fast, 'Indexed at once');
    const withLag = kit.connect({ searchLagMs: 30_000 });
    const withoutLag = kit.connect({ searchLagMs: 0 });
    const names = (pages: ReadPage[]) => records(pages).map((r) => `${r.id}:${String(r.fields.firstname)}`);
    const firstLagged = await collect(withLag, 'contacts', cursor);
    const firstExact = await collect(withoutLag, 'contacts', cursor);
    expect(names(firstLagged)).toContain(`${fast}:Indexed at once`);
    expect(names(firstLagged)).not.toContain(`${slow}:Indexed late`);
    kit.clock.advance(20_000);
    expect(names(await collect(withLag, 'contacts', lastCursor(firstLagged, cursor)))).toContain(`${slow}:Indexed late`);
    // Without the lookback the late edit falls behind the cursor and is never read.
    expect(names(await collect(withoutLag, 'contacts', lastCursor(firstExact, cursor)))).not.toContain(`${slow}:Indexed late`);
  });

  it('reports contacts archived since the cursor as deletes', async () => {
    kit = await hubspotKit();
    const [keep, gone] = kit.addContacts(2);
    kit.clock.advance(120_000);
    const connector = kit.connect();
    const cursor = lastCursor(await collect(connector, 'contacts', null));
    kit.clock.advance(5_000);
    const [result] = await connector.write('contacts', [{ op: 'archive', ref: 'r1', id: gone }]);
    expect(result).toEqual({ ref: 'r1', status: 'ok', id: gone });
    const pages = await collect(connector, 'contacts', cursor);
    const deleted = records(pages).filter((r) => r.deleted);
    expect(deleted.map((r) => r.id)).toEqual([gone]);
    expect(deleted[0].version).toBe(String(kit.clock.now()));
    expect(records(pages).filter((r) => r.id === keep && r.deleted)).toEqual([]);
    expect(await connector.fetch('contacts', [keep, gone])).toHaveLength(1);
  });

  it('fetches by id, leaving out ids that do not exist, in batches of at most 100', async () => {
    kit = await hubspotKit();
    const created = kit.addContacts(130);
    const fetched = await kit.connect().fetch('contacts', [...created, '999999']);
    expect(fetched.map((r) => r.id).sort()).toEqual([...created].sort());
    expect(kit.requests('POST /crm/v3/objects/:objectType/batch/:action')).toBe(2);
  });

  it('finds a just-created contact by email although search has not indexed it yet', async () => {
    kit = await hubspotKit({ searchLagMs: 60_000 });
    const [id] = kit.addContacts(1, 'fresh');
    const found = await kit.connect().findByKey('contacts', 'email', [' Fresh1@Example.test'.trim(), 'nobody@example.test']);
    expect(found.map((r) => r.id)).toEqual([id]);
    expect(kit.requests(SEARCH_ROUTE)).toBe(0);
  });

  it('reports per-field change times from property history when asked', async () => {
    kit = await hubspotKit();
    const [id] = kit.addContacts(1);
    kit.clock.advance(30_000);
    kit.edit(id, 'Later');
    const [record] = await kit.connect({ fieldTimestamps: true }).fetch('contacts', [id]);
    expect(record.fieldUpdatedAt?.firstname).toBe(kit.clock.now());
    expect(record.fieldUpdatedAt?.email).toBe(kit.clock.now() - 30_000);
    const [plain] = await kit.connect().fetch('contacts', [id]);
    expect(plain.fieldUpdatedAt).toBeUndefined();
  });

  it('describes contact properties with types, sets and read-only flags', async () => {
    kit = await hubspotKit();
    const fields = await kit.connect().describe('contacts');
    const byPath = new Map(fields.map((f) => [f.path, f]));
    expect(byPath.get('customer_tags')).toMatchObject({ type: 'set', setValued: true });
    expect(byPath.get('lifecyclestage')).toMatchObject({ type: 'enum', setValued: false });
    expect(byPath.get('renewal_date')?.type).toBe('date');
    expect(byPath.get('hs_email_optout')?.type).toBe('boolean');
    expect(byPath.get('lastmodifieddate')?.readOnly).toBe(true);
    await expect(kit.connect().describe('deals')).rejects.toMatchObject({ code: 'CONNECTOR_UNKNOWN_OBJECT' });
  });

  it('reads companies by hs_lastmodifieddate', async () => {
    kit = await hubspotKit();
    const sim = kit.sb.hubspot.sim;
    const connector = kit.connect({ searchLagMs: 0 });
    const cursor = lastCursor(await collect(connector, 'companies', null));
    kit.clock.advance(5_000);
    const company = sim.store.create('companies', { name: 'Acme', domain: 'acme.test' }, kit.clock.now(), 0);
    const pages = await collect(connector, 'companies', cursor);
    expect(ids(pages)).toEqual([company.id]);
    expect(records(pages)[0].fields.name).toBe('Acme');
  });

  it('fails a check with AuthError for a wrong or expired token', async () => {
    kit = await hubspotKit({ expiredTokens: ['old-oauth-token'] });
    await expect(kit.connect().check()).resolves.toBeUndefined();
    await expect(kit.connect({ token: 'wrong' }).check()).rejects.toBeInstanceOf(AuthError);
    await expect(kit.connect({ token: 'old-oauth-token' }).check()).rejects.toBeInstanceOf(AuthError);
  });

  it('refuses a cursor it did not write', async () => {
    kit = await hubspotKit();
    expect(() => decodeCursor('not-a-cursor')).toThrow(expect.objectContaining({ code: 'CONNECTOR_CURSOR_INVALID' }));
    await expect(collect(kit.connect(), 'contacts', 'bm9wZQ')).rejects.toMatchObject({ code: 'CONNECTOR_CURSOR_INVALID' });
  });
});
