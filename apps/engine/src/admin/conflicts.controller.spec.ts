import { startAdmin, threeAppYaml, type AdminHarness } from './testing/admin-app.js';

let h: AdminHarness;
const ids: Record<string, { crm: string; mail: string }> = {};

/**
 * Links a person everywhere, then has crm and mail change `plan` to different values: the cycle freezes the field.
 * The conflict row is opened through the ledger here, as the cycle's save would, so this spec tests the admin
 * side whatever the runtime does with conflict decisions.
 */
async function conflictFor(name: string): Promise<void> {
  const crm = h.state.apps.crm.userCreate({ email: `${name}@example.test`, firstname: name, plan: 'free' });
  await h.state.cycle('people');
  const mail = Object.entries(h.state.apps.mail.snapshot()).find(
    ([, r]) => r.email === `${name}@example.test`,
  )?.[0] as string;
  ids[name] = { crm, mail };
  h.state.apps.crm.userEdit(crm, { plan: 'pro' });
  h.state.apps.mail.userEdit(mail, { plan: 'team' });
  const report = await h.state.cycle('people');
  expect(report.flags.map((f) => f.kind)).toContain('frozen');
  const linkId = (await h.state.ledger.links.loadByMember('people', 'crm', crm))?.linkId as string;
  await h.state.ledger.conflicts.open(linkId, 'plan', { crm: 'pro', mail: 'team' });
}

function plans(email: string): unknown[] {
  return ['crm', 'mail', 'desk'].map(
    (app) => Object.values(h.state.apps[app].snapshot()).find((r) => r.email === email)?.plan,
  );
}

beforeAll(async () => {
  h = await startAdmin(threeAppYaml('conflicts'));
  for (const name of ['ann', 'bo', 'cy']) await conflictFor(name);
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe('GET /admin/conflicts', () => {
  it('lists open conflicts a page at a time with their candidates', async () => {
    const first = await h.get('/admin/conflicts?limit=2&sync=people').expect(200);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.items[0]).toMatchObject({
      field: 'plan',
      status: 'open',
      candidates: { crm: 'pro', mail: 'team' },
    });
    const second = await h.get(`/admin/conflicts?limit=2&sync=people&cursor=${first.body.next}`).expect(200);
    expect(second.body.items).toHaveLength(1);
    expect(second.body.next).toBeNull();
    const all = [...first.body.items, ...second.body.items].map((c: { id: string }) => c.id);
    expect(new Set(all).size).toBe(3);
  });

  it('shows the held field in the sync backlog', async () => {
    const res = await h.get('/admin/syncs').expect(200);
    expect(res.body.items[0].backlog.conflicts).toBe(3);
  });
});

describe('POST /admin/conflicts/:id/resolve', () => {
  async function conflictOf(name: string): Promise<{ id: string; linkId: string }> {
    const list = await h.get('/admin/conflicts?limit=10').expect(200);
    for (const c of list.body.items as { id: string; linkId: string }[]) {
      const explained = await h.get(`/admin/records/crm/${ids[name].crm}`).expect(200);
      if (explained.body.linkId === c.linkId) return c;
    }
    throw new Error(`no open conflict for ${name}`);
  }

  it("takes the chosen app's candidate and writes it to every app", async () => {
    const conflict = await conflictOf('ann');
    const res = await h.post(`/admin/conflicts/${conflict.id}/resolve`, { app: 'crm' }).expect(200);
    expect(res.body).toMatchObject({ conflictId: conflict.id, field: 'plan', linkId: conflict.linkId });
    expect(res.body.runId).toMatch(/^[0-9a-f-]{36}$/);
    expect(plans('ann@example.test')).toEqual(['pro', 'pro', 'pro']);
    const explained = await h.get(`/admin/records/crm/${ids.ann.crm}`).expect(200);
    expect(explained.body.openConflicts).toEqual([]);
    expect(
      explained.body.changes.items.some((c: { op: string; field: string }) => c.op === 'resolve' && c.field === 'plan'),
    ).toBe(true);
  });

  it('takes a value of its own and writes it to every app', async () => {
    const conflict = await conflictOf('bo');
    await h.post(`/admin/conflicts/${conflict.id}/resolve`, { value: 'enterprise' }).expect(200);
    expect(plans('bo@example.test')).toEqual(['enterprise', 'enterprise', 'enterprise']);
    // A later full cycle leaves the agreed value alone: nothing reopens.
    await h.state.cycle('people', { full: true });
    expect(plans('bo@example.test')).toEqual(['enterprise', 'enterprise', 'enterprise']);
    expect((await h.get('/admin/conflicts').expect(200)).body.items).toHaveLength(1);
  });

  it('refuses to resolve a conflict twice (409) or with both app and value (400)', async () => {
    const open = (await h.get('/admin/conflicts').expect(200)).body.items[0];
    await h.post(`/admin/conflicts/${open.id}/resolve`, { app: 'crm', value: 'x' }).expect(400);
    await h.post(`/admin/conflicts/${open.id}/resolve`, {}).expect(400);
    await h.post(`/admin/conflicts/${open.id}/resolve`, { value: { nested: true } }).expect(400);
    await h.post(`/admin/conflicts/${open.id}/resolve`, { app: 'mail' }).expect(200);
    const again = await h.post(`/admin/conflicts/${open.id}/resolve`, { app: 'crm' }).expect(409);
    expect(again.body.code).toBe('ADMIN_CONFLICT');
    expect(plans('cy@example.test')).toEqual(['team', 'team', 'team']);
  });

  it('answers 404 for an unknown conflict and 400 for an id that is not one', async () => {
    await h.post('/admin/conflicts/00000000-0000-4000-8000-000000000000/resolve', { app: 'crm' }).expect(404);
    await h.post('/admin/conflicts/42/resolve', { app: 'crm' }).expect(400);
  });
});
