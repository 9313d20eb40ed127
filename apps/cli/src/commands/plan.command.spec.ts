import { liveEmails, memoryConfig, memoryWorld, seedPeople, tandem, useCliWorld } from '../cli.test-kit.js';

type PlanJson = {
  syncs: {
    sync: string;
    status: string;
    apps: Record<string, Record<string, number>>;
    samples: { app: string; kind: string; externalId: string | null; fields?: string[] }[];
  }[];
};

describe('tandem plan', () => {
  const { dir, db: current } = useCliWorld();
  let db: ReturnType<typeof current>;
  beforeEach(() => {
    db = current();
  });

  it('shows what the first sync would create without writing to any app or to the ledger', async () => {
    const world = memoryWorld('dry');
    seedPeople(world);
    const before = { crm: world.crm.snapshot(), mail: world.mail.snapshot(), desk: world.desk.snapshot() };
    const file = dir.write('dry.yaml', memoryConfig('dry'));
    const run = await tandem(['plan', '-c', file], db.env());
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^contacts: plan \(succeeded\) — nothing was written\n/);
    expect(run.stdout).toMatch(/app\s+read\s+linked\s+created\s+updated\s+deleted\s+conflicts\s+duplicates\n/);
    expect(run.stdout).toMatch(/\n {2}crm\s+2\s+\d+\s+1\s/);
    expect({ crm: world.crm.snapshot(), mail: world.mail.snapshot(), desk: world.desk.snapshot() }).toEqual(before);
    const ledger = await db.open();
    try {
      expect(await ledger.links.count('contacts')).toBe(0);
    } finally {
      await ledger.close();
    }
  });

  it('prints one JSON object whose samples name ids and fields but never values', async () => {
    seedPeople(memoryWorld('json'));
    const file = dir.write('json.yaml', memoryConfig('json'));
    const run = await tandem(['plan', '-c', file, '--json'], db.env());
    expect(run.code).toBe(0);
    const plan = JSON.parse(run.stdout) as PlanJson;
    expect(plan.syncs.map((s) => s.sync)).toEqual(['contacts']);
    expect(plan.syncs[0]?.apps.crm).toMatchObject({ read: 2, created: 1 });
    expect(plan.syncs[0]?.apps.desk).toMatchObject({ read: 2, created: 1 });
    expect(plan.syncs[0]?.samples.length).toBeGreaterThan(0);
    for (const sample of plan.syncs[0]?.samples ?? []) expect(Object.keys(sample).sort()).not.toContain('values');
    expect(run.stdout).not.toMatch(/@example\.test|Lovelace|Turing|\+44/);
  });

  it('plans the same thing twice in a row, because planning records nothing', async () => {
    const world = memoryWorld('twice');
    seedPeople(world);
    const file = dir.write('twice.yaml', memoryConfig('twice'));
    const first = JSON.parse((await tandem(['plan', '-c', file, '--json'], db.env())).stdout) as PlanJson;
    const second = JSON.parse((await tandem(['plan', '-c', file, '--json'], db.env())).stdout) as PlanJson;
    expect(second.syncs[0]?.apps).toEqual(first.syncs[0]?.apps);
    expect(liveEmails(world.desk)).toEqual(['alan@example.test', 'edsger@example.test']);
  });

  it('refuses an unknown --sync with exit 2', async () => {
    const file = dir.write('unknown.yaml', memoryConfig('unknown'));
    memoryWorld('unknown');
    const run = await tandem(['plan', '-c', file, '--sync', 'people'], db.env());
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no sync named "people"');
  });
});
