/**
 * Step 1 of the cycle, for every member: read changes since the cursor (or everything), or fetch the records a
 * webhook named. Turns complete reads into delete observations for ids that vanished, and stops the cycle when an
 * app that holds linked records suddenly reads empty (DESIGN §6, "empty side guard").
 */
import type { ChangeHint, Connector, Cursor } from '@tandem/connector-sdk';
import type { AppName, Observation, SyncSpec } from '@tandem/core';
import type { Ledger } from '@tandem/ledger';
import type { ProgressEvent, RecordRef } from './api.js';
import { CycleAbortedError } from './errors.js';
import { acceptRecord, memberOf, readMember, type MemberRead } from './read-phase.js';

export interface GatherInput {
  spec: SyncSpec;
  ledger: Ledger;
  connectors: Record<AppName, Connector>;
  /** Read from scratch, ignoring cursors. */
  full: boolean;
  /** Keep only records changed at or after this time (epoch ms); implies a read from scratch. */
  since?: number;
  /** Targeted: fetch only these records. */
  records?: RecordRef[];
  hints: { app: AppName; hint: ChangeHint }[];
  onProgress?: (event: ProgressEvent) => void;
}

export interface Gathered {
  reads: Map<AppName, MemberRead>;
  /** Cursors to store once the cycle's writes are settled or queued (absent: leave the cursor as it is). */
  nextCursors: Map<AppName, Cursor>;
  /** Filter fingerprints to store with the cursors (a changed filter triggers a fresh read of that member). */
  nextFilters: Map<AppName, string>;
  hints: { app: AppName; hint: ChangeHint }[];
}

export function connectorOf(connectors: Record<AppName, Connector>, app: AppName): Connector {
  const connector = connectors[app];
  if (!connector) throw new CycleAbortedError('CYCLE_CONFIG', `no connector for member ${app}`, { app });
  return connector;
}

function emptyRead(app: AppName): MemberRead {
  return { app, observations: new Map(), outsideFilter: new Set(), cursor: null, complete: false, pages: 0, recordsRead: 0, hints: [] };
}

/** Reads every member (or fetches the targeted records) and derives delete observations from complete reads. */
export async function gather(input: GatherInput): Promise<Gathered> {
  const gathered: Gathered = { reads: new Map(), nextCursors: new Map(), nextFilters: new Map(), hints: [...input.hints] };
  const apps = Object.keys(input.spec.members);
  if (input.records) {
    for (const app of apps) gathered.reads.set(app, await fetchTargeted(input, app));
    addHintedDeletes(input.spec, gathered);
    return gathered;
  }
  // Members are read at the same time (reads change nothing, and each app's latency overlaps the others'); the first
  // failure stops the other reads at their next page, and the cycle aborts before anything is decided.
  const stop = { failed: false };
  const results = await Promise.all(
    apps.map(async (app) => {
      try {
        return await readOne(input, app, stop);
      } catch (err) {
        stop.failed = true;
        throw err;
      }
    }),
  );
  for (const { app, read, stored, filter, filterChanged } of results) {
    gathered.reads.set(app, read);
    gathered.hints.push(...read.hints.map((hint) => ({ app, hint })));
    if (read.cursor !== null && read.cursor !== stored) gathered.nextCursors.set(app, read.cursor);
    if (filterChanged) gathered.nextFilters.set(app, filter);
  }
  addHintedDeletes(input.spec, gathered);
  return gathered;
}

/** Reads one member from its cursor (or from scratch) and derives its deletes; stops early once `stop.failed`. */
async function readOne(input: GatherInput, app: AppName, stop: { failed: boolean }) {
  const member = memberOf(input.spec, app);
  const filterKey = `${member.object}#filter`;
  const filter = filterFingerprint(input.spec, app);
  const filterChanged = (await input.ledger.cursors.get(input.spec.name, app, filterKey)) !== filter;
  // An edited filter re-reads that one member from scratch (records now inside it link; those now outside leave).
  const stored = input.full || filterChanged || input.since !== undefined ? null : await input.ledger.cursors.get(input.spec.name, app, member.object);
  const read = await readMember({
    spec: input.spec,
    app,
    connector: connectorOf(input.connectors, app),
    cursor: stored,
    onPage: ({ total }) => {
      if (stop.failed) throw new CycleAbortedError('CYCLE_READ_FAILED', `reading ${app} stopped: another member's read failed`, { app });
      input.onProgress?.({ stage: 'read', app, done: total });
    },
  });
  await guardEmptySide(input, read);
  if (input.since !== undefined) keepSince(read, input.since);
  else await addVanished(input, read);
  return { app, read, stored, filter, filterChanged };
}

/** A stable text of a member's filter: a different text means the filter was edited since the last cycle. */
export function filterFingerprint(spec: SyncSpec, app: AppName): string {
  const filter = memberOf(spec, app).filter ?? {};
  const sorted = Object.keys(filter)
    .sort()
    .map((path) => [path, [...(filter[path] ?? [])].map(String).sort()]);
  return JSON.stringify(sorted);
}

/** `resync --since`: drop records last changed before `since`; a partial view never implies deletes. */
function keepSince(read: MemberRead, since: number): void {
  for (const [id, obs] of read.observations) if (obs.updatedAt !== undefined && obs.updatedAt < since) read.observations.delete(id);
  read.complete = false;
}

/** Webhook-triggered or `resync --records`: fetch exactly the named records, by app. */
async function fetchTargeted(input: GatherInput, app: AppName): Promise<MemberRead> {
  const read = emptyRead(app);
  const ids = [...new Set((input.records ?? []).filter((r) => r.app === app).map((r) => r.id))];
  if (ids.length === 0) return read;
  const member = memberOf(input.spec, app);
  try {
    const records = await connectorOf(input.connectors, app).fetch(member.object, ids);
    for (const record of records) acceptRecord(input.spec, member, record, read);
    read.recordsRead = records.length;
  } catch (err) {
    throw new CycleAbortedError('CYCLE_READ_FAILED', `fetching ${ids.length} records from ${app} failed: ${(err as Error).message}`, { app });
  }
  input.onProgress?.({ stage: 'read', app, done: read.recordsRead });
  return read;
}

/**
 * An app that had linked records and now, on a read from scratch, returns none: an emptied folder, a wrong
 * account, a revoked scope. Deleting everyone elsewhere would be the worst possible answer, so the cycle stops.
 */
async function guardEmptySide(input: GatherInput, read: MemberRead): Promise<void> {
  if (!read.complete || read.recordsRead > 0) return;
  const linked = await input.ledger.links.memberIds(input.spec.name, read.app);
  if (linked.length > 0) {
    throw new CycleAbortedError('CYCLE_EMPTY_SIDE', `${read.app} read empty but ${linked.length} of its records are linked; nothing was changed`, {
      app: read.app,
      linked: linked.length,
    });
  }
}

/** Complete-read connectors: an id linked before and missing from a complete, successful read is a delete. */
async function addVanished(input: GatherInput, read: MemberRead): Promise<void> {
  const connector = connectorOf(input.connectors, read.app);
  if (!read.complete || connector.capabilities().deletes !== 'complete-read') return;
  for (const id of await input.ledger.links.memberIds(input.spec.name, read.app)) {
    if (read.observations.has(id) || read.outsideFilter.has(id)) continue;
    read.observations.set(id, { app: read.app, externalId: id, version: null, fields: {}, deleted: true });
  }
}

/** Delete hints (webhooks) become delete observations unless the same read saw the record alive and newer. */
function addHintedDeletes(spec: SyncSpec, gathered: Gathered): void {
  for (const { app, hint } of gathered.hints) {
    if (hint.kind !== 'deleted' || !spec.members[app]) continue;
    const read = gathered.reads.get(app) ?? emptyRead(app);
    gathered.reads.set(app, read);
    const seen = read.observations.get(hint.id);
    if (seen && !seen.deleted) continue;
    const obs: Observation = { app, externalId: hint.id, version: null, fields: {}, deleted: true };
    read.observations.set(hint.id, obs);
  }
}
