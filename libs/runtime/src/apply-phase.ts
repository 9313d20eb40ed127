/**
 * Steps 3–7 of the cycle for a chunk of links (DESIGN §6): reconcile each link, persist its write intents before
 * any app is called (write-ahead), write per app in batches, settle every member from what the app stored, and
 * commit the settled state with its audit rows. A failed record goes to `retry`; the chunk goes on.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Connector } from '@tandem/connector-sdk';
import { applyResult, recordKeys, reconcile, type AppName, type ConflictDecision, type LinkState, type MemberState, type Observation, type Patch, type SyncSpec } from '@tandem/core';
import type { ChangeInput, Ledger, MatchKey, RetryRow, SaveLinkInput } from '@tandem/ledger';
import type { CycleMode, ProgressEvent } from './api.js';
import type { CycleTally } from './counts.js';
import { connectorOf } from './gather.js';
import type { NewGroup, WorkSet } from './pairing.js';
import { memberOf } from './read-phase.js';
import { settleOutcome } from './settle-phase.js';
import { writeToApp, type OutgoingWrite, type WriteOutcome } from './write-phase.js';

export interface ApplyContext {
  spec: SyncSpec;
  ledger: Ledger;
  connectors: Record<AppName, Connector>;
  tally: CycleTally;
  mode: CycleMode;
  runId: string | null;
  now: () => number;
  /** Live and dead retry rows of this sync by `app|linkId`. */
  retries: Map<string, RetryRow>;
  /** `app|linkId` pairs whose retry is not due yet (backoff) or dead: no write to them this cycle. */
  waiting: Set<string>;
  onProgress?: (event: ProgressEvent) => void;
  chunkSize: number;
}

/** One link being worked on: its state as loaded, its new state, and what the reconciler decided. */
export interface LinkWork {
  isNew: boolean;
  loadedVersion: number;
  state: LinkState;
  patches: Patch[];
  changes: ChangeInput[];
  matchKeys: Record<AppName, MatchKey[]>;
  /** The reconciler's conflict decisions, saved with the write-ahead. */
  conflicts: ConflictDecision[];
  /** Retry rows made moot by this cycle (the pending create was found by key, the value arrived otherwise). */
  mootRetries: RetryRow[];
  /** Anything to save besides the writes (new shadows, versions, agreed values, joins). */
  changed: boolean;
}

type Item = { kind: 'existing'; linkId: string; obs: Observation[] } | { kind: 'group'; group: NewGroup };

/** Runs reconcile → write-ahead → write → settle over the whole work set, chunk by chunk. */
export async function applyWork(ctx: ApplyContext, work: WorkSet): Promise<void> {
  const items: (Item | null)[] = [
    ...[...work.existing].map(([linkId, obs]): Item => ({ kind: 'existing', linkId, obs })),
    ...work.groups.map((group): Item => ({ kind: 'group', group })),
  ];
  // From here the items are the only holders of the cycle's observations, and each chunk lets its items go as it is
  // taken, so memory falls as the cycle advances instead of holding the whole first read to the end.
  work.existing.clear();
  work.groups.length = 0;
  let done = 0;
  // Several chunks in flight: later chunks' reconcile and write-ahead overlap earlier chunks' writes and ledger round
  // trips, so neither rate-limit waits nor app latency are idle time. Chunks hold disjoint links; they are awaited in
  // order (the first failure surfaces first), and cursors move only after the last one settled.
  const inFlight: Promise<number>[] = [];
  for (let i = 0; i < items.length; i += ctx.chunkSize) {
    const chunk = items.slice(i, i + ctx.chunkSize).filter((it): it is Item => it !== null);
    items.fill(null, i, i + ctx.chunkSize);
    const current = applyChunk(ctx, work, chunk).then(() => chunk.length);
    current.catch(() => undefined);
    inFlight.push(current);
    if (inFlight.length < CHUNKS_IN_FLIGHT) continue;
    done += await (inFlight.shift() as Promise<number>);
    ctx.onProgress?.({ stage: 'reconcile', done, total: items.length });
  }
  for (const pending of inFlight) done += await pending;
  ctx.onProgress?.({ stage: 'reconcile', done, total: items.length });
}

/** Chunks worked on at once (each is at most `chunkSize` links). */
const CHUNKS_IN_FLIGHT = 3;

function newMember(app: AppName, externalId: string): MemberState {
  return { app, externalId, shadow: null, appVersion: null, ackedVersion: 0, pending: [] };
}

async function applyChunk(ctx: ApplyContext, work: WorkSet, chunk: Item[]): Promise<void> {
  const ids = chunk.flatMap((it) => (it.kind === 'existing' ? [it.linkId] : []));
  const loaded = new Map((await ctx.ledger.links.loadMany(ids)).map((l) => [l.linkId, l]));
  const works: LinkWork[] = [];
  let temp = 0;
  for (const item of chunk) {
    if (item.kind === 'existing') {
      const link = loaded.get(item.linkId);
      if (!link) continue;
      const joins = work.joins.get(item.linkId) ?? [];
      const members = [...link.members.filter((m) => !joins.some((j) => j.app === m.app)), ...joins.map((j) => newMember(j.app, j.externalId))];
      works.push(decide(ctx, { ...link, members }, item.obs, false, link.agreedVersion));
    } else {
      const state: LinkState = { linkId: `new-${temp++}`, agreed: {}, fieldMeta: {}, agreedVersion: 0, members: item.group.members.map((m) => newMember(m.app, m.externalId)), openConflicts: [] };
      works.push(decide(ctx, state, item.group.observations, true, 0));
    }
  }
  if (ctx.mode === 'plan') {
    for (const w of works) for (const p of w.patches) countPatch(ctx, w, p, 'planned');
    return;
  }
  const toWrite = await writeAhead(ctx, works);
  const outcomes = await writeAll(ctx, toWrite);
  await settleAll(ctx, toWrite, outcomes);
}

/** Reconciles one link and folds the result in, with each patch recorded as a pending intent (write-ahead). */
function decide(ctx: ApplyContext, link: LinkState, obs: Observation[], isNew: boolean, loadedVersion: number): LinkWork {
  const now = ctx.now();
  const decided = reconcile(ctx.spec, link, obs, now);
  // Backoff: a pair whose retry is not due keeps its pending intent and waits; it is not written now.
  const result = { ...decided, patches: decided.patches.filter((p) => !ctx.waiting.has(`${p.app}|${link.linkId}`)) };
  const next = applyResult(link, result, now);
  next.members = next.members.map((m) => {
    const patch = result.patches.find((p) => p.app === m.app);
    return patch ? { ...m, pending: [...m.pending, { agreedVersion: result.agreedVersion, op: patch.op, fields: patch.fields }] } : m;
  });
  const matchKeys: Record<AppName, MatchKey[]> = {};
  for (const o of obs) if (!o.deleted) matchKeys[o.app] = recordKeys(ctx.spec, o.app, o.fields);
  for (const f of result.flags) ctx.tally.flag({ ...f, linkId: isNew ? undefined : link.linkId });
  for (const c of result.conflicts.filter((d) => d.action === 'open')) {
    for (const app of Object.keys(c.candidates)) ctx.tally.add(app, 'conflicts', 1, { externalId: null, linkId: link.linkId, fields: [c.field] });
  }
  const changes: ChangeInput[] = result.explanations.map((e) => ({
    runId: ctx.runId,
    op: isNew ? 'link' : 'update',
    app: e.sourceApp,
    field: e.field,
    before: e.before,
    after: e.after,
    rule: e.rule,
    decidedBy: e.timestamps,
  }));
  const mootRetries = next.members.flatMap((m) => {
    const retry = ctx.retries.get(`${m.app}|${link.linkId}`);
    return retry && !retry.dead && m.pending.length === 0 && !result.patches.some((p) => p.app === m.app) ? [retry] : [];
  });
  return { isNew, loadedVersion, state: next, patches: result.patches, changes, matchKeys, conflicts: result.conflicts, mootRetries, changed: isNew || result.patches.length > 0 || changedState(link, next) };
}

/** Key order differs between jsonb round trips and fresh objects, so compare structurally. */
function changedState(before: LinkState, after: LinkState): boolean {
  const norm = (l: LinkState): LinkState => ({ ...l, deleted: l.deleted === true, members: l.members.map((m) => ({ ...m, deleted: m.deleted === true })) });
  return !isDeepStrictEqual(norm(before), norm(after));
}

function countPatch(ctx: ApplyContext, w: LinkWork, p: Patch, _phase: 'planned' | 'done'): void {
  const kind = p.op === 'create' ? 'created' : p.op === 'update' ? 'updated' : 'deleted';
  ctx.tally.add(p.app, kind, 1, { externalId: p.externalId, linkId: w.isNew ? null : w.state.linkId, fields: Object.keys(p.canonical) });
}

/** Persists each link with its intents before any app is written; new links get their real ids here. */
async function writeAhead(ctx: ApplyContext, works: LinkWork[]): Promise<LinkWork[]> {
  const fresh = works.filter((w) => w.isNew);
  const ids = await ctx.ledger.links.createMany(
    ctx.spec.name,
    fresh.map((w) => ({ agreed: w.state.agreed, fieldMeta: w.state.fieldMeta, agreedVersion: w.state.agreedVersion, members: w.state.members, matchKeys: w.matchKeys })),
  );
  fresh.forEach((w, i) => {
    const linkId = ids[i] as string;
    w.state = { ...w.state, linkId };
    w.loadedVersion = w.state.agreedVersion;
    w.changes = w.changes.map((c) => ({ ...c, linkId }));
  });
  const saves: SaveLinkInput[] = [];
  for (const w of works) {
    // A new link's first-link audit and conflicts ride on the settle save when it has writes, else on this one.
    const due = w.isNew ? w.patches.length === 0 && (w.changes.length > 0 || w.conflicts.length > 0) : w.changed;
    if (!due) continue;
    saves.push(saveInput(ctx, w));
    w.loadedVersion = w.state.agreedVersion;
    w.changes = [];
    w.conflicts = [];
  }
  await saveAll(ctx, saves);
  for (const w of works) {
    for (const retry of w.mootRetries) {
      await ctx.ledger.retries.complete(retry.id);
      ctx.retries.delete(`${retry.app}|${retry.linkId}`);
      ctx.tally.add(retry.app, 'retried', 1, { externalId: retry.externalId, linkId: retry.linkId });
    }
  }
  return works.filter((w) => w.patches.length > 0);
}

function saveInput(ctx: ApplyContext, w: LinkWork): SaveLinkInput {
  return { sync: ctx.spec.name, state: w.state, expectedVersion: w.loadedVersion, matchKeys: w.matchKeys, changes: w.changes, conflicts: w.conflicts };
}

/**
 * Commits a chunk's links in one transaction. If that fails (a link saved meanwhile by an admin action), each link is
 * saved alone so one conflict costs one link, which is reported and reconciled again on the next cycle.
 */
async function saveAll(ctx: ApplyContext, saves: SaveLinkInput[]): Promise<void> {
  if (saves.length === 0) return;
  try {
    await ctx.ledger.links.saveMany(saves);
  } catch {
    for (const input of saves) {
      try {
        await ctx.ledger.links.save(input);
      } catch (err) {
        const code = (err as { code?: string }).code ?? 'LEDGER_SAVE_FAILED';
        ctx.tally.flag({ kind: 'save-failed', linkId: input.state.linkId, message: `link ${input.state.linkId} was not saved (${code}); it is reconciled again next cycle` });
      }
    }
  }
}

/** Sends every patch, one app at a time in parallel across apps, in batches of the connector's maxBatch. */
async function writeAll(ctx: ApplyContext, works: LinkWork[]): Promise<WriteOutcome[]> {
  const byApp = new Map<AppName, OutgoingWrite[]>();
  for (const w of works) {
    for (const patch of w.patches) {
      const member = w.state.members.find((m) => m.app === patch.app);
      const write: OutgoingWrite = { ref: `${w.state.linkId}|${patch.app}`, linkId: w.state.linkId, patch: { ...patch, externalId: patch.externalId ?? member?.externalId ?? null } };
      const lookup = patch.op === 'create' ? lookupOf(ctx.spec, patch) : undefined;
      if (lookup) write.lookup = lookup;
      const writes = byApp.get(patch.app);
      if (writes) writes.push(write);
      else byApp.set(patch.app, [write]);
    }
  }
  const results = await Promise.all(
    [...byApp].map(([app, writes]) => writeToApp(app, memberOf(ctx.spec, app).object, connectorOf(ctx.connectors, app), writes)),
  );
  const outcomes = results.flat();
  ctx.onProgress?.({ stage: 'write', done: outcomes.length });
  return outcomes;
}

/** The raw match key a create carries, to find the record by if the create's outcome is unknown. */
function lookupOf(spec: SyncSpec, patch: Patch): { path: string; value: string } | undefined {
  for (const name of spec.match) {
    const path = spec.fields.find((f) => f.name === name)?.apps[patch.app]?.path;
    const value = path ? patch.fields[path] : undefined;
    if (path && typeof value === 'string' && value !== '') return { path, value };
  }
  return undefined;
}

/** Settles every outcome into its link and commits each link once, with the audit of what was written. */
async function settleAll(ctx: ApplyContext, works: LinkWork[], outcomes: WriteOutcome[]): Promise<void> {
  const byLink = new Map(works.map((w) => [w.state.linkId, w]));
  const touched = new Set<LinkWork>();
  for (const outcome of outcomes) {
    const w = byLink.get(outcome.linkId);
    if (!w) continue;
    touched.add(w);
    const settled = await settleOutcome(ctx, w, outcome);
    if (settled) countPatch(ctx, w, outcome.patch, 'done');
  }
  await saveAll(ctx, [...touched].map((w) => saveInput(ctx, w)));
}
