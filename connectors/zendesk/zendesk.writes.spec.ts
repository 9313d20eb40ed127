import type { WriteOp, WriteResult } from '@tandem/connector-sdk';
import { T0, zendeskKit, type ZdKit } from './zendesk.test-kit.js';
import { jobPollWaits } from './zendesk.writes.js';

const create = (ref: string, email: string, fields: Record<string, unknown> = {}): WriteOp => ({
  op: 'create',
  ref,
  fields: { name: ref.toUpperCase(), email, ...fields },
});

function okId(result: WriteResult | undefined): string {
  if (result?.status !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  return result.id;
}

describe('ZendeskConnector writes', () => {
  let kit: ZdKit;
  afterEach(async () => kit.close());
  const write = (ops: WriteOp[]) => kit.drive(kit.connector.write('users', ops));

  it('creates through one polled bulk job and maps a rejected user back to its op', async () => {
    kit = await zendeskKit();
    const results = await write([
      create('a', 'ann@example.test', { 'user_fields.plan': 'pro', tags: ['VIP'] }),
      create('b', 'bob@example.test', { 'user_fields.plan': 'gold' }),
      create('c', 'cy@example.test'),
    ]);
    expect(results.map((r) => [r.ref, r.status])).toEqual([
      ['a', 'ok'],
      ['b', 'failed'],
      ['c', 'ok'],
    ]);
    expect(results[1]).toMatchObject({ error: { code: 'RecordInvalid', retryable: false } });
    const ann = kit.user(okId(results[0]));
    expect([ann.email, ann.user_fields.plan, ann.tags]).toEqual(['ann@example.test', 'pro', ['vip']]);
    const stats = kit.sb.zendesk.stats().requests.byRoute;
    expect(stats['POST /api/v2/users/create_or_update_many']).toBe(1);
    expect(stats['GET /api/v2/job_statuses/:id']).toBeGreaterThan(0);
  });

  it('reports every op of a job whose status was lost as unknown, and fetch settles them', async () => {
    kit = await zendeskKit();
    kit.sb.zendesk.setFaults({ lostJobStatusRate: 1 });
    const results = await write([create('a', 'lost1@example.test'), create('b', 'lost2@example.test')]);
    expect(results.map((r) => r.status)).toEqual(['unknown', 'unknown']);
    const found = await kit.connector.findByKey('users', 'email', ['lost1@example.test', 'lost2@example.test']);
    expect(found).toHaveLength(2);
  });

  it('leaves ops unknown when the job outlives the timeout', async () => {
    kit = await zendeskKit({ jobTimeoutMs: 500 });
    kit.sb.zendesk.setSettings({ jobQueuedMs: 60_000 });
    const [result] = await write([create('a', 'slow@example.test')]);
    expect(result).toEqual({ ref: 'a', status: 'unknown' });
  });

  it('polls a job soon, then backs off to jobPollMs between polls', async () => {
    kit = await zendeskKit();
    const connector = kit.connect({ jobPollFirstMs: 100, jobPollMs: 1000 });
    kit.sb.zendesk.setSettings({ jobQueuedMs: 8000, jobWorkingMs: 0 });
    const waits: number[] = [];
    const sleep = kit.clock.sleep.bind(kit.clock);
    kit.clock.sleep = (ms: number) => {
      waits.push(ms);
      return sleep(ms);
    };
    const [result] = await kit.drive(connector.write('users', [create('a', 'slowjob@example.test')]));
    expect(result?.status).toBe('ok');
    expect(waits.slice(0, 4)).toEqual([100, 200, 400, 800]);
    expect(Math.max(...waits)).toBe(1000);
    expect(kit.sb.zendesk.stats().requests.byRoute['GET /api/v2/job_statuses/:id']).toBe(waits.length);
  });

  it('never waits longer than jobPollMs, even before the first poll', () => {
    const take = (waits: Generator<number>, n: number) => Array.from({ length: n }, () => waits.next().value as number);
    expect(take(jobPollWaits(100, 1000), 7)).toEqual([100, 200, 400, 800, 1000, 1000, 1000]);
    expect(take(jobPollWaits(100, 25), 3)).toEqual([25, 25, 25]);
  });

  it('needs a name on create and refuses batches over 100', async () => {
    kit = await zendeskKit();
    const [result] = await write([{ op: 'create', ref: 'a', fields: { email: 'noname@example.test' } }]);
    expect(result).toMatchObject({ status: 'failed', error: { code: 'REQUIRED_FIELD', field: 'name' } });
    const ops = Array.from({ length: 101 }, (_, i) => create(`r${i}`, `m${i}@example.test`));
    await expect(kit.connector.write('users', ops)).rejects.toMatchObject({ code: 'CONNECTOR_BATCH_TOO_LARGE' });
  });

  it('updates under the current email and keeps the custom fields it does not name', async () => {
    kit = await zendeskKit();
    const id = kit.add('keep@example.test', T0, { user_fields: { first_name: 'Kay', plan: 'free' } });
    const [result] = await write([
      { op: 'update', ref: 'u', id, fields: { 'user_fields.plan': 'pro', tags: ['a', 'b'] } },
    ]);
    expect(okId(result)).toBe(id);
    expect(kit.user(id).user_fields).toMatchObject({ first_name: 'Kay', plan: 'pro' });
    expect(kit.user(id).tags).toEqual(['a', 'b']);
    await write([{ op: 'update', ref: 'u2', id, fields: { tags: ['b'] } }]);
    expect(kit.user(id).tags).toEqual(['b']);
  });

  it('changes an email with a PUT on the user, never a second user', async () => {
    kit = await zendeskKit();
    const id = kit.add('old@example.test', T0);
    const [result] = await write([{ op: 'update', ref: 'u', id, fields: { email: 'new@example.test' } }]);
    expect(result).toMatchObject({ status: 'ok', id, record: { fields: { email: 'new@example.test' } } });
    expect(kit.sb.zendesk.sim.store.users.size).toBe(1);
  });

  it('fails an update of a deleted or unknown user and refuses read-only fields', async () => {
    kit = await zendeskKit();
    const id = kit.add('ro@example.test', T0);
    const results = await write([
      { op: 'update', ref: 'a', id: '999999', fields: { name: 'X' } },
      { op: 'update', ref: 'b', id, fields: { updated_at: 'x' } },
    ]);
    expect(results).toEqual([
      expect.objectContaining({ status: 'failed', error: expect.objectContaining({ code: 'NOT_FOUND' }) }),
      expect.objectContaining({ status: 'failed', error: expect.objectContaining({ code: 'READ_ONLY_FIELD' }) }),
    ]);
  });

  it('erases a user for good and treats an already erased one as done', async () => {
    kit = await zendeskKit();
    const id = kit.add('forget@example.test', T0);
    await kit.drive(kit.connector.erase('users', id));
    expect(kit.user(id).deletion).toBe('permanent');
    await expect(kit.drive(kit.connector.erase('users', id))).resolves.toBeUndefined();
    expect(await kit.connector.fetch('users', [id])).toEqual([]);
  });
});
