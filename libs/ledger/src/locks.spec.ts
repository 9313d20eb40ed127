import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource } from 'typeorm';
import { Locks } from './locks.js';

/** A data source whose one query runner counts how many of its queries run at the same time. */
function countingDataSource() {
  const seen = { inFlight: 0, most: 0, queries: 0 };
  const runner = {
    connect: async () => undefined,
    release: async () => undefined,
    query: async (sql: string) => {
      seen.queries += 1;
      seen.inFlight += 1;
      seen.most = Math.max(seen.most, seen.inFlight);
      await sleep(2);
      seen.inFlight -= 1;
      return sql.includes('pg_try_advisory_lock') ? [{ ok: true }] : [];
    },
  };
  return { dataSource: { createQueryRunner: () => runner } as unknown as DataSource, seen };
}

describe('Locks on Postgres (advisory lock session)', () => {
  it('sends the session one query at a time however many locks are taken and given back at once', async () => {
    const { dataSource, seen } = countingDataSource();
    const locks = new Locks(dataSource, 'public', true);
    const results = await Promise.all([
      ...Array.from({ length: 12 }, (_, i) => locks.trySyncLock(`sync-${i}`, async () => sleep(i % 3))),
      ...Array.from({ length: 12 }, (_, i) => locks.withLinkLock(`link-${i}`, async () => sleep(i % 2))),
    ]);
    expect(results.slice(0, 12).every((r) => r !== false)).toBe(true);
    // 24 locks taken and given back: 48 statements, never two on the one connection at once.
    expect(seen.queries).toBe(48);
    expect(seen.most).toBe(1);
    await locks.close();
  });
});
