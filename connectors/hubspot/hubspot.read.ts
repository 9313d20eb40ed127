/**
 * Reading HubSpot objects. A read from no cursor lists every live record in id order (the list endpoint, which does
 * not lag like search does) and marks its last page complete. Later reads ask search for records modified since the
 * cursor, re-reading a lookback window (`lagMs`) because the search index trails writes by up to ~30 s; the runtime
 * drops versions it already holds. Archived records come from the `archived=true` list as delete signals.
 *
 * Incremental pages are keyset-paged by (modified time, id): each search query starts strictly after the last
 * record served. HubSpot's `after` is an offset, and an offset over a set that edits keep reordering skips records;
 * `windowCap` above the page size pages with `after` inside one query, never past HubSpot's 10,000-result cap.
 */
import {
  ConnectorError,
  paginateCursor,
  paginateWindow,
  type AppRecord,
  type Cursor,
  type ReadPage,
  type WindowAnchor,
} from '@tandem/connector-sdk';
import type { HubspotClient, SearchRequest } from './hubspot.client.js';
import {
  MODIFIED_PROPERTY,
  modifiedAt,
  parseTime,
  toAppRecord,
  type HubspotObject,
  type HubspotObjectRecord,
} from './hubspot.fields.js';

/** HubSpot's limit on results one search query can page through. */
export const SEARCH_RESULT_CAP = 10_000;

/** Where a read resumes: inside a full read (list `after`), or after (ts, id) of the modification order. */
export type ReadState =
  | { mode: 'full'; after: string | null; t0: WindowAnchor | null }
  | { mode: 'changes'; ts: number; id: string; archivedSince: number };

function anchorOf(value: unknown): WindowAnchor | null {
  if (typeof value !== 'object' || value === null) return null;
  const { ts, id } = value as Record<string, unknown>;
  return typeof ts === 'number' && typeof id === 'string' ? { ts, id } : null;
}

export function encodeCursor(state: ReadState): Cursor {
  return Buffer.from(JSON.stringify({ v: 1, ...state })).toString('base64url');
}

export function decodeCursor(cursor: Cursor): ReadState {
  try {
    const raw = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (raw.v === 1 && raw.mode === 'full') {
      const after = typeof raw.after === 'string' ? raw.after : null;
      return { mode: 'full', after, t0: anchorOf(raw.t0) };
    }
    if (raw.v === 1 && raw.mode === 'changes' && typeof raw.ts === 'number' && typeof raw.id === 'string') {
      const archivedSince = typeof raw.archivedSince === 'number' ? raw.archivedSince : raw.ts;
      return { mode: 'changes', ts: raw.ts, id: raw.id, archivedSince };
    }
  } catch {
    // fall through to the typed error
  }
  throw new ConnectorError('CONNECTOR_CURSOR_INVALID', 'hubspot read cursor cannot be decoded');
}

export interface ReadContext {
  client: HubspotClient;
  /** Records per list or search page (HubSpot: at most 100 on lists). */
  pageSize: number;
  /** Results one search query may page through before re-anchoring (≤ 10,000). */
  windowCap: number;
  /** Search index lag allowed for: each incremental read starts this far before the cursor. */
  lagMs: number;
  pollArchived: boolean;
  properties(object: HubspotObject): Promise<string[]>;
  /** Adds per-field change times when the connection asks for them. */
  enrich(object: HubspotObject, records: AppRecord[]): Promise<AppRecord[]>;
}

/** Pages of changes since `cursor` (null: every live record, the last page marked complete). */
export async function* readObject(
  ctx: ReadContext,
  object: HubspotObject,
  cursor: Cursor | null,
): AsyncGenerator<ReadPage> {
  const state = cursor === null ? null : decodeCursor(cursor);
  if (state === null || state.mode === 'full') yield* fullRead(ctx, object, state);
  else yield* changesSince(ctx, object, state);
}

/**
 * The last record in (modified, id) order that search knows before a full read starts. Changes made while the list
 * is paged are stamped later, so the first incremental read (from here, minus the lag) sees them.
 */
async function latestModified(ctx: ReadContext, object: HubspotObject): Promise<WindowAnchor | null> {
  const modified = MODIFIED_PROPERTY[object];
  const page = await ctx.client.search(object, {
    filterGroups: [],
    sorts: [
      { propertyName: modified, direction: 'DESCENDING' },
      { propertyName: 'hs_object_id', direction: 'DESCENDING' },
    ],
    properties: [modified],
    limit: 1,
  });
  const first = page.results[0];
  return first === undefined ? null : { ts: modifiedAt(object, first), id: String(first.id) };
}

async function* fullRead(
  ctx: ReadContext,
  object: HubspotObject,
  resume: Extract<ReadState, { mode: 'full' }> | null,
): AsyncGenerator<ReadPage> {
  const t0 = resume ? resume.t0 : await latestModified(ctx, object);
  const properties = await ctx.properties(object);
  const pages = paginateCursor(
    (after: string | null) => ctx.client.list(object, { limit: ctx.pageSize, after: after ?? undefined, properties }),
    (page) => page.paging?.next?.after,
    { start: resume?.after ?? null },
  );
  for await (const { page, next } of pages) {
    const records = await ctx.enrich(object, page.results.map((r) => toAppRecord(object, r)));
    if (next !== null) {
      yield { records, cursor: encodeCursor({ mode: 'full', after: next, t0 }) };
      continue;
    }
    const since = t0 ?? { ts: 0, id: '' };
    const done = encodeCursor({ mode: 'changes', ts: since.ts, id: since.id, archivedSince: since.ts });
    // Only a read that began from nothing has seen every record itself.
    yield { records, cursor: done, ...(resume === null ? { complete: true } : {}) };
  }
}

/** Filters for records after `anchor` in (modified, id) order; an anchor without id starts inclusively at its time. */
function filtersAfter(object: HubspotObject, anchor: WindowAnchor): SearchRequest['filterGroups'] {
  const modified = MODIFIED_PROPERTY[object];
  const ts = String(anchor.ts);
  if (anchor.id === '') return [{ filters: [{ propertyName: modified, operator: 'GTE', value: ts }] }];
  return [
    { filters: [{ propertyName: modified, operator: 'GT', value: ts }] },
    {
      filters: [
        { propertyName: modified, operator: 'EQ', value: ts },
        { propertyName: 'hs_object_id', operator: 'GT', value: anchor.id },
      ],
    },
  ];
}

function later(a: WindowAnchor, b: WindowAnchor): WindowAnchor {
  if (a.ts !== b.ts) return a.ts > b.ts ? a : b;
  return Number(a.id || 0) >= Number(b.id || 0) ? a : b;
}

async function* changesSince(
  ctx: ReadContext,
  object: HubspotObject,
  state: Extract<ReadState, { mode: 'changes' }>,
): AsyncGenerator<ReadPage> {
  // Archives first, under the old cursor: a crash after them replays them rather than skipping any.
  let archivedSince = state.archivedSince;
  if (ctx.pollArchived) {
    for await (const page of archivedSinceMark(ctx, object, state.archivedSince - ctx.lagMs)) {
      archivedSince = Math.max(archivedSince, page.newest);
      if (page.records.length > 0) yield { records: page.records, cursor: encodeCursor(state) };
    }
  }
  let reached: WindowAnchor = { ts: state.ts, id: state.id };
  let yielded = false;
  for await (const { records, anchor } of searchWindows(ctx, object, state)) {
    if (anchor) reached = later(reached, anchor);
    const cursor = encodeCursor({ mode: 'changes', ts: reached.ts, id: reached.id, archivedSince });
    yield { records: await ctx.enrich(object, records.map((r) => toAppRecord(object, r))), cursor };
    yielded = true;
  }
  if (!yielded && archivedSince !== state.archivedSince) {
    yield { records: [], cursor: encodeCursor({ ...state, archivedSince }) };
  }
}

/** Search pages from the lookback start, re-anchored whenever a query's window is used up. */
function searchWindows(ctx: ReadContext, object: HubspotObject, state: Extract<ReadState, { mode: 'changes' }>) {
  const modified = MODIFIED_PROPERTY[object];
  // Without a lag the cursor itself is exact; with one, start earlier and inclusively.
  const start: WindowAnchor =
    ctx.lagMs > 0 || state.id === '' ? { ts: state.ts - ctx.lagMs, id: '' } : { ts: state.ts, id: state.id };
  let properties: string[] | undefined;
  return paginateWindow<HubspotObjectRecord, string>({
    fetchPage: async ({ anchor, cursor, remaining }) => {
      properties ??= await ctx.properties(object);
      const page = await ctx.client.search(object, {
        filterGroups: filtersAfter(object, anchor ?? start),
        sorts: [
          { propertyName: modified, direction: 'ASCENDING' },
          { propertyName: 'hs_object_id', direction: 'ASCENDING' },
        ],
        properties,
        limit: Math.min(ctx.pageSize, remaining),
        ...(cursor === null ? {} : { after: cursor }),
      });
      return { records: page.results, next: page.paging?.next?.after ?? null };
    },
    keyOf: (record) => ({ ts: modifiedAt(object, record), id: String(record.id) }),
    windowCap: Math.max(ctx.pageSize, Math.min(ctx.windowCap, SEARCH_RESULT_CAP)),
    anchorMode: 'after-key',
    start,
  });
}

/**
 * Archived records as delete signals. The archived list cannot be filtered by time, so it is paged in full and only
 * records archived since the mark (minus the lag) are passed on; `newest` is the latest archive time on the page.
 */
async function* archivedSinceMark(
  ctx: ReadContext,
  object: HubspotObject,
  since: number,
): AsyncGenerator<{ records: AppRecord[]; newest: number }> {
  const pages = paginateCursor(
    (after: string | null) =>
      ctx.client.list(object, { limit: ctx.pageSize, after: after ?? undefined, archived: true }),
    (page) => page.paging?.next?.after,
  );
  for await (const { page } of pages) {
    const records = page.results
      .map((r) => toAppRecord(object, { ...r, archived: true }))
      .filter((r) => (r.updatedAt ?? 0) >= since);
    const times = page.results.map((r) => parseTime(r.archivedAt) ?? modifiedAt(object, r));
    yield { records, newest: Math.max(0, ...times) };
  }
}
