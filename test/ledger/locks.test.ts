import { setTimeout as sleep } from 'node:timers/promises';
import type { Ledger } from '@tandem/ledger';
import { LEDGER_TIMEOUT_MS, ledgerTargets, openTestLedger, type TestLedger } from './targets.js';

const targets = await ledgerTargets();

/** A promise the test resolves by hand, to hold a lock exactly as long as it wants. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** Runs `n` contenders through `lock`, each doing a read-pause-write on a shared counter; returns what they saw. */
async function contend(
  lockers: Array<(fn: () => Promise<void>) => Promise<void>>,
  perLocker: number,
): Promise<{ total: number; maxInside: number }> {
  let counter = 0;
  let inside = 0;
  let maxInside = 0;
  const work = async (): Promise<void> => {
    inside += 1;
    maxInside = Math.max(maxInside, inside);
    const seen = counter;
    await sleep(5);
    counter = seen + 1;
    inside -= 1;
  };
  await Promise.all(lockers.flatMap((lock) => Array.from({ length: perLocker }, () => lock(work))));
  return { total: counter, maxInside };
}

describe.each(targets)('ledger locks on %s', (target) => {
  let t: TestLedger;
  let ledger: Ledger;

  beforeAll(async () => {
    t = await openTestLedger(target);
    ledger = t.ledger;
  }, LEDGER_TIMEOUT_MS);

  afterAll(async () => {
    await t?.dispose();
  }, LEDGER_TIMEOUT_MS);

  it('makes a second cycle of the same sync wait until the first is done', async () => {
    const events: string[] = [];
    const hold = gate();
    const first = ledger.locks.withSyncLock('contacts', async () => {
      events.push('first in');
      await hold.promise;
      events.push('first out');
    });
    await sleep(20);
    const second = ledger.locks.withSyncLock('contacts', async () => {
      events.push('second in');
    });
    await sleep(150);
    expect(events).toEqual(['first in']);
    hold.open();
    await Promise.all([first, second]);
    expect(events).toEqual(['first in', 'first out', 'second in']);
  });

  it('answers false to trySyncLock while a cycle holds the sync, and runs once it is free', async () => {
    const hold = gate();
    const holder = ledger.locks.withSyncLock('contacts', () => hold.promise);
    await sleep(20);
    let ran = false;
    expect(await ledger.locks.trySyncLock('contacts', async () => (ran = true))).toBe(false);
    expect(ran).toBe(false);
    expect(await ledger.locks.trySyncLock('companies', async () => 'other sync')).toEqual({
      acquired: true,
      value: 'other sync',
    });
    hold.open();
    await holder;
    expect(await ledger.locks.trySyncLock('contacts', async () => 42)).toEqual({ acquired: true, value: 42 });
  });

  it('frees the lock when the cycle throws', async () => {
    await expect(ledger.locks.withSyncLock('contacts', () => Promise.reject(new Error('read failed')))).rejects.toThrow(
      'read failed',
    );
    expect(await ledger.locks.trySyncLock('contacts', async () => 'free')).toEqual({ acquired: true, value: 'free' });
  });

  it('lets exactly one writer at a time touch a link, while other links proceed', async () => {
    const sameLink = await contend([(fn) => ledger.locks.withLinkLock('link-a', fn)], 6);
    expect(sameLink).toEqual({ total: 6, maxInside: 1 });

    const hold = gate();
    const holder = ledger.locks.withLinkLock('link-b', () => hold.promise);
    await sleep(20);
    const timer = new AbortController();
    const other = await Promise.race([
      ledger.locks.withLinkLock('link-c', async () => 'ran'),
      sleep(2_000, 'blocked', { signal: timer.signal }).catch(() => 'cancelled'),
    ]);
    timer.abort();
    hold.open();
    await holder;
    expect(other).toBe('ran');
  });

  if (target === 'pglite') {
    it('needs the in-process mutex on PGlite: its advisory lock is granted to two connections at once', async () => {
      // The ledger itself uses one embedded connection; this demonstration opens a second ledger with two.
      const two = await openTestLedger('pglite', { poolSize: 2 });
      const a = two.ledger.dataSource.createQueryRunner();
      const b = two.ledger.dataSource.createQueryRunner();
      try {
        const take = async (qr: typeof a): Promise<boolean> =>
          ((await qr.query('SELECT pg_try_advisory_lock(4242) AS ok')) as Array<{ ok: boolean }>)[0].ok;
        expect([await take(a), await take(b)]).toEqual([true, true]);
      } finally {
        await a.query('SELECT pg_advisory_unlock_all()');
        await a.release();
        await b.release();
        await two.dispose();
      }
    }, LEDGER_TIMEOUT_MS);
  }

  if (target === 'postgres') {
    describe('across processes (two Ledger instances, two sessions)', () => {
      let peer: Ledger;

      beforeAll(async () => {
        peer = await t.openPeer();
      }, LEDGER_TIMEOUT_MS);

      it('refuses the sync to another process while one process runs its cycle', async () => {
        const hold = gate();
        const holder = ledger.locks.withSyncLock('contacts', () => hold.promise);
        await sleep(50);
        expect(await peer.locks.trySyncLock('contacts', async () => 'stolen')).toBe(false);

        const events: string[] = [];
        const waiting = peer.locks.withSyncLock('contacts', async () => {
          events.push('peer in');
        });
        await sleep(300);
        expect(events).toEqual([]);
        hold.open();
        await holder;
        await waiting;
        expect(events).toEqual(['peer in']);
      });

      it('serialises writers of one link across processes', async () => {
        const result = await contend(
          [(fn) => ledger.locks.withLinkLock('shared-link', fn), (fn) => peer.locks.withLinkLock('shared-link', fn)],
          4,
        );
        expect(result).toEqual({ total: 8, maxInside: 1 });
      });

      it('does not exclude a ledger in another schema of the same database', async () => {
        const stranger = await openTestLedger('postgres');
        try {
          const hold = gate();
          const holder = ledger.locks.withSyncLock('contacts', () => hold.promise);
          await sleep(50);
          expect(await stranger.ledger.locks.trySyncLock('contacts', async () => 'mine')).toEqual({
            acquired: true,
            value: 'mine',
          });
          hold.open();
          await holder;
        } finally {
          await stranger.dispose();
        }
      });
    });
  }
});
