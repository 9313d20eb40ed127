/**
 * Zendesk user reads. The first read lists live users with cursor pagination (`page[size]`, `page[after]`,
 * `meta.has_more`); every later read follows the incremental cursor export. The export cursor starts at the time the
 * full list began (so edits made while listing are read again, never lost), and `start_time` is kept at least the
 * export's minimum age in the past: an earlier start only re-reads versions the runtime already holds.
 *
 * The export never returns the last minute of changes. Its `after_cursor` points at the last user it returned, so a
 * user edited in that minute lies after the cursor and comes with a later read: the cursor is kept as given, never
 * advanced to "now".
 */
import { ConnectorError, type Cursor, type ReadPage } from '@tandem/connector-sdk';
import type { ZdUser, ZendeskClient } from './zendesk.client.js';

export type ZdCursorState =
  | { v: 1; phase: 'list'; after: string | null; startTime: number }
  | { v: 1; phase: 'export'; startTime: number }
  | { v: 1; phase: 'export'; cursor: string };

export function encodeCursor(state: ZdCursorState): Cursor {
  return Buffer.from(JSON.stringify(state)).toString('base64url');
}

export function decodeCursor(cursor: Cursor): ZdCursorState {
  try {
    const s = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    const startOk = typeof s.startTime === 'number';
    if (s.v === 1 && s.phase === 'list' && startOk && (s.after === null || typeof s.after === 'string')) {
      return s as ZdCursorState;
    }
    if (s.v === 1 && s.phase === 'export' && (startOk || typeof s.cursor === 'string')) return s as ZdCursorState;
  } catch {
    // reported below
  }
  throw new ConnectorError('CONNECTOR_CURSOR_INVALID', 'zendesk cursor cannot be decoded');
}

export interface ReadOptions {
  client: ZendeskClient;
  pageSize: number;
  /** The app's clock, epoch ms. */
  now: () => number;
  /** How old `start_time` must be (Zendesk: one minute), plus a margin for clock skew. */
  exportMinAgeMs: number;
  toPage: (users: ZdUser[], cursor: Cursor, complete?: boolean) => ReadPage;
}

/** Pages of the live users list; the last one is complete and hands over to the export. */
async function* listPhase(
  state: ZdCursorState & { phase: 'list' },
  options: ReadOptions,
  fromScratch: boolean,
): AsyncGenerator<ReadPage> {
  let after = state.after;
  for (;;) {
    const page = await options.client.listUsers(options.pageSize, after);
    const next = page.meta?.after_cursor ?? null;
    const more = page.meta?.has_more === true && next !== null;
    if (!more) {
      const handover = encodeCursor({ v: 1, phase: 'export', startTime: state.startTime });
      // Only a read that began at the first page saw every user.
      yield options.toPage(page.users, handover, fromScratch);
      return;
    }
    if (next === after)
      throw new ConnectorError('CONNECTOR_PAGINATION_STUCK', 'zendesk returned the same page cursor twice');
    after = next;
    yield options.toPage(page.users, encodeCursor({ v: 1, phase: 'list', after, startTime: state.startTime }));
  }
}

/** Pages of the incremental export until end_of_stream; each page's cursor is the export's own after_cursor. */
async function* exportPhase(
  state: ZdCursorState & { phase: 'export' },
  options: ReadOptions,
): AsyncGenerator<ReadPage> {
  let from: { startTime: number } | { cursor: string } =
    'cursor' in state ? { cursor: state.cursor } : { startTime: Math.min(state.startTime, latestStart(options)) };
  let current = encodeCursor(state);
  for (;;) {
    const page = await options.client.exportUsers(from);
    if (page.after_cursor !== null) {
      from = { cursor: page.after_cursor };
      current = encodeCursor({ v: 1, phase: 'export', cursor: page.after_cursor });
    }
    yield options.toPage(page.users, current);
    if (page.end_of_stream || page.after_cursor === null || page.users.length === 0) return;
  }
}

/** The latest start_time (unix seconds) the export accepts now. */
function latestStart(options: ReadOptions): number {
  return Math.floor((options.now() - options.exportMinAgeMs) / 1000);
}

/** Changes since `cursor`; from null, the full list first. */
export function readUsers(cursor: Cursor | null, options: ReadOptions): AsyncGenerator<ReadPage> {
  if (cursor === null) {
    // Edits made while the list runs carry a later updated_at than this, so the export picks them up.
    const startTime = Math.floor(options.now() / 1000) - 1;
    return listPhase({ v: 1, phase: 'list', after: null, startTime }, options, true);
  }
  const state = decodeCursor(cursor);
  return state.phase === 'list' ? listPhase(state, options, false) : exportPhase(state, options);
}
