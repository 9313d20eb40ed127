import {
  fakeTerminal,
  liveEmails,
  memoryConfig,
  memoryWorld,
  seedPeople,
    tandem,
  useCliWorld,
  type SyncJson,
} from '../cli.test-kit.js';

const ALL = ['ada@example.test', 'alan@example.test', 'edsger@example.test'];
type Json = SyncJson;

describe('tandem sync --once', () => {
  const { dir, db: current } = useCliWorld();
  let db: ReturnType<typeof current>;
  beforeEach(() => {
    db = current();
  });

  it('converges three apps in one cycle and finds nothing to do on the second (one JSON object each)', async () => {
    const world = memoryWorld('conv');
    seedPeople(world);
    const file = dir.write('conv.yaml', memoryConfig('conv'));
    const first = await tandem(['sync', '--once', '-c', file, '--json'], db.env());
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const report = JSON.parse(first.stdout) as Json;
    expect(report.syncs).toHaveLength(1);
    expect(report.syncs[0]).toMatchObject({ sync: 'contacts', status: 'succeeded' });
    expect(report.syncs[0]?.runId).toEqual(expect.any(String));
    expect(report.syncs[0]?.apps.crm).toMatchObject({ created: 1, failed: 0 });
    expect(report.syncs[0]?.apps.desk).toMatchObject({ created: 1 });
    expect(report.syncs[0]?.apps.mail).toMatchObject({ created: 0 });
    expect(Object.keys(report.syncs[0]?.apps.crm ?? {}).sort()).toEqual(
      ['conflicts', 'created', 'deleted', 'duplicates', 'failed', 'linked', 'read', 'rejected', 'retried', 'updated'],
    );
    expect(liveEmails(world.crm)).toEqual(ALL);
    expect(liveEmails(world.desk)).toEqual(ALL);
    expect(liveEmails(world.mail)).toEqual(['ada@example.test']);

    const second = JSON.parse((await tandem(['sync', '--once', '-c', file, '--json'], db.env())).stdout) as Json;
    for (const counts of Object.values(second.syncs[0]?.apps ?? {})) {
      expect(counts).toMatchObject({ created: 0, updated: 0, deleted: 0, failed: 0 });
    }
  });

  it('prints a summary table and plain progress lines when stderr is not a terminal', async () => {
    seedPeople(memoryWorld('table'));
    const file = dir.write('table.yaml', memoryConfig('table'));
    const run = await tandem(['sync', '--once', '-c', file], db.env());
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^contacts: succeeded in \d+\.\ds \(run [0-9a-f-]{36}\)\n/);
    expect(run.stdout).toMatch(/app\s+read\s+linked\s+created\s+updated\s+deleted\s+conflicts\s+duplicates\s+failed\s+retried\s+rejected/);
    expect(run.stdout).toMatch(/\n {2}desk\s+2\s+\d+\s+1\s/);
    expect(run.stderr).toMatch(/^contacts: read crm \d+/m);
    expect(run.stdout).not.toContain('@');
  });

  it('draws a progress bar per member app on a terminal', async () => {
    seedPeople(memoryWorld('tty'));
    const file = dir.write('tty.yaml', memoryConfig('tty'));
    const terminal = fakeTerminal();
    const run = await tandem(['sync', '--once', '-c', file], db.env(), { progressStream: terminal });
    expect(run.code).toBe(0);
    for (const app of ['crm ', 'mail', 'desk']) expect(terminal.text()).toContain(`contacts ${app}`);
    expect(terminal.text()).toContain('█');
    expect(run.stderr).toBe('');
  });

  it('reads only changes after the first cycle, and everything again with --full', async () => {
    seedPeople(memoryWorld('full'));
    const file = dir.write('full.yaml', memoryConfig('full'));
    await tandem(['sync', '--once', '-c', file, '--json'], db.env());
    const again = JSON.parse((await tandem(['sync', '--once', '-c', file, '--json'], db.env())).stdout) as Json;
    // Incremental: at most what the first cycle itself wrote to the CRM (the one person it created there).
    expect(again.syncs[0]?.apps.crm?.read).toBeLessThan(3);
    const full = JSON.parse((await tandem(['sync', '--once', '--full', '-c', file, '--json'], db.env())).stdout) as Json;
    expect(full.syncs[0]?.apps.crm?.read).toBe(3);
    expect(full.syncs[0]?.apps.crm).toMatchObject({ created: 0, updated: 0 });
  });

  it('exits 1 when a record fails to write, and says which app in the JSON', async () => {
    const world = memoryWorld('fail');
    seedPeople(world);
    world.crm.failNext((op) => op.op === 'create', { code: 'VALIDATION', message: 'property email is invalid', retryable: false });
    const file = dir.write('fail.yaml', memoryConfig('fail'));
    const run = await tandem(['sync', '--once', '-c', file, '--json'], db.env());
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as Json;
    expect(report.syncs[0]?.status).toBe('failed');
    expect(report.syncs[0]?.apps.crm?.failed).toBe(1);
  });

  it('runs only the sync named by --sync and refuses an unknown name with exit 2', async () => {
    seedPeople(memoryWorld('named'));
    const file = dir.write('named.yaml', memoryConfig('named'));
    const unknown = await tandem(['sync', '--once', '-c', file, '--sync', 'contact'], db.env());
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('tandem: no sync named "contact" (did you mean "contacts"?) (syncs: contacts) (CLI_USAGE)\n');
    const named = await tandem(['sync', '--once', '-c', file, '--sync', 'contacts', '--json'], db.env());
    expect((JSON.parse(named.stdout) as Json).syncs.map((s) => s.sync)).toEqual(['contacts']);
  });

  it('exits 2 with the file:line of each problem when the config is invalid', async () => {
    const file = dir.write('broken.yaml', memoryConfig('broken').replace('match: [email]', 'match: [emial]'));
    const run = await tandem(['sync', '--once', '-c', file, '--json'], db.env());
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`${file}:`);
    expect(run.stderr).toMatch(/1 error\n$/);
  });

  it('exits 2 when a connection names a memory app nobody registered', async () => {
    const file = dir.write('ghost.yaml', memoryConfig('ghost'));
    const run = await tandem(['sync', '--once', '-c', file], db.env());
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('connection crm: memory setting app names no registered memory app');
  });

  it('asks for --once instead of starting a long-running loop', async () => {
    const run = await tandem(['sync', '-c', 'whatever.yaml']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('add --once');
  });
});
