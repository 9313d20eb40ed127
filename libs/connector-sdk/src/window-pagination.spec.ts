import fc from 'fast-check';
import { paginateWindow, WindowOverflowError, type WindowAnchor, type WindowRequest } from './window-pagination.js';

interface Rec {
  id: string;
  ts: number;
}
type Mode = 'after-key' | 'from-ts';
interface Cursor {
  query: number;
  offset: number;
}

/** A deterministic scramble so that ties come back in a different order in every query, like a real search index. */
function tieRank(id: string, query: number, seed: number): number {
  let h = seed ^ (query * 0x9e3779b1);
  for (const ch of id) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193);
  return h >>> 0;
}

/** A search endpoint capped at `cap` results per query, answering 400 (a throw) when paged past the cap. */
function fakeSearch(records: Rec[], cap: number, pageSize: number, mode: Mode, seed: number) {
  let queries = 0;
  const fetchPage = async ({ anchor, cursor, remaining }: WindowRequest<Cursor>) => {
    const query = cursor?.query ?? ++queries;
    const offset = cursor?.offset ?? 0;
    const limit = Math.min(pageSize, remaining);
    if (limit < 1 || offset + limit > cap) throw new Error('400: paging past the search cap');
    const after = (r: Rec, a: WindowAnchor) => r.ts > a.ts || (r.ts === a.ts && r.id > a.id);
    const matching = records.filter((r) => !anchor || (mode === 'after-key' ? after(r, anchor) : r.ts >= anchor.ts));
    const tie = (a: Rec, b: Rec) =>
      mode === 'after-key' ? (a.id < b.id ? -1 : 1) : tieRank(a.id, query, seed) - tieRank(b.id, query, seed);
    const sorted = matching.sort((a, b) => a.ts - b.ts || tie(a, b));
    const page = sorted.slice(offset, offset + limit);
    const end = offset + page.length;
    return { records: page, next: end < sorted.length ? { query, offset: end } : null };
  };
  return { fetchPage, queries: () => queries };
}

async function readAll(records: Rec[], cap: number, pageSize: number, mode: Mode, seed = 1, start?: WindowAnchor) {
  const { fetchPage } = fakeSearch(records, cap, pageSize, mode, seed);
  const out: Rec[] = [];
  for await (const { records: page } of paginateWindow({
    fetchPage,
    keyOf: (r) => r,
    windowCap: cap,
    anchorMode: mode,
    start,
  })) {
    out.push(...page);
  }
  return out;
}

const recordSets = fc
  .array(fc.integer({ min: 0, max: 8 }), { maxLength: 60 })
  .map((stamps) => stamps.map((ts, i) => ({ id: `r${String(i).padStart(3, '0')}`, ts })));

function largestTie(records: Rec[]): number {
  const counts = new Map<number, number>();
  for (const r of records) counts.set(r.ts, (counts.get(r.ts) ?? 0) + 1);
  return Math.max(0, ...counts.values());
}

const ids = (rs: Rec[]) => rs.map((r) => r.id).sort();

describe('paginateWindow', () => {
  it('reads every record exactly once when the query can start after (ts, id), whatever the ties and cap', async () => {
    await fc.assert(
      fc.asyncProperty(
        recordSets,
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 12 }),
        async (records, cap, size) => {
          const out = await readAll(records, cap, Math.min(size, cap), 'after-key');
          expect(ids(out)).toEqual(ids(records));
          expect(new Set(out.map((r) => r.id)).size).toBe(out.length);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reads every record exactly once from a ts-only query while no timestamp is shared by a full window', async () => {
    await fc.assert(
      fc.asyncProperty(
        recordSets,
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer(),
        async (records, cap, size, seed) => {
          fc.pre(largestTie(records) < cap);
          const out = await readAll(records, cap, Math.min(size, cap), 'from-ts', seed);
          expect(ids(out)).toEqual(ids(records));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never truncates silently from a ts-only query: it reads everything once or raises WindowOverflowError', async () => {
    await fc.assert(
      fc.asyncProperty(
        recordSets,
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer(),
        async (records, cap, size, seed) => {
          const outcome = await readAll(records, cap, Math.min(size, cap), 'from-ts', seed).catch((e: unknown) => e);
          if (outcome instanceof WindowOverflowError) return;
          expect(ids(outcome as Rec[])).toEqual(ids(records));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('raises WindowOverflowError when more records share one timestamp than a window holds', async () => {
    const records = [{ id: 'a', ts: 1 }, ...['b', 'c', 'd', 'e'].map((id) => ({ id, ts: 2 })), { id: 'f', ts: 3 }];
    await expect(readAll(records, 3, 3, 'from-ts')).rejects.toBeInstanceOf(WindowOverflowError);
  });

  it('re-anchors a 10-record cap over 35 records and asks each query for no more than it may return', async () => {
    const records = Array.from({ length: 35 }, (_, i) => ({
      id: `r${String(i).padStart(2, '0')}`,
      ts: Math.floor(i / 3),
    }));
    const { fetchPage, queries } = fakeSearch(records, 10, 4, 'after-key', 1);
    const anchors: Array<WindowAnchor | null> = [];
    const out: Rec[] = [];
    for await (const page of paginateWindow({ fetchPage, keyOf: (r) => r, windowCap: 10, anchorMode: 'after-key' })) {
      out.push(...page.records);
      anchors.push(page.anchor);
    }
    expect(out.map((r) => r.id)).toEqual(records.map((r) => r.id));
    expect(queries()).toBe(4);
    expect(anchors.at(-1)).toEqual({ id: 'r34', ts: 11 });
  });

  it('resumes from a saved anchor without repeating the anchor record', async () => {
    const records = [
      { id: 'a', ts: 1 },
      { id: 'b', ts: 2 },
      { id: 'c', ts: 2 },
      { id: 'd', ts: 3 },
    ];
    const exact = await readAll(records, 2, 2, 'after-key', 1, { id: 'b', ts: 2 });
    expect(exact.map((r) => r.id)).toEqual(['c', 'd']);
    const fromTs = await readAll(records, 3, 2, 'from-ts', 1, { id: 'b', ts: 2 });
    expect(ids(fromTs)).toEqual(['c', 'd']);
  });
});
