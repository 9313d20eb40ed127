import { backoffDelayMs, type Ledger } from '@tandem/ledger';
import { LEDGER_TIMEOUT_MS, ledgerTargets, openTestLedger, TestClock, type TestLedger } from './targets.js';

const targets = await ledgerTargets();
const POLICY = { maxAttempts: 3, baseMs: 1_000, maxMs: 60_000 };

describe.each(targets)('ledger cursors, runs and retries on %s', (target) => {
  let t: TestLedger;
  let ledger: Ledger;
  const clock = new TestClock();

  beforeAll(async () => {
    t = await openTestLedger(target, { clock: clock.now, retryPolicy: POLICY });
    ledger = t.ledger;
  }, LEDGER_TIMEOUT_MS);

  afterAll(async () => {
    await t?.dispose();
  }, LEDGER_TIMEOUT_MS);

  describe('cursors', () => {
    it('keeps one cursor per (sync, connection, object), so two syncs over one object never share one', async () => {
      expect(await ledger.cursors.get('contacts', 'crm', 'contacts')).toBeNull();
      await ledger.cursors.set('contacts', 'crm', 'contacts', 'ts=100|id=7');
      await ledger.cursors.set('marketing', 'crm', 'contacts', 'ts=5|id=1');
      await ledger.cursors.set('contacts', 'crm', 'companies', 'page-2');
      await ledger.cursors.set('contacts', 'crm', 'contacts', 'ts=200|id=9');

      expect(await ledger.cursors.get('contacts', 'crm', 'contacts')).toBe('ts=200|id=9');
      expect(await ledger.cursors.get('marketing', 'crm', 'contacts')).toBe('ts=5|id=1');
      expect((await ledger.cursors.list('contacts')).map((c) => [c.object, c.value])).toEqual([
        ['companies', 'page-2'],
        ['contacts', 'ts=200|id=9'],
      ]);
    });

    it('forgets only the resynced sync’s cursors', async () => {
      await ledger.cursors.set('resync-me', 'mail', 'members', 'x');
      await ledger.cursors.set('keep-me', 'mail', 'members', 'y');
      expect(await ledger.cursors.clear('resync-me')).toBe(1);
      expect(await ledger.cursors.get('resync-me', 'mail', 'members')).toBeNull();
      expect(await ledger.cursors.get('keep-me', 'mail', 'members')).toBe('y');
    });
  });

  describe('runs', () => {
    it('takes over a run whose heartbeat went stale, and leaves a live one alone', async () => {
      const dead = await ledger.runs.start('contacts', 'schedule', 'read');
      const alive = await ledger.runs.start('companies', 'webhook', 'read');
      clock.advance(30_000);
      expect(await ledger.runs.heartbeat(alive.id)).toBe(true);
      clock.advance(40_000);

      expect((await ledger.runs.findStale(60_000)).map((r) => r.id)).toEqual([dead.id]);
      expect(await ledger.runs.takeOverStale('companies', 60_000)).toEqual([]);
      const taken = await ledger.runs.takeOverStale('contacts', 60_000);
      expect(taken.map((r) => [r.id, r.status, r.stage])).toEqual([[dead.id, 'abandoned', 'read']]);

      // The old owner wakes up: its heartbeat and finish are refused, so it knows to stop.
      expect(await ledger.runs.heartbeat(dead.id)).toBe(false);
      expect(await ledger.runs.finish(dead.id, 'succeeded')).toBe(false);
      expect((await ledger.runs.get(dead.id))?.status).toBe('abandoned');
      expect((await ledger.runs.findRunning('companies')).map((r) => r.id)).toEqual([alive.id]);
    });

    it('records stage, counts and the final status of a run', async () => {
      const run = await ledger.runs.start('contacts', 'manual');
      clock.advance(1_000);
      expect(await ledger.runs.stage(run.id, 'write', { read: 12 })).toBe(true);
      clock.advance(1_000);
      expect(
        await ledger.runs.finish(run.id, 'failed', {
          counts: { read: 12, written: 3 },
          errorSummary: 'crm: 2 writes failed',
        }),
      ).toBe(true);
      const row = await ledger.runs.get(run.id);
      expect(row).toMatchObject({
        stage: 'write',
        status: 'failed',
        counts: { read: 12, written: 3 },
        errorSummary: 'crm: 2 writes failed',
      });
      expect(row?.finishedAt?.getTime()).toBe(clock.now().getTime());
      expect((await ledger.runs.recent('contacts', 1))[0].id).toBe(run.id);
    });
  });

  describe('retries', () => {
    it('backs off exponentially with the jitter it is given, then marks the write dead', async () => {
      const first = await ledger.retries.enqueue(
        {
          sync: 'contacts',
          app: 'helpdesk',
          externalId: 'h-1',
          op: 'update',
          payload: { v: 1 },
          errorClass: 'RATE_LIMITED',
          errorMessage: '429 on user h-1',
        },
        0.5,
      );
      expect(first.attempts).toBe(1);
      expect(first.nextAt.getTime() - clock.now().getTime()).toBe(backoffDelayMs(1, POLICY, 0.5));
      expect(await ledger.retries.due()).toEqual([]);

      clock.advance(backoffDelayMs(1, POLICY, 0.5));
      expect((await ledger.retries.due()).map((r) => r.id)).toEqual([first.id]);

      const second = await ledger.retries.fail(first.id, { errorClass: 'TIMEOUT', errorMessage: 'no answer' }, 0);
      expect([second.attempts, second.dead, second.lastErrorClass]).toEqual([2, false, 'TIMEOUT']);
      expect(second.nextAt.getTime() - clock.now().getTime()).toBe(backoffDelayMs(2, POLICY, 0));

      // The same write failing again in a later cycle counts on the same retry, with the newer payload.
      const third = await ledger.retries.enqueue(
        {
          sync: 'contacts',
          app: 'helpdesk',
          externalId: 'h-1',
          op: 'update',
          payload: { v: 2 },
          errorClass: 'SERVER',
          errorMessage: '502',
        },
        0,
      );
      expect([third.id, third.attempts, third.dead, third.payload]).toEqual([first.id, 3, true, { v: 2 }]);
      clock.advance(POLICY.maxMs);
      expect(await ledger.retries.due()).toEqual([]);
      expect((await ledger.retries.listDead('contacts')).map((r) => r.id)).toEqual([first.id]);
    });

    it('replays a dead retry with a fresh attempt budget, and forgets it once the write succeeds', async () => {
      const [dead] = await ledger.retries.listDead('contacts');
      expect(await ledger.retries.replay({ id: dead.id })).toBe(1);
      const due = await ledger.retries.due();
      expect(due.map((r) => [r.id, r.attempts, r.dead])).toEqual([[dead.id, 0, false]]);
      await ledger.retries.complete(dead.id);
      expect(await ledger.retries.get(dead.id)).toBeNull();
    });

    it('keeps a pending create (no external id yet) apart from other creates by its link', async () => {
      const input = { sync: 'contacts', app: 'mail', op: 'create', errorClass: 'SERVER', errorMessage: '500' };
      const a = await ledger.retries.enqueue({ ...input, linkId: '00000000-0000-4000-8000-00000000000a' }, 0);
      const b = await ledger.retries.enqueue({ ...input, linkId: '00000000-0000-4000-8000-00000000000b' }, 0);
      const a2 = await ledger.retries.enqueue({ ...input, linkId: '00000000-0000-4000-8000-00000000000a' }, 0);
      expect(a.id).not.toBe(b.id);
      expect([a2.id, a2.attempts]).toEqual([a.id, 2]);
    });
  });
});
