/**
 * Incremental reads of an audience by `last_changed`, never by offset over the whole (changing) member list.
 *
 * A position is (ts, seen): every member changed before second `ts` was delivered, and at `ts` the contact_ids in
 * `seen` were. Each query asks for members changed at or after `ts` (Mailchimp's `since_last_changed` means "after",
 * at second precision, so we send ts − 1 s unless the account is configured as inclusive) sorted by last_changed
 * ascending, from offset 0, and drops what `seen` lists. When a whole page shares the position's second, moving the
 * since-time cannot make progress: that second alone is then paged by offset between since and before bounds. Only
 * members can leave such a closed past second (an edit moves a member to now), so a shrinking total restarts the
 * scan instead of skipping the member that slid into an earlier offset.
 *
 * Members changed within the last `horizonLagMs` (at least the second the read started in) are delivered but not
 * written into the cursor: a second edit inside the same second would carry the same last_changed, so the next
 * read re-reads from that second (the runtime drops versions it already has).
 */
import { ConnectorError } from '@tandem/connector-sdk';
import type { McMember, MailchimpClient } from './mailchimp.client.js';
import { mcTime, parseMcTime } from './mailchimp.fields.js';

export interface StreamPosition {
  ts: number | null;
  seen: string[];
  /** Every member at `ts` was delivered: the next query starts at ts + 1 s. */
  done?: boolean;
}

/** Two streams: members in any live status, and archived members (Mailchimp may hide those from plain lists). */
export interface McCursorState {
  v: 1;
  live: StreamPosition;
  archived: StreamPosition;
}

export function encodeCursor(state: McCursorState): string {
  return Buffer.from(JSON.stringify(state)).toString('base64url');
}

function isPosition(value: unknown): value is StreamPosition {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Record<string, unknown>;
  return (p.ts === null || typeof p.ts === 'number') && Array.isArray(p.seen);
}

export function decodeCursor(cursor: string | null): McCursorState {
  if (cursor === null) return { v: 1, live: { ts: null, seen: [] }, archived: { ts: null, seen: [] } };
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (parsed.v === 1 && isPosition(parsed.live) && isPosition(parsed.archived))
      return parsed as unknown as McCursorState;
  } catch {
    // reported below
  }
  throw new ConnectorError('CONNECTOR_CURSOR_INVALID', 'mailchimp cursor cannot be decoded');
}

export interface StreamOptions {
  client: MailchimpClient;
  pageSize: number;
  /** Set when the account's since_last_changed keeps members changed at exactly that second. */
  sinceInclusive: boolean;
  /** The first second not yet safe to write into a cursor (see the file comment). */
  horizonTs: number;
  status?: 'archived';
}

const SECOND = 1000;
const floorSecond = (ms: number) => Math.floor(ms / SECOND) * SECOND;

/** The moving read position of one stream. */
export class StreamReader {
  private pos: StreamPosition;

  constructor(
    start: StreamPosition,
    private readonly options: StreamOptions,
  ) {
    this.pos = { ts: start.ts, seen: [...start.seen], ...(start.done ? { done: true } : {}) };
  }

  /** The position to store: never past the horizon. */
  cursorPosition(): StreamPosition {
    const { ts } = this.pos;
    if (ts !== null && ts >= this.options.horizonTs) return { ts: this.options.horizonTs, seen: [] };
    return { ts, seen: [...this.pos.seen], ...(this.pos.done ? { done: true } : {}) };
  }

  /** Pages of members not delivered before, oldest change first. */
  async *pages(): AsyncGenerator<McMember[]> {
    for (;;) {
      const queryTs = this.pos.ts;
      const page = await this.options.client.listMembers({
        count: this.options.pageSize,
        sinceLastChanged: this.sinceFor(this.pos),
        status: this.options.status,
      });
      const fresh = this.take(page.members);
      if (fresh.length > 0) yield fresh;
      if (page.members.length < this.options.pageSize || page.total_items <= page.members.length) return;
      if (this.pos.ts === queryTs && queryTs !== null) {
        const tie = await this.drainSecond(queryTs);
        if (tie.length > 0) yield tie;
      }
    }
  }

  /** since_last_changed for a query that must return every member at or after the position. */
  private sinceFor(pos: StreamPosition): string | undefined {
    if (pos.ts === null) return undefined;
    const from = pos.done ? pos.ts + SECOND : pos.ts;
    return mcTime(this.options.sinceInclusive ? from : from - SECOND);
  }

  /** Reads one closed second completely by offset; afterwards the position is past it. */
  private async drainSecond(ts: number): Promise<McMember[]> {
    const out: McMember[] = [];
    let offset = 0;
    let lastTotal = Number.POSITIVE_INFINITY;
    for (;;) {
      const page = await this.options.client.listMembers({
        count: this.options.pageSize,
        offset,
        sinceLastChanged: mcTime(this.options.sinceInclusive ? ts : ts - SECOND),
        beforeLastChanged: mcTime(ts + SECOND),
        status: this.options.status,
      });
      out.push(...this.take(page.members));
      // A member edited meanwhile left this second: the ones after it moved up, so scan again from the start.
      offset =
        page.total_items < lastTotal && lastTotal !== Number.POSITIVE_INFINITY ? 0 : offset + page.members.length;
      lastTotal = page.total_items;
      if (page.members.length === 0 || offset >= page.total_items) break;
    }
    this.pos = { ts, seen: this.pos.ts === ts ? this.pos.seen : [], done: true };
    return out;
  }

  /** Members of a page not delivered before, moving the position past each. */
  private take(members: McMember[]): McMember[] {
    const fresh: McMember[] = [];
    for (const member of members) {
      const changed = parseMcTime(member.last_changed);
      if (!Number.isFinite(changed)) continue;
      const ts = floorSecond(changed);
      if (this.delivered(ts, member.contact_id)) continue;
      if (this.pos.ts !== ts) this.pos = { ts, seen: [] };
      this.pos.seen.push(member.contact_id);
      fresh.push(member);
    }
    return fresh;
  }

  private delivered(ts: number, id: string): boolean {
    const { pos } = this;
    if (pos.ts === null || ts > pos.ts) return false;
    if (ts < pos.ts) return true;
    return pos.done === true || pos.seen.includes(id);
  }
}
