/**
 * The memory connector's read cursor. It says: every record version with `updatedAt < ts` was delivered,
 * and at exactly `ts` these (id → seq) versions were. The next read starts INCLUSIVE at `ts` and drops
 * only versions listed in `seen`, so records sharing one timestamp are neither skipped (a tie-breaker by
 * id alone would skip a record edited at the cursor's own millisecond with a smaller id) nor re-read
 * forever (what is seen at `ts` stays dropped).
 *
 * `ts` never passes the read's horizon (the app clock at read start, minus the declared read lag): any
 * record changed after the read began is stamped at or after it, so a page served before the change
 * cannot carry the cursor past it.
 */
import type { Cursor } from '@tandem/connector-sdk';
import { MemoryConnectorError } from './memory.errors.js';

export interface ReadState {
  /** null: nothing delivered yet (a full read). */
  ts: number | null;
  seen: Record<string, number>;
}

interface Version {
  id: string;
  updatedAt: number;
  seq: number;
}

export function encodeCursor(state: ReadState): Cursor {
  return Buffer.from(JSON.stringify({ v: 1, ts: state.ts, seen: state.seen })).toString('base64url');
}

export function decodeCursor(cursor: Cursor | null): ReadState {
  if (cursor === null) return { ts: null, seen: {} };
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as {
      v?: unknown;
      ts?: unknown;
      seen?: unknown;
    };
    const tsValid = parsed.ts === null || typeof parsed.ts === 'number';
    if (parsed.v !== 1 || !tsValid || typeof parsed.seen !== 'object' || parsed.seen === null) throw new Error('shape');
    return { ts: parsed.ts as number | null, seen: parsed.seen as Record<string, number> };
  } catch {
    throw new MemoryConnectorError('CONNECTOR_CURSOR_INVALID', 'memory connector cursor cannot be decoded');
  }
}

/** The cursor state of one read in progress (mutable: many records may share one timestamp). */
export class ReadProgress {
  private ts: number | null;
  private seen: Record<string, number>;

  /** `horizon`: the app clock at read start minus the declared read lag. */
  constructor(
    start: ReadState,
    private readonly horizon: number,
  ) {
    this.ts = start.ts;
    this.seen = { ...start.seen };
  }

  /** Where the app search must start: inclusive of the cursor's timestamp. */
  anchor(): { updatedAt: number; id: string } | null {
    return this.ts === null ? null : { updatedAt: this.ts, id: '' };
  }

  /** Whether the version (id, seq) was delivered before. */
  delivered(record: Version): boolean {
    if (this.ts === null) return false;
    return record.updatedAt < this.ts || (record.updatedAt === this.ts && this.seen[record.id] === record.seq);
  }

  /**
   * Records one delivered version. A version beyond the horizon moves the cursor only up to the horizon;
   * the next read delivers it again (the runtime drops a version it has already seen).
   */
  deliver(record: Version): void {
    if (record.updatedAt > this.horizon) return this.reachHorizon();
    if (this.ts !== record.updatedAt) {
      this.ts = record.updatedAt;
      this.seen = {};
    }
    this.seen[record.id] = record.seq;
  }

  /** Everything up to the horizon has been scanned: the cursor may stand at the horizon. */
  reachHorizon(): void {
    if (this.ts !== null && this.ts >= this.horizon) return;
    this.ts = this.horizon;
    this.seen = {};
  }

  cursor(): Cursor {
    return encodeCursor({ ts: this.ts, seen: this.seen });
  }
}
