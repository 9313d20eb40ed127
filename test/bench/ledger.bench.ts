/**
 * Ledger write rate: `ledger.links.create` / `ledger.links.save` of N linked people (1 link + 3 member rows each)
 * against a batched `INSERT … ON CONFLICT` of the same rows on the same database and tables. Runs on embedded
 * PGlite always and on Postgres when one answers at TANDEM_BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import type { LinkState, MemberState } from '@tandem/core';
import { openLedger, type Ledger, type MatchKey } from '@tandem/ledger';
import { checked, info, notMeasured, type Figure } from './report.js';
import { personRecords } from './workload.js';

export const BENCH_DATABASE_URL = process.env.TANDEM_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SYNC = 'contacts';
/**
 * Calls in flight. On PGlite three or more concurrent transactions through the socket server fail ("portal does not
 * exist") and lose links (`LEDGER_NOT_FOUND … vanished right after it was created`): the bench keeps to one there.
 */
const CONCURRENCY: Record<Ledger['kind'], number> = { postgres: 8, pglite: 1 };
const RAW_BATCH = 500;

interface Person {
  link: LinkState;
  keys: Record<string, MatchKey[]>;
}

function people(count: number): Person[] {
  return Array.from({ length: count }, (_, i) => {
    const records = personRecords(i);
    const members: MemberState[] = records.map(({ app, raw }) => ({ app, externalId: `${app}-${i}`, shadow: raw, appVersion: '1000', ackedVersion: 1, pending: [] }));
    const email = `person${i}@example.test`;
    const link: LinkState = { linkId: '', agreed: { email, first_name: String(records[0]?.raw.firstname) }, fieldMeta: {}, agreedVersion: 1, members, openConflicts: [] };
    return { link, keys: Object.fromEntries(records.map((r) => [r.app, [{ field: 'email', value: email }]])) };
  });
}

async function inParallel<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

async function timed(work: () => Promise<void>): Promise<number> {
  const started = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/** Batched upserts of link and link_member rows (sync `raw-bench`, so they never collide with the ledger's). */
async function rawUpsert(ledger: Ledger, rows: { linkId: string; memberIds: string[]; person: Person }[]): Promise<void> {
  const q = (t: string) => `"${ledger.schema}"."${t}"`;
  const now = new Date();
  for (let start = 0; start < rows.length; start += RAW_BATCH) {
    const batch = rows.slice(start, start + RAW_BATCH);
    const linkParams: unknown[] = [];
    const linkValues = batch.map((r, i) => {
      linkParams.push(r.linkId, 'raw-bench', JSON.stringify(r.person.link.agreed), '{}', r.person.link.agreedVersion, now, now);
      const b = i * 7;
      return `($${b + 1}, $${b + 2}, $${b + 3}::jsonb, $${b + 4}::jsonb, $${b + 5}, $${b + 6}, $${b + 7})`;
    });
    const memberParams: unknown[] = [];
    const memberValues = batch.flatMap((r) =>
      r.person.link.members.map((m, k) => {
        const b = memberParams.length;
        const keys = (r.person.keys[m.app] ?? []).map((key) => ledger.hashMatchKey(key));
        memberParams.push(r.memberIds[k], r.linkId, 'raw-bench', m.app, m.externalId, JSON.stringify(m.shadow), m.appVersion, m.ackedVersion, '[]', keys, now, now);
        return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}::jsonb, $${b + 7}, $${b + 8}, $${b + 9}::jsonb, $${b + 10}::text[], $${b + 11}, $${b + 12})`;
      }),
    );
    await ledger.dataSource.transaction(async (em) => {
      await em.query(
        `INSERT INTO ${q('link')} (id, sync, agreed, field_meta, agreed_version, created_at, updated_at) VALUES ${linkValues.join(', ')}
         ON CONFLICT (id) DO UPDATE SET agreed = EXCLUDED.agreed, field_meta = EXCLUDED.field_meta, agreed_version = EXCLUDED.agreed_version, updated_at = EXCLUDED.updated_at`,
        linkParams,
      );
      await em.query(
        `INSERT INTO ${q('link_member')} (id, link_id, sync, app, external_id, shadow, app_version, acked_version, pending, match_keys, created_at, updated_at) VALUES ${memberValues.join(', ')}
         ON CONFLICT (id) DO UPDATE SET shadow = EXCLUDED.shadow, app_version = EXCLUDED.app_version, acked_version = EXCLUDED.acked_version, pending = EXCLUDED.pending, match_keys = EXCLUDED.match_keys, updated_at = EXCLUDED.updated_at`,
        memberParams,
      );
    });
  }
}

async function measure(ledger: Ledger, count: number, section: string): Promise<Figure[]> {
  const inFlight = CONCURRENCY[ledger.kind];
  const all = people(count);
  const created: LinkState[] = [];
  const createSecs = await timed(() => inParallel(all, inFlight, async (p) => void created.push(await ledger.links.create(SYNC, { agreed: p.link.agreed, agreedVersion: 1, members: p.link.members, matchKeys: p.keys }))));
  const edited = created.map((l) => ({ ...l, agreed: { ...l.agreed, first_name: 'Edited' }, agreedVersion: l.agreedVersion + 1, members: l.members.map((m) => ({ ...m, ackedVersion: l.agreedVersion + 1, appVersion: '2000' })) }));
  const saveSecs = await timed(() => inParallel(edited, inFlight, (state) => ledger.links.save({ sync: SYNC, state, expectedVersion: state.agreedVersion - 1 })));
  const rows = all.map((person) => ({ linkId: randomUUID(), memberIds: person.link.members.map(() => randomUUID()), person }));
  const rawInsertSecs = await timed(() => rawUpsert(ledger, rows));
  const rawUpdateSecs = await timed(() => rawUpsert(ledger, rows));
  const rate = (secs: number) => count / secs;
  const work = `${count.toLocaleString('en-US')} links × (1 link + 3 member rows), ${inFlight} in flight; raw: ${RAW_BATCH} links per INSERT … ON CONFLICT, one transaction per batch`;
  return [
    info(section, 'ledger.links.create', rate(createSecs), 'links/s', work),
    info(section, 'raw batched INSERT … ON CONFLICT (new rows)', rate(rawInsertSecs), 'links/s', ''),
    checked(section, 'create ÷ raw insert', (100 * rawInsertSecs) / createSecs, '%', { min: 50 }, 'the initial-sync write path'),
    info(section, 'ledger.links.save', rate(saveSecs), 'links/s', 'update of agreed + 3 members, expectedVersion checked'),
    info(section, 'raw batched INSERT … ON CONFLICT (existing rows → update)', rate(rawUpdateSecs), 'links/s', ''),
    checked(section, 'save ÷ raw upsert', (100 * rawUpdateSecs) / saveSecs, '%', { min: 50 }, 'the every-cycle write path'),
  ];
}

export async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: BENCH_DATABASE_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function ledgerBench(count: number): Promise<Figure[]> {
  const figures: Figure[] = [];
  const pglite = await openLedger({ databaseUrl: null, dataDir: 'memory://' });
  try {
    figures.push(...(await measure(pglite, count, 'ledger (PGlite, in memory)')));
  } finally {
    await pglite.close();
  }
  if (!(await postgresReachable())) {
    figures.push(notMeasured('ledger (Postgres)', 'create/save ÷ raw', '≥ 50 %', `no Postgres answered at ${BENCH_DATABASE_URL.replace(/:[^:@/]+@/, ':***@')}`));
    return figures;
  }
  const schema = `bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  const postgres = await openLedger({ databaseUrl: BENCH_DATABASE_URL, schema });
  try {
    figures.push(...(await measure(postgres, count, 'ledger (Postgres 127.0.0.1)')));
  } finally {
    await postgres.dataSource.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await postgres.close();
  }
  return figures;
}
