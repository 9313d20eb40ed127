import { LEDGER_MIGRATIONS } from '@tandem/ledger';
import { memoryConfig, sharedLedger, tandem, tempDir } from '../cli.test-kit.js';

describe('tandem migrate', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  it('applies every migration to a fresh ledger, lists them, and reports up to date the second time', async () => {
    const db = await sharedLedger();
    try {
      const file = dir.write('migrate.yaml', memoryConfig('m'));
      const first = await tandem(['migrate', '-c', file], db.env());
      expect(first.code).toBe(0);
      const applied = first.stdout.split('\n').filter((line) => line.startsWith('applied '));
      expect(applied).toHaveLength(LEDGER_MIGRATIONS.length);
      expect(first.stdout).toContain(`postgres: ${LEDGER_MIGRATIONS.length} migration`);
      const second = await tandem(['migrate', '-c', file], db.env());
      expect(second).toEqual({ code: 0, stdout: 'postgres: up to date\n', stderr: '' });
    } finally {
      await db.stop();
    }
  });

  it('uses the embedded store of engine.dataDir when DATABASE_URL is unset, without needing the connectors', async () => {
    // The memory apps this config names are not registered: migrate must not build connectors.
    const file = dir.write('embedded.yaml', memoryConfig('unregistered'));
    const run = await tandem(['migrate', '-c', file], {});
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('embedded PGlite in memory://');
    expect(run.stdout).toContain(`${LEDGER_MIGRATIONS.length} migration`);
  });

  it('exits 2 with every issue of an invalid config and touches no database', async () => {
    const file = dir.write('invalid.yaml', 'connections: {}\nsyncs: {}\n');
    const run = await tandem(['migrate', '-c', file], { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/error/);
  });

  it('fails with one line and exit 1 when the database cannot be reached', async () => {
    const file = dir.write('unreachable.yaml', memoryConfig('u'));
    const run = await tandem(['migrate', '-c', file], { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('tandem: cannot connect to the postgres ledger database (LEDGER_UNAVAILABLE)\n');
  });
});
