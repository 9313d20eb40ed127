import { MemoryClock, MemoryApp } from './memory.app.js';
import { idForKeyValue } from './memory.store.js';

function setup(options: ConstructorParameters<typeof MemoryApp>[0] = {}) {
  const clock = new MemoryClock(1_000);
  return { clock, app: new MemoryApp({ clock: clock.now, ...options }) };
}

describe('MemoryApp as a user sees it', () => {
  it('gives records stable m-<n> ids and stamps them from the injected clock, many on one timestamp', () => {
    const { app, clock } = setup();
    const a = app.userCreate({ email: 'a@example.test' });
    const b = app.userCreate({ email: 'b@example.test' });
    clock.advance(5);
    app.userEdit(a, { firstname: 'Ada' });
    expect([a, b]).toEqual(['m-1', 'm-2']);
    expect([app.get(a)!.updatedAt, app.get(b)!.updatedAt]).toEqual([1_005, 1_000]);
    expect(app.get(a)!.createdAt).toBe(1_000);
  });

  it('merges a nested patch into its object instead of replacing the siblings', () => {
    const { app } = setup();
    const id = app.userCreate({ email: 'n@example.test', address: { city: 'Oslo', country: 'NO' } });
    app.userEdit(id, { 'address.city': 'Bergen' });
    app.userEdit(id, { address: { country: 'SE' } });
    expect(app.snapshot()[id].address).toEqual({ city: 'Bergen', country: 'SE' });
    app.userEdit(id, { 'address.city': undefined, 'address.country': undefined });
    expect(app.snapshot()[id]).toEqual({ email: 'n@example.test' });
  });

  it('stores tags-like set fields as arrays of distinct strings', () => {
    const { app } = setup();
    const id = app.userCreate({ email: 't@example.test', tags: ['vip', 'vip', 'churn-risk'] });
    expect(app.snapshot()[id].tags).toEqual(['vip', 'churn-risk']);
    app.userEdit(id, { tags: 'solo' });
    expect(app.snapshot()[id].tags).toEqual(['solo']);
  });

  it('reformats what a user types the same way it reformats API writes', () => {
    const { app } = setup({ reformat: { 'custom.code': (v) => String(v).toUpperCase() } });
    const id = app.userCreate({ email: 'r@example.test', custom: { code: 'ab-1' } });
    expect(app.snapshot()[id].custom).toEqual({ code: 'AB-1' });
  });

  it('tracks per-field update times only for the leaves that changed', () => {
    const { app, clock } = setup();
    const id = app.userCreate({ email: 'f@example.test', firstname: 'A' });
    clock.advance(3);
    app.userEdit(id, { firstname: 'B', email: 'f@example.test' });
    expect(app.get(id)!.fieldUpdatedAt).toEqual({ email: 1_000, firstname: 1_003 });
  });

  it('does not count user edits as API writes, and logs them as user events', () => {
    const { app } = setup();
    const id = app.userCreate({ email: 'e@example.test' });
    app.userEdit(id, { plan: 'pro' });
    app.userEdit(id, { plan: 'pro' });
    app.userDelete(id);
    expect([app.writeCount, app.effectiveWriteCount]).toEqual([0, 0]);
    expect(app.events.map((e) => [e.type, e.source])).toEqual([
      ['created', 'user'],
      ['changed', 'user'],
      ['deleted', 'user'],
    ]);
    expect(app.takeEvents()).toHaveLength(3);
    expect(app.takeEvents()).toEqual([]);
  });

  it('refuses user edits the app itself would refuse, without echoing the value', () => {
    const { app } = setup({ uniqueField: 'email' });
    const id = app.userCreate({ email: 'Same@example.test' });
    expect(() => app.userCreate({ email: 'same@EXAMPLE.test ' })).toThrow(
      expect.objectContaining({ code: 'MEMORY_USER_EDIT_DUPLICATE' }),
    );
    expect(() => app.userEdit(id, { role: 'superuser' })).toThrow(/not an option of field role/);
    expect(() => app.userEdit('m-99', { plan: 'x' })).toThrow(
      expect.objectContaining({ code: 'MEMORY_USER_EDIT_NOT_FOUND' }),
    );
    const refusal = (() => {
      try {
        app.userCreate({ email: 'same@example.test' });
      } catch (error) {
        return (error as Error).message;
      }
      return 'accepted';
    })();
    expect(refusal).toMatch(/same email/);
    expect(refusal).not.toContain('example.test');
  });
});

describe('MemoryApp ids that change', () => {
  it('derives email-as-id ids from the lowercased email and moves the record when the email changes', () => {
    const { app } = setup({ idFromField: 'email' });
    const id = app.userCreate({ email: ' Ada@Example.test' });
    expect(id).toBe(idForKeyValue('email', 'ada@example.test'));
    app.userEdit(id, { email: 'ada@new.test' });
    const moved = idForKeyValue('email', 'ada@new.test');
    expect(Object.keys(app.snapshot())).toEqual([moved]);
    expect(app.events.at(-1)).toMatchObject({ type: 'rekeyed', id, newId: moved });
    expect(() => app.userEdit(moved, { contact_id: 'm-7' })).toThrow(/read-only/);
  });

  it('rekeys a record by hand and logs where it went', () => {
    const { app, clock } = setup();
    const id = app.userCreate({ email: 'k@example.test' });
    clock.advance(1);
    app.rekey(id, 'x-1');
    expect(app.get(id)).toBeUndefined();
    expect(app.get('x-1')).toMatchObject({ serial: 'm-1', updatedAt: 1_001 });
    expect(app.events.at(-1)).toMatchObject({ type: 'rekeyed', id, newId: 'x-1' });
  });

  it('merges one record into another, leaving a tombstone that says where it went', () => {
    const { app } = setup();
    const a = app.userCreate({ email: 'a@example.test' });
    const b = app.userCreate({ email: 'b@example.test' });
    app.userMerge(a, b);
    expect(app.get(a)).toMatchObject({ deleted: true, mergedInto: b });
    expect(Object.keys(app.snapshot())).toEqual([b]);
    expect(app.events.at(-1)).toMatchObject({ type: 'merged', id: a, intoId: b });
  });
});

describe('MemoryApp search', () => {
  it('stops returning after the window limit from one anchor and reports the total', () => {
    const { app } = setup({ pageSize: 2, windowLimit: 3 });
    for (let i = 0; i < 5; i++) app.userCreate({ email: `s${i}@example.test` });
    const first = app.search({ anchor: null });
    const second = app.search({ anchor: null, pageToken: first.nextPageToken });
    expect([first.records.length, second.records.length, second.nextPageToken, second.total]).toEqual([2, 1, null, 5]);
  });
});
