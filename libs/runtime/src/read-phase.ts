/**
 * Step 1 of the cycle (DESIGN §6): read every member app's changes since its cursor, page by page, keeping only
 * the mapped raw fields of each record (bounded memory), and never deciding a delete from a partial read.
 */
import type { AppRecord, ChangeHint, Connector, Cursor } from '@tandem/connector-sdk';
import { flattenMapped, getPath, type AppName, type MemberSpec, type Observation, type SyncSpec } from '@tandem/core';
import { CycleAbortedError } from './errors.js';

export interface MemberRead {
  app: AppName;
  /** Latest observation per external id (a record re-read later in the same read replaces the earlier one). */
  observations: Map<string, Observation>;
  /** Ids read that are outside the member's filter (they follow `onLeave` if linked). */
  outsideFilter: Set<string>;
  /** Cursor after the last page; null when nothing was read and there was no cursor. */
  cursor: Cursor | null;
  /** The read started from scratch and the connector said it saw every record. */
  complete: boolean;
  pages: number;
  recordsRead: number;
  /** Rekeys and merges the connector reported while reading. */
  hints: ChangeHint[];
}

export interface ReadOptions {
  spec: SyncSpec;
  app: AppName;
  connector: Connector;
  cursor: Cursor | null;
  /** Called after each page (progress bars, heartbeats). */
  onPage?: (read: { app: AppName; records: number; total: number }) => void | Promise<void>;
}

/** Reads one member fully from its cursor. A failing read throws CycleAbortedError: nothing may be decided from it. */
export async function readMember(options: ReadOptions): Promise<MemberRead> {
  const { spec, app, connector } = options;
  const member = memberOf(spec, app);
  const result: MemberRead = {
    app,
    observations: new Map(),
    outsideFilter: new Set(),
    cursor: options.cursor,
    complete: false,
    pages: 0,
    recordsRead: 0,
    hints: [],
  };
  try {
    for await (const page of connector.read(member.object, options.cursor)) {
      for (const record of page.records) acceptRecord(spec, member, record, result);
      result.pages += 1;
      result.recordsRead += page.records.length;
      if (page.cursor !== null) result.cursor = page.cursor;
      if (page.hints) result.hints.push(...page.hints);
      if (page.complete === true && options.cursor === null) result.complete = true;
      await options.onPage?.({ app, records: page.records.length, total: result.recordsRead });
    }
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new CycleAbortedError('CYCLE_READ_FAILED', `reading ${app} failed after ${result.recordsRead} records: ${reason}`, {
      app,
      recordsRead: result.recordsRead,
      cause: (err as { code?: string }).code,
    });
  }
  return result;
}

/** Turns one raw app record into an observation of its mapped fields. */
export function toObservation(spec: SyncSpec, app: AppName, record: AppRecord): Observation {
  return {
    app,
    externalId: record.id,
    version: record.version,
    fields: flattenMapped(spec, app, record.fields),
    ...(record.updatedAt !== undefined ? { updatedAt: record.updatedAt } : {}),
    ...(record.fieldUpdatedAt !== undefined ? { fieldUpdatedAt: record.fieldUpdatedAt } : {}),
    ...(record.deleted ? { deleted: true } : {}),
  };
}

/** Whether a raw record is inside the member's filter (every filtered path holds one of the accepted values). */
export function inFilter(member: MemberSpec, record: AppRecord): boolean {
  if (!member.filter) return true;
  return Object.entries(member.filter).every(([path, accepted]) => {
    const value = getPath(record.fields, path);
    return accepted.some((a) => String(a) === String(value ?? ''));
  });
}

export function acceptRecord(spec: SyncSpec, member: MemberSpec, record: AppRecord, into: MemberRead): void {
  if (!record.deleted && !inFilter(member, record)) {
    into.outsideFilter.add(record.id);
    into.observations.delete(record.id);
    return;
  }
  into.outsideFilter.delete(record.id);
  into.observations.set(record.id, toObservation(spec, member.app, record));
}

export function memberOf(spec: SyncSpec, app: AppName): MemberSpec {
  const member = spec.members[app];
  if (!member) throw new CycleAbortedError('CYCLE_CONFIG', `sync ${spec.name} has no member ${app}`, { app });
  return member;
}
