/** The `tandem` admin commands against the real admin API (AdminModule over a real ledger and memory apps). */
import type { AddressInfo } from 'node:net';
// eslint-disable-next-line no-restricted-imports -- apps have no path alias; this test drives two apps together
import { tandem } from '../../apps/cli/src/cli.test-kit.js';
// eslint-disable-next-line no-restricted-imports -- as above
import {
  startAdmin,
  TEST_TOKEN,
  threeAppYaml,
  type AdminHarness,
} from '../../apps/engine/src/admin/testing/admin-app.js';

let h: AdminHarness;
let env: Record<string, string>;

const emails = (app: string) => Object.values(h.state.apps[app].snapshot()).map((r) => r.email);

beforeAll(async () => {
  h = await startAdmin(threeAppYaml('cli'));
  await h.app.listen(0, '127.0.0.1');
  const { port } = h.app.getHttpServer().address() as AddressInfo;
  env = { TANDEM_URL: `http://127.0.0.1:${port}`, TANDEM_ADMIN_TOKEN: TEST_TOKEN };
  h.state.apps.crm.userCreate({ email: 'nia@example.test', firstname: 'Nia' });
  await h.state.cycle('people');
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe('tandem admin commands against the engine', () => {
  it('`tandem status` prints one line per sync with state, links and backlog', async () => {
    const run = await tandem(['status'], env);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(
      /^people\s+idle\s+1 links\s+last succeeded .+retries 0 \(dead 0\), conflicts 0, held deletes 0\n$/,
    );
    const json = JSON.parse((await tandem(['status', '--json'], env)).stdout);
    expect(json.syncs[0]).toMatchObject({ name: 'people', counts: { links: 1 } });
  });

  it('`tandem pause` and `tandem resume` change the sync state', async () => {
    expect(await tandem(['pause', 'people'], env)).toMatchObject({ code: 0, stdout: 'people: paused\n' });
    expect(h.state.syncs()[0].paused).toBe(true);
    expect(await tandem(['resume', 'people'], env)).toMatchObject({ code: 0, stdout: 'people: resumed\n' });
    expect(h.state.syncs()[0].paused).toBe(false);
  });

  it('`tandem resync --records` syncs just that record and prints the run id', async () => {
    const id = h.state.apps.crm.userCreate({ email: 'oli@example.test', firstname: 'Oli' });
    const run = await tandem(['resync', 'people', '--records', `crm:${id}`], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^people: resync 1 record\(s\) — run [0-9a-f-]{36} \(succeeded\)\n$/);
    expect(emails('desk')).toContain('oli@example.test');
    expect((await tandem(['resync', 'people'], env)).stdout).toMatch(/resync full — run/);
  });

  it('turns HTTP failures into one line and exit 1: unknown sync, wrong token', async () => {
    const unknown = await tandem(['pause', 'nope'], env);
    expect(unknown).toMatchObject({ code: 1, stdout: '' });
    expect(unknown.stderr).toBe('tandem: the engine answered 404: sync nope does not exist (ADMIN_NOT_FOUND)\n');
    const wrong = await tandem(['status'], { ...env, TANDEM_ADMIN_TOKEN: 'wrong' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^tandem: the engine answered 401: .+\n$/);
  });

  it('`tandem erase` removes the person from every app and prints what was done per app', async () => {
    const run = await tandem(['erase', 'nia@example.test'], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('  crm: 1 erased\n');
    expect(run.stdout).toContain('  mail: 1 erased\n');
    expect(run.stdout).toContain('  desk: 1 erased\n');
    expect(run.stdout).toMatch(/erased everywhere\n$/);
    expect(run.stdout).not.toContain('nia@');
    for (const app of ['crm', 'mail', 'desk']) expect(emails(app)).not.toContain('nia@example.test');
  });
});
