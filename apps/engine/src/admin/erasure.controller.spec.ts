import { startAdmin, threeAppYaml, type AdminHarness } from './testing/admin-app.js';

let h: AdminHarness;

const emails = (app: string) =>
  Object.values(h.state.apps[app].snapshot())
    .map((r) => r.email)
    .sort();
const idIn = (app: string, email: string) =>
  Object.entries(h.state.apps[app].snapshot()).find(([, r]) => r.email === email)?.[0] as string;

beforeAll(async () => {
  h = await startAdmin(threeAppYaml('erasure'));
  h.state.apps.crm.userCreate({ email: 'lea@example.test', firstname: 'Lea' });
  h.state.apps.desk.userCreate({ email: 'max@example.test', firstname: 'Max' });
  await h.state.cycle('people');
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe('GET /admin/records/:app/:id', () => {
  it('explains a record: agreed values, members in every app and its audit, paged', async () => {
    const res = await h.get(`/admin/records/crm/${idIn('crm', 'lea@example.test')}?limit=1`).expect(200);
    expect(res.body).toMatchObject({
      sync: 'people',
      agreed: { email: 'lea@example.test', first_name: 'Lea' },
      deleted: false,
    });
    expect(res.body.members.map((m: { app: string }) => m.app)).toEqual(['crm', 'desk', 'mail']);
    expect(res.body.changes.items).toHaveLength(1);
    expect(typeof res.body.changes.next).toBe('string');
  });

  it('answers 404 for a record no link holds', async () => {
    await h.get('/admin/records/crm/no-such-id').expect(404);
    await h.get('/admin/records/crm/x?sync=nope').expect(404);
  });
});

describe('POST /admin/erase', () => {
  let crmId: string;

  it('removes the person from every app, reports per app, and a later cycle does not bring them back', async () => {
    crmId = idIn('crm', 'lea@example.test');
    const res = await h.post('/admin/erase', { email: 'LEA@example.test' }).expect(200);
    expect(res.body.complete).toBe(true);
    const apps = res.body.syncs[0].apps.map((a: { app: string; erased: string[] }) => [a.app, a.erased.length]);
    expect(apps).toEqual([
      ['crm', 1],
      ['mail', 1],
      ['desk', 1],
    ]);
    for (const app of ['crm', 'mail', 'desk']) expect(emails(app)).toEqual(['max@example.test']);
    await h.state.cycle('people', { full: true });
    for (const app of ['crm', 'mail', 'desk']) expect(emails(app)).toEqual(['max@example.test']);
  });

  it('leaves the explain view of the erased link without any of their values', async () => {
    const res = await h.get(`/admin/records/crm/${crmId}?limit=100`).expect(200);
    expect(res.body).toMatchObject({ agreed: {}, deleted: true });
    expect(JSON.stringify(res.body).toLowerCase()).not.toContain('lea');
  });

  it('keeps a suppression tombstone that stops a stale app from re-creating them, until an admin lifts it', async () => {
    const list = await h.get('/admin/tombstones?sync=people').expect(200);
    const erasure = list.body.items.find((t: { kind: string }) => t.kind === 'erasure');
    expect(erasure.keyHash).toMatch(/^[0-9a-f]+$/);
    h.state.apps.mail.userCreate({ email: 'lea@example.test', firstname: 'Lea (old list)' });
    await h.state.cycle('people', { full: true });
    expect(emails('crm')).toEqual(['max@example.test']);
    expect(emails('desk')).toEqual(['max@example.test']);

    await h.post(`/admin/tombstones/${erasure.id}/lift`).expect(200, { lifted: erasure.id });
    await h.post(`/admin/tombstones/${erasure.id}/lift`).expect(404);
    const after = await h.get('/admin/tombstones?sync=people').expect(200);
    expect(after.body.items.some((t: { id: string }) => t.id === erasure.id)).toBe(false);
  });

  it('answers 400 to a value that is not an email and to a missing one', async () => {
    expect((await h.post('/admin/erase', { email: 'nobody' }).expect(400)).body.code).toBe('ERASE_INVALID_EMAIL');
    await h.post('/admin/erase', {}).expect(400);
  });

  it('never logs the erased email', () => {
    expect(h.state.logger.lines.join('\n').toLowerCase()).not.toContain('lea@');
  });
});

describe('GET /admin/retries and POST /admin/retries/replay', () => {
  it('lists dead retries without their payload values and replays them by id or by sync', async () => {
    const mailId = idIn('mail', 'max@example.test');
    const { ledger } = h.state;
    // Fail the same write until the retry is dead (its attempt budget spent).
    for (let attempt = 0; attempt < 50 && (await ledger.retries.listDead('people')).length === 0; attempt += 1) {
      await ledger.retries.enqueue(
        {
          sync: 'people',
          app: 'mail',
          externalId: mailId,
          op: 'update',
          payload: { firstname: 'Maxi' },
          errorClass: 'E',
          errorMessage: 'refused',
        },
        0,
      );
    }
    const dead = await h.get('/admin/retries?dead=true&limit=1').expect(200);
    expect(dead.body.items).toEqual([
      expect.objectContaining({ app: 'mail', externalId: mailId, dead: true, payloadFields: ['firstname'] }),
    ]);
    expect(JSON.stringify(dead.body)).not.toContain('Maxi');
    await h.post('/admin/retries/replay', { id: dead.body.items[0].id }).expect(200, { replayed: 1 });
    expect((await h.get('/admin/retries?dead=true').expect(200)).body.items).toEqual([]);
    expect((await h.get('/admin/syncs').expect(200)).body.items[0].backlog.retries).toBe(1);
    await h.post('/admin/retries/replay', { sync: 'people' }).expect(200, { replayed: 0 });
    await h.post('/admin/retries/replay', { id: dead.body.items[0].id, sync: 'people' }).expect(400);
    await h.post('/admin/retries/replay', { id: 'nope' }).expect(404);
  });
});
