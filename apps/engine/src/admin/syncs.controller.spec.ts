import fc from 'fast-check';
import { tokenMatches } from './admin-auth.guard.js';
import { startAdmin, TEST_TOKEN, threeAppYaml, type AdminHarness } from './testing/admin-app.js';

const SECOND_SYNC = `  notes:
    members:
      crm: { object: contacts }
      desk: { object: contacts }
    match: [email]
    fields:
      email: { crm: email, desk: email, transform: email }
  leads:
    members:
      crm: { object: contacts }
      mail: { object: contacts }
    match: [email]
    fields:
      email: { crm: email, mail: email, transform: email }
`;

let h: AdminHarness;

beforeAll(async () => {
  h = await startAdmin(threeAppYaml('syncs', SECOND_SYNC));
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe('the admin bearer token', () => {
  it('accepts only the exact token, whatever the lengths involved', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string(), (expected, other) => {
        expect(tokenMatches(expected, expected)).toBe(true);
        if (other !== expected) expect(tokenMatches(expected, other)).toBe(false);
      }),
    );
  });

  it('never matches when no token is configured', () => {
    expect(tokenMatches('', '')).toBe(false);
  });

  it.each([
    ['GET', '/admin/syncs'],
    ['POST', '/admin/syncs/people/pause'],
    ['POST', '/admin/syncs/people/resync'],
    ['GET', '/admin/runs'],
    ['GET', '/admin/conflicts'],
    ['GET', '/admin/retries'],
    ['POST', '/admin/erase'],
    ['GET', '/admin/records/crm/1'],
  ])('answers 401 to %s %s without a token, with a wrong one, and with a non-bearer scheme', async (method, path) => {
    const send = (auth?: string) => {
      const req = method === 'GET' ? h.raw().get(path) : h.raw().post(path).send({});
      return auth ? req.set('Authorization', auth) : req;
    };
    expect((await send()).status).toBe(401);
    expect((await send('Bearer wrong-token')).status).toBe(401);
    expect((await send(`Bearer ${TEST_TOKEN}x`)).status).toBe(401);
    expect((await send(`Basic ${TEST_TOKEN}`)).status).toBe(401);
    expect(h.state.syncs().find((s) => s.name === 'people')?.paused).toBe(false);
  });
});

describe('GET /admin/syncs', () => {
  it('pages through the syncs with limit and cursor, each page pointing at the next', async () => {
    const first = await h.get('/admin/syncs?limit=2').expect(200);
    expect(first.body.items.map((s: { name: string }) => s.name)).toEqual(['people', 'notes']);
    expect(typeof first.body.next).toBe('string');
    const second = await h.get(`/admin/syncs?limit=2&cursor=${first.body.next}`).expect(200);
    expect(second.body.items.map((s: { name: string }) => s.name)).toEqual(['leads']);
    expect(second.body.next).toBeNull();
    const byOffset = await h.get('/admin/syncs?limit=1&offset=1').expect(200);
    expect(byOffset.body.items.map((s: { name: string }) => s.name)).toEqual(['notes']);
  });

  it('rejects a forged cursor and an out-of-range limit with 400', async () => {
    await h.get('/admin/syncs?cursor=bm9wZQ').expect(400);
    await h.get('/admin/syncs?limit=0').expect(400);
    await h.get('/admin/syncs?limit=501').expect(400);
  });

  it('reports state, counts and an empty backlog for a sync that has run once', async () => {
    h.state.apps.crm.userCreate({ email: 'ann@example.test', firstname: 'Ann' });
    await h.state.cycle('people');
    const res = await h.get('/admin/syncs').expect(200);
    const people = res.body.items.find((s: { name: string }) => s.name === 'people');
    expect(people).toMatchObject({
      state: 'idle',
      counts: { links: 1 },
      backlog: { retries: 0, deadRetries: 0, conflicts: 0, heldDeletes: 0 },
      lastRun: { status: 'succeeded' },
    });
  });
});

describe('pause, resume and resync', () => {
  it('pauses and resumes a sync', async () => {
    await h.post('/admin/syncs/people/pause').expect(200, { sync: 'people', paused: true });
    expect((await h.get('/admin/syncs')).body.items[0].state).toBe('paused');
    await h.post('/admin/syncs/people/resume').expect(200, { sync: 'people', paused: false });
    expect((await h.get('/admin/syncs')).body.items[0].state).toBe('idle');
  });

  it('answers 404 for an unknown sync', async () => {
    const res = await h.post('/admin/syncs/nope/pause').expect(404);
    expect(res.body.code).toBe('ADMIN_NOT_FOUND');
  });

  it('resyncs one record by app:id and returns the run id of the cycle', async () => {
    const id = h.state.apps.crm.userCreate({ email: 'bo@example.test', firstname: 'Bo' });
    const res = await h.post('/admin/syncs/people/resync', { records: [`crm:${id}`] }).expect(200);
    expect(res.body.runId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await h.get(`/admin/runs/${res.body.runId}`).expect(200)).body.run.sync).toBe('people');
    expect(Object.values(h.state.apps.desk.snapshot()).map((r) => r.email)).toContain('bo@example.test');
  });

  it('runs a full resync for an empty body and a since-resync for {since}', async () => {
    expect((await h.post('/admin/syncs/people/resync').expect(200)).body.runId).toMatch(/^[0-9a-f-]{36}$/);
    expect(
      (await h.post('/admin/syncs/people/resync', { since: '2026-01-01T00:00:00Z' }).expect(200)).body.status,
    ).toBe('succeeded');
  });

  it('refuses records of apps outside the sync, malformed refs, both scopes at once and unknown keys', async () => {
    await h.post('/admin/syncs/notes/resync', { records: ['mail:1'] }).expect(400);
    await h.post('/admin/syncs/people/resync', { records: ['no-colon'] }).expect(400);
    await h.post('/admin/syncs/people/resync', { records: ['crm:1'], since: '2026-01-01T00:00:00Z' }).expect(400);
    await h.post('/admin/syncs/people/resync', { since: 'yesterday' }).expect(400);
    await h.post('/admin/syncs/people/resync', { everything: true }).expect(400);
  });
});

describe('the OpenAPI document', () => {
  it('is served at /admin/docs-json and documents every admin route with bearer auth', async () => {
    const res = await h.raw().get('/admin/docs-json').expect(200);
    const paths = Object.keys(res.body.paths);
    for (const route of [
      '/admin/syncs',
      '/admin/syncs/{name}/pause',
      '/admin/syncs/{name}/resume',
      '/admin/syncs/{name}/resync',
      '/admin/runs',
      '/admin/runs/{id}',
      '/admin/runs/{id}/approve',
      '/admin/runs/{id}/undo',
      '/admin/records/{app}/{id}',
      '/admin/conflicts',
      '/admin/conflicts/{id}/resolve',
      '/admin/retries',
      '/admin/retries/replay',
      '/admin/erase',
      '/admin/tombstones/{id}/lift',
    ]) {
      expect(paths).toContain(route);
    }
    expect(res.body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(res.body.paths['/admin/syncs'].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['limit', 'cursor']),
    );
  });

  it('serves the interactive page at /admin/docs', async () => {
    const res = await h.raw().get('/admin/docs').redirects(1);
    expect(res.status).toBe(200);
    expect(res.text).toContain('swagger');
  });
});
