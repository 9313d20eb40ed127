import { liveEmails, memoryConfig, memoryWorld, seedPeople, tandem, useCliWorld, type SyncJson } from '../cli.test-kit.js';

type Json = SyncJson;

describe('tandem approve', () => {
  const { dir, db: current } = useCliWorld();
  let db: ReturnType<typeof current>;
  beforeEach(() => {
    db = current();
  });

  it('carries out the deletes a held run was waiting for', async () => {
    const world = memoryWorld('hold');
    seedPeople(world);
    const file = dir.write('hold.yaml', memoryConfig('hold', '    deletes: propagate\n    maxDeletes: 1\n'));
    expect((await tandem(['sync', '--once', '-c', file], db.env())).code).toBe(0);
    for (const record of world.crm.records()) world.crm.userDelete(record.id);

    const held = await tandem(['sync', '--once', '-c', file], db.env());
    expect(held.code).toBe(0);
    const runId = /\(run ([0-9a-f-]{36})\)/.exec(held.stdout)?.[1];
    expect(held.stdout).toContain(`contacts: held in`);
    expect(held.stdout).toContain(`3 deletes wait for approval: tandem approve ${runId}`);
    expect(liveEmails(world.desk)).toHaveLength(3);

    const approved = await tandem(['approve', runId ?? '', '-c', file, '--json'], db.env());
    expect(approved.code).toBe(0);
    expect((JSON.parse(approved.stdout) as Json).syncs[0]?.status).toBe('succeeded');
    expect(liveEmails(world.desk)).toEqual([]);
  });

  it('refuses to approve a run that is not held, with exit 2', async () => {
    seedPeople(memoryWorld('done'));
    const file = dir.write('done.yaml', memoryConfig('done'));
    const runId = (JSON.parse((await tandem(['sync', '--once', '-c', file, '--json'], db.env())).stdout) as Json).syncs[0]?.runId;
    const run = await tandem(['approve', runId ?? '', '-c', file], db.env());
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`tandem: run ${runId} cannot be approved: its status is succeeded (RUN_NOT_HELD)\n`);
  });

  it('exits 2 for a run id that is malformed or unknown', async () => {
    memoryWorld('none');
    const file = dir.write('none.yaml', memoryConfig('none'));
    const malformed = await tandem(['approve', 'latest', '-c', file], db.env());
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('"latest" is not a run id');
    const unknown = await tandem(['approve', '00000000-0000-4000-8000-000000000000', '-c', file], db.env());
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no run 00000000-0000-4000-8000-000000000000 in the ledger');
  });
});
