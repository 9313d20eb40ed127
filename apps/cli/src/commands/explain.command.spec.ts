import { MemoryApps } from '@tandem/connectors/memory';
import { memoryConfig, memoryWorld, seedPeople, sharedLedger, tandem, tempDir } from '../cli.test-kit.js';
import { parseRecordRef } from './explain.command.js';

type ExplainJson = {
  records: { sync: string; linkId: string; agreed: Record<string, unknown>; members: { app: string; externalId: string | null }[] }[];
};

describe('tandem explain', () => {
  const dir = tempDir();
  let db: Awaited<ReturnType<typeof sharedLedger>>;
  let file: string;
  let world: ReturnType<typeof memoryWorld>;

  beforeEach(async () => {
    db = await sharedLedger();
    world = memoryWorld('why');
    seedPeople(world);
    file = dir.write('why.yaml', memoryConfig('why'));
    expect((await tandem(['sync', '--once', '-c', file], db.env())).code).toBe(0);
  });
  afterEach(async () => {
    MemoryApps.clear();
    await db.stop();
  });
  afterAll(() => dir.remove());

  const idOf = (app: 'crm' | 'mail' | 'desk', email: string) => {
    const found = world[app].records().find((r) => String(r.fields.email).toLowerCase() === email);
    if (!found) throw new Error(`no ${email} in ${app}`);
    return found.id;
  };

  it('shows the agreed record, its copy in every app, and who last changed each field', async () => {
    const run = await tandem(['explain', `desk:${idOf('desk', 'alan@example.test')}`, '-c', file], db.env());
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^contacts: link [0-9a-f-]+, agreed version \d+\n/);
    expect(run.stdout).toMatch(/agreed:\n\s+field\s+value\s+changed\s+from\s+rule\n/);
    expect(run.stdout).toMatch(/ {2}email\s+alan@example\.test\s/);
    expect(run.stdout).toMatch(/ {2}first_name\s+Alan\s/);
    expect(run.stdout).toMatch(new RegExp(`members:[\\s\\S]*crm\\s+${idOf('crm', 'alan@example.test')}\\s`));
    expect(run.stdout).toMatch(/changes \(latest first, 3 per field\):\n/);
  });

  it('prints the same as one JSON object, found by any member\'s id', async () => {
    const run = await tandem(['explain', `mail:${idOf('mail', 'ada@example.test')}`, '-c', file, '--json'], db.env());
    expect(run.code).toBe(0);
    const body = JSON.parse(run.stdout) as ExplainJson;
    expect(body.records).toHaveLength(1);
    expect(body.records[0]?.sync).toBe('contacts');
    expect(body.records[0]?.agreed.email).toBe('ada@example.test');
    expect(body.records[0]?.members.map((m) => m.app).sort()).toEqual(['crm', 'desk', 'mail']);
  });

  it('exits 2 with a clear message for a record the ledger does not hold', async () => {
    const run = await tandem(['explain', 'crm:no-such-id', '-c', file], db.env());
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('tandem: crm:no-such-id is not in the ledger of contacts (not synced yet, or outside the sync\'s filter)\n');
  });

  it('exits 2 for an app that is in no sync, suggesting the closest', async () => {
    const run = await tandem(['explain', 'dsk:1', '-c', file], db.env());
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no sync has a member app "dsk" (did you mean "desk"?)');
  });
});

describe('record references', () => {
  it('splits at the first colon so ids may contain colons', () => {
    expect(parseRecordRef('crm:1001')).toEqual({ app: 'crm', id: '1001' });
    expect(parseRecordRef('mail:a:b')).toEqual({ app: 'mail', id: 'a:b' });
  });

  it('rejects a reference without an app or an id', () => {
    for (const bad of ['1001', ':1001', 'crm:']) expect(() => parseRecordRef(bad)).toThrow('is not a record reference');
  });
});
