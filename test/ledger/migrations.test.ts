import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LEDGER_MIGRATIONS, openLedger } from '@tandem/ledger';
import { LEDGER_TIMEOUT_MS, ledgerTargets, openTestLedger, TEST_DATABASE_URL, type TestLedger } from './targets.js';

const targets = await ledgerTargets();

const LEDGER_TABLES = [
  'change',
  'conflict',
  'cursor',
  'ledger_migrations',
  'link',
  'link_member',
  'retry',
  'run',
  'sync_state',
  'tombstone',
  'webhook_event',
];

async function tablesOf(t: TestLedger): Promise<string[]> {
  const rows: Array<{ table_name: string }> = await t.ledger.dataSource.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY table_name`,
    [t.ledger.schema],
  );
  return rows.map((r) => r.table_name);
}

describe.each(targets)('ledger migrations on %s', (target) => {
  let t: TestLedger;

  beforeAll(async () => {
    t = await openTestLedger(target);
  }, LEDGER_TIMEOUT_MS);

  afterAll(async () => {
    await t?.dispose();
  }, LEDGER_TIMEOUT_MS);

  it('creates every ledger table on a fresh database', async () => {
    expect(await tablesOf(t)).toEqual(LEDGER_TABLES);
    const applied: Array<{ name: string }> = await t.ledger.dataSource.query(
      `SELECT name FROM "${t.ledger.schema}"."ledger_migrations" ORDER BY id`,
    );
    expect(applied.map((r) => r.name)).toEqual(LEDGER_MIGRATIONS.map((m) => new m().name));
  });

  it('applies nothing when migrate runs again, and keeps the data', async () => {
    const link = await t.ledger.links.create('contacts', { agreed: { first_name: 'Ada' } });
    expect(await t.ledger.migrate()).toEqual([]);
    expect((await t.ledger.links.load(link.linkId))?.agreed).toEqual({ first_name: 'Ada' });
  });

  if (target === 'postgres') {
    it('lets two engine processes open a fresh schema at the same moment and migrates it once', async () => {
      const schema = `ledger_test_race_${process.pid}_${Date.now()}`;
      const opened = await Promise.allSettled([
        openLedger({ databaseUrl: TEST_DATABASE_URL, schema }),
        openLedger({ databaseUrl: TEST_DATABASE_URL, schema }),
      ]);
      const ledgers = opened.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      try {
        expect(opened.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
        const rows: Array<{ n: number }> = await t.ledger.dataSource.query(
          `SELECT count(*)::int AS n FROM "${schema}"."ledger_migrations"`,
        );
        expect(rows[0].n).toBe(LEDGER_MIGRATIONS.length);
      } finally {
        await t.ledger.dataSource.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        for (const l of ledgers) await l.close();
      }
    });

    it('uses DATABASE_URL from the environment when no URL is passed', async () => {
      const link = await t.ledger.links.create('contacts', { agreed: { plan: 'env' } });
      const saved = process.env.DATABASE_URL;
      process.env.DATABASE_URL = TEST_DATABASE_URL;
      try {
        const viaEnv = await openLedger({ schema: t.ledger.schema, runMigrations: false });
        try {
          expect(viaEnv.kind).toBe('postgres');
          expect((await viaEnv.links.load(link.linkId))?.agreed).toEqual({ plan: 'env' });
        } finally {
          await viaEnv.close();
        }
      } finally {
        if (saved === undefined) delete process.env.DATABASE_URL;
        else process.env.DATABASE_URL = saved;
      }
    });
  }

  it('leaves nothing for the entity definitions to change: entities and hand-written SQL agree', async () => {
    const sql = await t.ledger.dataSource.driver.createSchemaBuilder().log();
    expect(sql.upQueries.map((q) => q.query)).toEqual([]);
  });
});

describe('embedded ledger persistence', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tandem-ledger-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it(
    'keeps links in its data folder across a restart without migrating twice',
    async () => {
      const first = await openLedger({ databaseUrl: null, dataDir: dir });
      const link = await first.links.create('contacts', { agreed: { plan: 'pro' } });
      await first.close();

      const second = await openLedger({ databaseUrl: null, dataDir: dir, runMigrations: false });
      try {
        expect(await second.migrate()).toEqual([]);
        expect((await second.links.load(link.linkId))?.agreed).toEqual({ plan: 'pro' });
      } finally {
        await second.close();
      }
    },
    LEDGER_TIMEOUT_MS * 2,
  );

  it(
    'creates the schema only when migrate is called if opened with runMigrations false',
    async () => {
      const fresh = await openLedger({ databaseUrl: null, dataDir: 'memory://', runMigrations: false });
      try {
        const before: Array<{ n: number }> = await fresh.dataSource.query(
          `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'`,
        );
        expect(before[0].n).toBe(0);
        expect(await fresh.migrate()).toEqual(LEDGER_MIGRATIONS.map((m) => new m().name));
      } finally {
        await fresh.close();
      }
    },
    LEDGER_TIMEOUT_MS,
  );
});

describe('ledger database unavailable', () => {
  it('fails with LEDGER_UNAVAILABLE and keeps the connection URL out of the message', async () => {
    const url = 'postgres://tandem:s3cret-pw@127.0.0.1:1/nowhere';
    const attempt = openLedger({ databaseUrl: url });
    await expect(attempt).rejects.toMatchObject({ code: 'LEDGER_UNAVAILABLE' });
    const err = (await attempt.catch((e: unknown) => e)) as Error & { details: Record<string, unknown> };
    expect(`${err.message} ${JSON.stringify(err.details)}`).not.toContain('s3cret-pw');
  });
});
