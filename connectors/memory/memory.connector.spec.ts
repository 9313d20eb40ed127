import type { AppRecord, Cursor, ReadPage } from '@tandem/connector-sdk';
import { MemoryClock, MemoryApp } from './memory.app.js';
import type { MemoryAppOptions } from './memory.types.js';
import { MemoryConnector, type MemoryConnectorOptions } from './memory.connector.js';
import { MemoryApps, memoryConnectorFactory } from './index.js';

async function collect(connector: MemoryConnector, cursor: Cursor | null): Promise<ReadPage[]> {
  const pages: ReadPage[] = [];
  for await (const page of connector.read('contacts', cursor)) pages.push(page);
  return pages;
}

function ids(pages: ReadPage[]): string[] {
  return pages.flatMap((page) => page.records.map((r) => r.id));
}

function lastCursor(pages: ReadPage[]): Cursor {
  const cursor = pages[pages.length - 1].cursor;
  if (cursor === null) throw new Error('read ended without a cursor');
  return cursor;
}

function setup(appOptions: MemoryAppOptions = {}, connectorOptions: MemoryConnectorOptions = {}) {
  const clock = new MemoryClock();
  const app = new MemoryApp({ clock: clock.now, ...appOptions });
  return { clock, app, connector: new MemoryConnector(app, connectorOptions) };
}

function seed(app: MemoryApp, count: number): string[] {
  return Array.from({ length: count }, (_, i) => app.userCreate({ email: `p${i}@example.test`, firstname: `P${i}` }));
}

describe('MemoryConnector reads', () => {
  it('reads every record from a null cursor and marks only the last page complete', async () => {
    const { app, connector } = setup({ pageSize: 2 });
    const created = seed(app, 5);
    const pages = await collect(connector, null);
    expect(ids(pages).sort()).toEqual([...created].sort());
    expect(pages.map((p) => p.complete === true)).toEqual([false, false, true]);
  });

  it('marks an empty app read complete and returns a cursor that sees later creates', async () => {
    const { app, clock, connector } = setup();
    const pages = await collect(connector, null);
    expect(pages).toHaveLength(1);
    expect(pages[0]).toMatchObject({ records: [], complete: true });
    clock.advance(5);
    const id = app.userCreate({ email: 'late@example.test' });
    expect(ids(await collect(connector, lastCursor(pages)))).toEqual([id]);
  });

  it('reads only what changed since the cursor, and nothing when nothing changed', async () => {
    const { app, clock, connector } = setup({ pageSize: 3 });
    const [a, , c] = seed(app, 4);
    const cursor = lastCursor(await collect(connector, null));
    expect(ids(await collect(connector, cursor))).toEqual([]);
    clock.advance(10);
    app.userEdit(c, { firstname: 'Changed' });
    app.userEdit(a, { firstname: 'Changed too' });
    const pages = await collect(connector, cursor);
    expect(ids(pages).sort()).toEqual([a, c].sort());
    expect(pages.some((p) => p.complete)).toBe(false);
  });

  it('neither skips nor re-reads records that share the cursor timestamp', async () => {
    const { app, connector } = setup({ pageSize: 2 });
    const created = seed(app, 7); // the clock never moves: all seven share one timestamp
    const first = await collect(connector, null);
    expect(ids(first).sort()).toEqual([...created].sort());
    expect(ids(await collect(connector, lastCursor(first)))).toEqual([]);
    app.userEdit(created[0], { firstname: 'Same millisecond, smallest id' });
    expect(ids(await collect(connector, lastCursor(first)))).toEqual([created[0]]);
  });

  it('resumes from a mid-read page cursor without losing the rest of a tie', async () => {
    const { app, connector } = setup({ pageSize: 2 });
    const created = seed(app, 5);
    const iterator = connector.read('contacts', null)[Symbol.asyncIterator]();
    const firstPage = (await iterator.next()).value as ReadPage;
    const resumed = await collect(connector, firstPage.cursor);
    expect([...ids([firstPage]), ...ids(resumed)].sort()).toEqual([...created].sort());
  });

  it('re-anchors when the search window runs out instead of truncating the read', async () => {
    const { app, clock, connector } = setup({ pageSize: 2, windowLimit: 3 });
    const created: string[] = [];
    for (let i = 0; i < 10; i++) {
      created.push(app.userCreate({ email: `w${i}@example.test` }));
      if (i % 4 === 3) clock.advance(1);
    }
    const pages = await collect(connector, null);
    expect(ids(pages).sort()).toEqual([...created].sort());
    expect(new Set(ids(pages)).size).toBe(ids(pages).length);
  });

  it('catches a record edited mid-read behind the read position on the next read', async () => {
    const { app, clock, connector } = setup({ pageSize: 2 });
    const created = seed(app, 4);
    const iterator = connector.read('contacts', null)[Symbol.asyncIterator]();
    await iterator.next();
    app.userEdit(created[0], { firstname: 'Edited during the read' }); // same millisecond, already passed
    clock.advance(1);
    const later = app.userCreate({ email: 'later@example.test' });
    const rest: ReadPage[] = [];
    for (let step = await iterator.next(); !step.done; step = await iterator.next()) rest.push(step.value);
    const next = await collect(connector, lastCursor(rest));
    const edited = [...ids(rest), ...ids(next)];
    expect(edited).toContain(created[0]);
    expect(edited).toContain(later);
  });

  it('hides records inside the read lag from incremental reads until the lag has passed', async () => {
    const { app, clock, connector } = setup({ readLagMs: 1000 });
    seed(app, 2);
    const cursor = lastCursor(await collect(connector, null));
    clock.advance(2000);
    const id = app.userCreate({ email: 'fresh@example.test' });
    clock.advance(500);
    const during = await collect(connector, cursor);
    expect(ids(during)).toEqual([]);
    clock.advance(600);
    expect(ids(await collect(connector, lastCursor(during)))).toEqual([id]);
  });

  it('signals deletes as deleted records when deletes is signal', async () => {
    const { app, clock, connector } = setup();
    const [a] = seed(app, 2);
    const cursor = lastCursor(await collect(connector, null));
    clock.advance(1);
    app.userDelete(a);
    const records = (await collect(connector, cursor)).flatMap((p) => p.records);
    expect(records).toEqual([expect.objectContaining({ id: a, deleted: true })]);
  });

  it('leaves deleted records out of reads and fetches for a complete-read connector', async () => {
    const { app, clock, connector } = setup({}, { deletes: 'complete-read' });
    const [a, b] = seed(app, 2);
    const cursor = lastCursor(await collect(connector, null));
    clock.advance(1);
    app.userDelete(a);
    expect(ids(await collect(connector, cursor))).toEqual([]);
    const full = await collect(connector, null);
    expect(ids(full)).toEqual([b]);
    expect(full[full.length - 1].complete).toBe(true);
    expect(await connector.fetch('contacts', [a])).toEqual([]);
  });

  it('stops a read that fails midway with a retryable error and no complete page', async () => {
    const { app, connector } = setup({ pageSize: 1 });
    seed(app, 3);
    app.failReadAt(2); // page 0 is handed over once search 1 answers; search 2 fails
    const seen: ReadPage[] = [];
    await expect(
      (async () => {
        for await (const page of connector.read('contacts', null)) seen.push(page);
      })(),
    ).rejects.toMatchObject({ code: 'CONNECTOR_TRANSIENT', retryable: true });
    expect(seen).toHaveLength(1);
    expect(seen[0].complete).toBeUndefined();
  });

  it('gives each record version a distinct increasing version and field timestamps when declared', async () => {
    const { app, clock, connector } = setup({}, { fieldTimestamps: true });
    const id = app.userCreate({ email: 'v@example.test', firstname: 'A', address: { city: 'Oslo' } });
    const [before] = await connector.fetch('contacts', [id]);
    clock.advance(7);
    app.userEdit(id, { firstname: 'B' });
    const [after] = await connector.fetch('contacts', [id]);
    expect(Number(after.version)).toBeGreaterThan(Number(before.version));
    expect(after.fieldUpdatedAt).toEqual({
      email: before.updatedAt,
      firstname: before.updatedAt! + 7,
      'address.city': before.updatedAt,
    });
  });
});

describe('MemoryConnector lookups', () => {
  it('finds records by email case-insensitively and ignores deleted ones', async () => {
    const { app, connector } = setup();
    const a = app.userCreate({ email: 'Ada@Example.test' });
    const b = app.userCreate({ email: 'bob@example.test' });
    app.userDelete(b);
    const found = await connector.findByKey('contacts', 'email', ['  ada@example.TEST ', 'bob@example.test']);
    expect(found.map((r: AppRecord) => r.id)).toEqual([a]);
  });

  it('fetches by id in the order asked and leaves unknown ids out', async () => {
    const { app, connector } = setup();
    const [a, b] = seed(app, 2);
    expect((await connector.fetch('contacts', [b, 'm-404', a])).map((r) => r.id)).toEqual([b, a]);
  });

  it('describes its fields, including set-valued and required ones', async () => {
    const { connector } = setup();
    const fields = await connector.describe('contacts');
    expect(fields.find((f) => f.path === 'tags')).toMatchObject({ type: 'set', setValued: true });
    expect(fields.find((f) => f.path === 'email')).toMatchObject({ requiredOnCreate: true });
    await expect(connector.describe('deals')).rejects.toMatchObject({ code: 'CONNECTOR_UNKNOWN_OBJECT' });
  });

  it('fails check with a clear retryable error while the app is offline', async () => {
    const { app, connector } = setup();
    await expect(connector.check()).resolves.toBeUndefined();
    app.faults.offline = true;
    await expect(connector.check()).rejects.toMatchObject({ code: 'CONNECTOR_TRANSIENT' });
  });

  it('declares the capabilities it was configured with', () => {
    const { connector } = setup({ readLagMs: 250 }, { deletes: 'complete-read', maxBatch: 7, webhookSecret: 's' });
    expect(connector.capabilities()).toEqual({
      objects: ['contacts'],
      incremental: true,
      webhooks: true,
      deletes: 'complete-read',
      maxBatch: 7,
      fieldTimestamps: false,
      readLagMs: 250,
    });
  });
});

describe('memoryConnectorFactory', () => {
  afterEach(() => MemoryApps.clear());

  it('binds a type: memory connection to the app a test registered by name', async () => {
    const app = MemoryApps.create('crm');
    const id = app.userCreate({ email: 'x@example.test' });
    const connector = memoryConnectorFactory({ type: 'memory', app: 'crm', maxBatch: 5 }, { name: 'crm' });
    expect(connector.capabilities().maxBatch).toBe(5);
    expect((await connector.fetch('contacts', [id])).map((r) => r.id)).toEqual([id]);
  });

  it('refuses a connection naming an app nobody registered, or a bad setting', () => {
    expect(() => memoryConnectorFactory({ app: 'nope' }, { name: 'crm' })).toThrow(
      expect.objectContaining({ code: 'CONNECTOR_CONFIG_INVALID' }),
    );
    MemoryApps.create('crm');
    expect(() => memoryConnectorFactory({ app: 'crm', deletes: 'sometimes' }, { name: 'crm' })).toThrow(/deletes/);
  });
});
