import { startAdmin, threeAppYaml, type AdminHarness } from './testing/admin-app.js';

let h: AdminHarness;

function firstNames(email: string): unknown[] {
  return ['crm', 'mail', 'desk'].map(
    (app) => Object.values(h.state.apps[app].snapshot()).find((r) => r.email === email)?.firstname,
  );
}

function idIn(app: string, email: string): string {
  return Object.entries(h.state.apps[app].snapshot()).find(([, r]) => r.email === email)?.[0] as string;
}

/** A person linked in all three apps. */
async function person(email: string, firstname: string): Promise<void> {
  h.state.apps.crm.userCreate({ email, firstname });
  await h.state.cycle('people');
}

/** One app edits the first name; the cycle carries it everywhere; returns that run's id. */
async function rename(app: string, email: string, firstname: string): Promise<string> {
  h.state.apps[app].userEdit(idIn(app, email), { firstname });
  const report = await h.state.cycle('people');
  expect(firstNames(email)).toEqual([firstname, firstname, firstname]);
  return report.runId as string;
}

beforeAll(async () => {
  h = await startAdmin(threeAppYaml('runs'));
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe('GET /admin/runs and /admin/runs/:id', () => {
  it('pages through runs newest first and shows a run with its audit rows', async () => {
    await person('dee@example.test', 'Dee');
    const renamed = await rename('crm', 'dee@example.test', 'Deedee');
    const first = await h.get('/admin/runs?limit=1&sync=people').expect(200);
    expect(first.body.items.map((r: { id: string }) => r.id)).toEqual([renamed]);
    const second = await h.get(`/admin/runs?limit=1&sync=people&cursor=${first.body.next}`).expect(200);
    expect(second.body.items).toHaveLength(1);
    expect(second.body.items[0].id).not.toBe(renamed);
    const run = await h.get(`/admin/runs/${renamed}`).expect(200);
    expect(run.body.run).toMatchObject({ id: renamed, sync: 'people', status: 'succeeded' });
    expect(run.body.changes.items).toContainEqual(
      expect.objectContaining({ op: 'update', field: 'first_name', before: 'Dee', after: 'Deedee' }),
    );
  });

  it('filters by status and rejects an unknown one', async () => {
    expect((await h.get('/admin/runs?status=held').expect(200)).body.items).toEqual([]);
    await h.get('/admin/runs?status=bogus').expect(400);
  });

  it('answers 404 for an unknown run and refuses to approve a run that holds nothing (409)', async () => {
    await h.get('/admin/runs/00000000-0000-4000-8000-000000000000').expect(404);
    const latest = (await h.get('/admin/runs?limit=1').expect(200)).body.items[0];
    expect((await h.post(`/admin/runs/${latest.id}/approve`).expect(409)).body.code).toBe('ADMIN_CONFLICT');
  });
});

describe('POST /admin/runs/:id/undo', () => {
  it("writes the run's before-images back to every app and audits the undo", async () => {
    await person('eve@example.test', 'Eve');
    const run = await rename('mail', 'eve@example.test', 'Evelyn');
    const res = await h.post(`/admin/runs/${run}/undo`).expect(200);
    expect(res.body).toMatchObject({ undone: run, links: 1, fields: 1 });
    expect(firstNames('eve@example.test')).toEqual(['Eve', 'Eve', 'Eve']);
    const audit = await h.get(`/admin/runs/${res.body.undoRunId}`).expect(200);
    expect(audit.body.changes.items).toEqual([
      expect.objectContaining({ op: 'undo', field: 'first_name', before: 'Evelyn', after: 'Eve' }),
    ]);
    // The restored value is agreed: a later full cycle keeps it.
    await h.state.cycle('people', { full: true });
    expect(firstNames('eve@example.test')).toEqual(['Eve', 'Eve', 'Eve']);
  });

  it('refuses, changing nothing, when a field the run changed was changed again since (409 with the list)', async () => {
    await person('fay@example.test', 'Fay');
    const run = await rename('crm', 'fay@example.test', 'Faye');
    await rename('desk', 'fay@example.test', 'Fayette');
    const res = await h.post(`/admin/runs/${run}/undo`).expect(409);
    expect(res.body.code).toBe('ADMIN_UNDO_REFUSED');
    expect(res.body.details.refused).toEqual([
      expect.objectContaining({ field: 'first_name', reason: 'changed-since' }),
    ]);
    expect(firstNames('fay@example.test')).toEqual(['Fayette', 'Fayette', 'Fayette']);
  });

  it('refuses even when a later change set the value back to what the run left', async () => {
    await person('gil@example.test', 'Gil');
    const run = await rename('crm', 'gil@example.test', 'Gilbert');
    await rename('crm', 'gil@example.test', 'G');
    await rename('crm', 'gil@example.test', 'Gilbert');
    expect((await h.post(`/admin/runs/${run}/undo`).expect(409)).body.details.refused[0].reason).toBe('changed-since');
  });

  it('refuses a run that touched a person erased since', async () => {
    await person('hal@example.test', 'Hal');
    const run = await rename('crm', 'hal@example.test', 'Harold');
    await h.post('/admin/erase', { email: 'hal@example.test' }).expect(200);
    const res = await h.post(`/admin/runs/${run}/undo`).expect(409);
    expect(res.body.details.refused).toEqual([expect.objectContaining({ field: null, reason: 'erased' })]);
    expect(firstNames('hal@example.test')).toEqual([undefined, undefined, undefined]);
  });

  it('answers 409 while the run is still running and 404 for an unknown one', async () => {
    const running = await h.state.ledger.runs.start('people', 'manual', 'read');
    await h.post(`/admin/runs/${running.id}/undo`).expect(409);
    await h.state.ledger.runs.finish(running.id, 'failed', { errorSummary: 'test' });
    await h.post('/admin/runs/00000000-0000-4000-8000-000000000000/undo').expect(404);
  });
});
