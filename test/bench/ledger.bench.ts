/**
 * Ledger write rate, the way the cycle writes: `ledger.links.createMany` (the first sync's write-ahead) and
 * `ledger.links.saveMany` (every cycle's settle) per chunk of 200 links (runtime CHUNK), each link 1 link row + 3 member
 * rows with match keys, against a batched `INSERT … ON CONFLICT` of the same rows in the same chunks on the same
 * database and tables. The per-link `create` / `save` calls are measured too, on fewer links, as a labelled second
 * line (not the cycle's path). Runs on embedded PGlite always, and on Postgres when one answers at
 * TANDEM_BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { LinkState, MemberState } from '@tandem/core';
import { openLedger, postgresReachable, type Ledger, type MatchKey, type SaveLinkInput } from '@tandem/ledger';
import { checked, info, notMeasured, type Figure } from './report.js';
import { personRecords } from './workload.js';

export const BENCH_DATABASE_URL = process.env.TANDEM_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SYNC = 'contacts';
/** The cycle's chunk (libs/runtime/src/cycle.ts CHUNK): one createMany / saveMany transaction per chunk. */
export const CHUNK = 200;
/** Links measured through the per-link calls (context only: a transaction per link). */
const PER_LINK = 500;

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

function chunks<T>(items: T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
}

async function timed(work: () => Promise<void>): Promise<number> {
  const started = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/** The same link after one edit, as the settle step saves it (every member acked at the new version). */
function edited(linkId: string, person: Person): SaveLinkInput {
  const state: LinkState = {
    ...person.link,
    linkId,
    agreed: { ...person.link.agreed, first_name: 'Edited' },
    agreedVersion: 2,
    members: person.link.members.map((m) => ({ ...m, ackedVersion: 2, appVersion: '2000' })),
  };
  return { sync: SYNC, state, expectedVersion: 1, matchKeys: person.keys };
}

/** One chunk of link and link_member rows upserted in one transaction (sync `raw-bench`, never colliding with the ledger's). */
async function rawChunk(ledger: Ledger, batch: { linkId: string; memberIds: string[]; person: Person }[], now: Date): Promise<void> {
  const q = (t: string) => `"${ledger.schema}"."${t}"`;
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

async function rawUpsert(ledger: Ledger, rows: { linkId: string; memberIds: string[]; person: Person }[]): Promise<void> {
  const now = new Date();
  for (const batch of chunks(rows, CHUNK)) await rawChunk(ledger, batch, now);
}

/** The cycle's path: createMany, then saveMany of every link edited once, a chunk per transaction. */
async function chunked(ledger: Ledger, all: Person[]): Promise<{ createSecs: number; saveSecs: number }> {
  const ids: string[] = [];
  const createSecs = await timed(async () => {
    for (const batch of chunks(all, CHUNK)) {
      ids.push(...(await ledger.links.createMany(SYNC, batch.map((p) => ({ agreed: p.link.agreed, agreedVersion: 1, members: p.link.members, matchKeys: p.keys })))));
    }
  });
  const saves = all.map((p, i) => edited(ids[i] as string, p));
  const saveSecs = await timed(async () => {
    for (const batch of chunks(saves, CHUNK)) await ledger.links.saveMany(batch);
  });
  if ((await ledger.links.count(SYNC)) < all.length) throw new Error('createMany lost links');
  return { createSecs, saveSecs };
}

/** Per-link calls (a transaction per link), for context. */
async function perLink(ledger: Ledger, all: Person[]): Promise<{ createSecs: number; saveSecs: number }> {
  const ids: string[] = [];
  const createSecs = await timed(async () => {
    for (const p of all) ids.push((await ledger.links.create(`${SYNC}-single`, { agreed: p.link.agreed, agreedVersion: 1, members: p.link.members, matchKeys: p.keys })).linkId);
  });
  const saves = all.map((p, i) => ({ ...edited(ids[i] as string, p), sync: `${SYNC}-single` }));
  const saveSecs = await timed(async () => {
    for (const input of saves) await ledger.links.save(input);
  });
  return { createSecs, saveSecs };
}

async function measure(ledger: Ledger, count: number, section: string): Promise<Figure[]> {
  const all = people(count);
  const bulk = await chunked(ledger, all);
  const rows = all.map((person) => ({ linkId: randomUUID(), memberIds: person.link.members.map(() => randomUUID()), person }));
  const rawInsertSecs = await timed(() => rawUpsert(ledger, rows));
  const rawUpdateSecs = await timed(() => rawUpsert(ledger, rows));
  const single = await perLink(ledger, all.slice(0, Math.min(PER_LINK, count)));
  const singleCount = Math.min(PER_LINK, count);
  const rate = (secs: number, n = count) => n / secs;
  const work = `${count.toLocaleString('en-US')} links × (1 link + 3 member rows with match keys), chunks of ${CHUNK} (one transaction each, one at a time), as runCycle writes them; raw: the same rows, same chunks, multi-row INSERT … ON CONFLICT`;
  return [
    info(section, 'ledger.links.createMany (chunks of 200)', rate(bulk.createSecs), 'links/s', work),
    info(section, 'raw batched INSERT … ON CONFLICT (new rows)', rate(rawInsertSecs), 'links/s', ''),
    checked(section, 'createMany ÷ raw insert', (100 * rawInsertSecs) / bulk.createSecs, '%', { min: 50 }, 'the initial-sync write-ahead path'),
    info(section, 'ledger.links.saveMany (chunks of 200)', rate(bulk.saveSecs), 'links/s', 'agreed + 3 members + match keys, expectedVersion checked under FOR UPDATE; no audit rows'),
    info(section, 'raw batched INSERT … ON CONFLICT (existing rows → update)', rate(rawUpdateSecs), 'links/s', ''),
    checked(section, 'saveMany ÷ raw upsert', (100 * rawUpdateSecs) / bulk.saveSecs, '%', { min: 50 }, 'the every-cycle settle path'),
    info(section, 'per-link ledger.links.create (not the cycle path)', rate(single.createSecs, singleCount), 'links/s', `${singleCount} links, one transaction each, 1 in flight; context only`),
    info(section, 'per-link ledger.links.save (not the cycle path)', rate(single.saveSecs, singleCount), 'links/s', 'the same links, one transaction each'),
  ];
}


export async function ledgerBench(count: number): Promise<Figure[]> {
  const figures: Figure[] = [];
  const pglite = await openLedger({ databaseUrl: null, dataDir: 'memory://' });
  try {
    figures.push(...(await measure(pglite, count, 'ledger (PGlite, in memory)')));
  } finally {
    await pglite.close();
  }
  if (!(await postgresReachable(BENCH_DATABASE_URL))) {
    figures.push(notMeasured('ledger (Postgres)', 'createMany/saveMany ÷ raw', '≥ 50 %', `no Postgres answered at ${BENCH_DATABASE_URL.replace(/:[^:@/]+@/, ':***@')}`));
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
