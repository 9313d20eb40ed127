import type { WriteOp } from '@tandem/connector-sdk';
import { MemoryClock, MemoryApp } from './memory.app.js';
import type { MemoryAppOptions } from './memory.types.js';
import { MemoryConnector, type MemoryConnectorOptions } from './memory.connector.js';

function setup(appOptions: MemoryAppOptions = {}, connectorOptions: MemoryConnectorOptions = {}) {
  const clock = new MemoryClock();
  const app = new MemoryApp({ clock: clock.now, ...appOptions });
  return { clock, app, connector: new MemoryConnector(app, connectorOptions) };
}

const update = (ref: string, id: string, fields: Record<string, unknown>): WriteOp => ({
  op: 'update',
  ref,
  id,
  fields,
});

describe('MemoryConnector writes', () => {
  it('returns one result per op, with the stored record, in order', async () => {
    const { app, connector } = setup();
    const id = app.userCreate({ email: 'a@example.test' });
    const results = await connector.write('contacts', [
      { op: 'create', ref: 'r1', fields: { email: 'b@example.test', 'address.city': 'Lyon' } },
      update('r2', id, { firstname: 'Ada' }),
    ]);
    expect(results.map((r) => [r.ref, r.status])).toEqual([
      ['r1', 'ok'],
      ['r2', 'ok'],
    ]);
    expect(results[0]).toMatchObject({ record: { fields: { email: 'b@example.test', address: { city: 'Lyon' } } } });
    expect(app.snapshot()[id]).toEqual({ email: 'a@example.test', firstname: 'Ada' });
  });

  it('reports the reformatted value it stored, not the value it was sent', async () => {
    const { app, connector } = setup({
      reformat: { phone: (v) => String(v).replace(/^\+1(\d{3})(\d{3})(\d{4})$/, '($1) $2-$3') },
    });
    const id = app.userCreate({ email: 'p@example.test' });
    const [result] = await connector.write('contacts', [update('r', id, { phone: '+15551234567' })]);
    expect(result).toMatchObject({ status: 'ok', record: { fields: { phone: '(555) 123-4567' } } });
  });

  it('omits the stored record from write responses when the app does', async () => {
    const { app, connector } = setup({ writeResponseOmitsRecord: true });
    const id = app.userCreate({ email: 'o@example.test' });
    const [result] = await connector.write('contacts', [update('r', id, { firstname: 'X' })]);
    expect(result).toEqual({ ref: 'r', status: 'ok', id });
  });

  it('counts a write that changes nothing stored as a write but not as an effective one', async () => {
    const { app, connector } = setup();
    const id = app.userCreate({ email: 'c@example.test', tags: ['vip', 'churn-risk'] });
    const before = app.get(id)!;
    await connector.write('contacts', [update('r1', id, { tags: ['churn-risk', 'vip'], email: 'c@example.test' })]);
    expect([app.writeCount, app.effectiveWriteCount]).toEqual([1, 0]);
    expect(app.get(id)!.seq).toBe(before.seq);
    await connector.write('contacts', [update('r2', id, { tags: ['vip'] })]);
    expect([app.writeCount, app.effectiveWriteCount]).toEqual([2, 1]);
  });

  it('fails only the records armed to fail, and the batch goes on', async () => {
    const { app, connector } = setup();
    const [a, b] = [app.userCreate({ email: 'a@example.test' }), app.userCreate({ email: 'b@example.test' })];
    app.failNext([a], { code: 'RATE_LIMITED', message: 'slow down', retryable: true });
    const results = await connector.write('contacts', [
      update('ra', a, { plan: 'pro' }),
      update('rb', b, { plan: 'pro' }),
    ]);
    expect(results[0]).toEqual({
      ref: 'ra',
      status: 'failed',
      error: { code: 'RATE_LIMITED', message: 'slow down', retryable: true },
    });
    expect(results[1]).toMatchObject({ status: 'ok' });
    expect(app.snapshot()[a].plan).toBeUndefined();
    const [retry] = await connector.write('contacts', [update('ra', a, { plan: 'pro' })]);
    expect(retry.status).toBe('ok');
  });

  it('fails creates matched by a predicate, and refuses values the app rejects', async () => {
    const { app, connector } = setup();
    app.failNext((op) => op.op === 'create', { code: 'TIMEOUT', message: 'gateway timeout', retryable: true });
    const results = await connector.write('contacts', [
      { op: 'create', ref: 'c1', fields: { email: 'x@example.test' } },
      { op: 'create', ref: 'c2', fields: { firstname: 'No email' } },
      { op: 'create', ref: 'c3', fields: { email: 'y@example.test', status: 'maybe' } },
      update('u1', 'm-999', { firstname: 'ghost' }),
    ]);
    expect(results.map((r) => (r.status === 'failed' ? r.error.code : r.status))).toEqual([
      'TIMEOUT',
      'REQUIRED_FIELD',
      'INVALID_OPTION',
      'NOT_FOUND',
    ]);
    expect(Object.keys(app.snapshot())).toEqual([]);
  });

  it('answers unknown for writes that applied, or that did not, as armed', async () => {
    const { app, connector } = setup();
    const id = app.userCreate({ email: 'u@example.test' });
    app.unknownNext(1);
    expect(await connector.write('contacts', [update('r1', id, { plan: 'pro' })])).toEqual([
      { ref: 'r1', status: 'unknown', id },
    ]);
    expect(app.snapshot()[id].plan).toBe('pro');
    app.unknownNext(1, { applied: false });
    expect((await connector.write('contacts', [update('r2', id, { plan: 'free' })]))[0].status).toBe('unknown');
    expect(app.snapshot()[id].plan).toBe('pro');
  });

  it('throws after applying a write when armed to crash, leaving later ops unapplied', async () => {
    const { app, connector } = setup();
    const [a, b] = [app.userCreate({ email: 'a@example.test' }), app.userCreate({ email: 'b@example.test' })];
    app.crashAfterWrite([a]);
    await expect(
      connector.write('contacts', [update('ra', a, { plan: 'x' }), update('rb', b, { plan: 'x' })]),
    ).rejects.toMatchObject({
      code: 'MEMORY_CRASH_AFTER_WRITE',
    });
    expect([app.snapshot()[a].plan, app.snapshot()[b].plan]).toEqual(['x', undefined]);
  });

  it('throws a clear error for a batch larger than maxBatch and writes nothing', async () => {
    const { app, connector } = setup({}, { maxBatch: 2 });
    const ops: WriteOp[] = ['a', 'b', 'c'].map((n) => ({
      op: 'create',
      ref: n,
      fields: { email: `${n}@example.test` },
    }));
    await expect(connector.write('contacts', ops)).rejects.toMatchObject({ code: 'CONNECTOR_BATCH_TOO_LARGE' });
    expect(app.writeCount).toBe(0);
  });

  it('deletes idempotently, archives by flag, and erases without a trace', async () => {
    const { app, connector } = setup();
    const [a, b] = [app.userCreate({ email: 'a@example.test' }), app.userCreate({ email: 'b@example.test' })];
    const first = await connector.write('contacts', [
      { op: 'delete', ref: 'd', id: a },
      { op: 'archive', ref: 'x', id: b },
    ]);
    expect(first.map((r) => r.status)).toEqual(['ok', 'ok']);
    expect((await connector.write('contacts', [{ op: 'delete', ref: 'd', id: a }]))[0].status).toBe('ok');
    expect(app.effectiveWriteCount).toBe(2);
    expect(app.snapshot()).toEqual({ [b]: { email: 'b@example.test', archived: true } });
    await connector.erase('contacts', a);
    expect(app.get(a)).toBeUndefined();
    expect(await connector.fetch('contacts', [a])).toEqual([]);
  });

  it('moves an email-as-id record to a new id when its email changes, keeping its stable key', async () => {
    const { app, connector } = setup({ idFromField: 'email' });
    const id = app.userCreate({ email: 'Old@Example.test' });
    const [result] = await connector.write('contacts', [update('r', id, { email: 'new@example.test' })]);
    expect(result.status === 'ok' && result.id).not.toBe(id);
    const moved = result.status === 'ok' ? result.id : '';
    expect(app.get(id)).toBeUndefined();
    expect(app.get(moved)!.fields.contact_id).toBe('m-1');
    expect(app.events.at(-1)).toMatchObject({ type: 'rekeyed', id, newId: moved, source: 'api' });
    const [dup] = await connector.write('contacts', [
      { op: 'create', ref: 'c', fields: { email: 'NEW@example.test' } },
    ]);
    expect(dup).toMatchObject({ status: 'failed', error: { code: 'DUPLICATE' } });
  });
});
