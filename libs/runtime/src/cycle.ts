/**
 * One sync cycle (DESIGN §6): lock → run row → read → pair and match → hold mass deletes → reconcile, write-ahead,
 * write, settle (per chunk) → cursors → finish. `plan` mode runs the same decisions and writes nothing anywhere.
 */
import { TandemError, type SyncSpec } from '@tandem/core';
import type { FinishedStatus, RetryRow } from '@tandem/ledger';
import type { CycleOptions, CycleReport, CycleStatus, SyncEnvironment } from './api.js';
import { applyWork } from './apply-phase.js';
import { CycleTally } from './counts.js';
import { gather, type Gathered } from './gather.js';
import { holdMassDeletes } from './holds.js';
import { applyLeavers } from './leavers.js';
import { applyHints, pairObservations } from './pairing.js';
import { memberOf } from './read-phase.js';

const CHUNK = 500;

/** Runs one cycle of `spec`. Never throws for data problems: the report says what happened. */
export async function runCycle(spec: SyncSpec, env: SyncEnvironment, options: CycleOptions = {}): Promise<CycleReport> {
  const mode = options.mode ?? 'sync';
  const now = env.now ?? Date.now;
  const startedAt = now();
  if (mode === 'plan') return execute(spec, env, options, null, startedAt);
  const attempt = await env.ledger.locks.trySyncLock(spec.name, async () => {
    const run = await env.ledger.runs.start(spec.name, options.trigger ?? 'manual', 'read');
    return execute(spec, env, options, run.id, startedAt);
  });
  if (attempt) return attempt.value;
  return { ...emptyReport(spec, mode, startedAt, now()), status: 'skipped' };
}

function emptyReport(spec: SyncSpec, mode: CycleReport['mode'], startedAt: number, finishedAt: number): CycleReport {
  return { runId: null, sync: spec.name, mode, status: 'succeeded', apps: new CycleTally(Object.keys(spec.members)).apps, samples: [], flags: [], heldDeletes: 0, startedAt, finishedAt };
}

async function execute(spec: SyncSpec, env: SyncEnvironment, options: CycleOptions, runId: string | null, startedAt: number): Promise<CycleReport> {
  const mode = options.mode ?? 'sync';
  const now = env.now ?? Date.now;
  const tally = new CycleTally(Object.keys(spec.members));
  const stage = async (name: string): Promise<void> => {
    if (runId) await env.ledger.runs.stage(runId, name, tally.flat());
  };
  let status: CycleStatus = 'succeeded';
  let heldDeletes = 0;
  let error: CycleReport['error'];
  try {
    const gathered = await gather({
      spec,
      ledger: env.ledger,
      connectors: env.connectors,
      full: mode === 'plan' || options.full === true || options.approveRun !== undefined,
      ...(options.records ? { records: options.records } : {}),
      ...(options.since !== undefined ? { since: options.since } : {}),
      hints: options.hints ?? [],
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    for (const [app, read] of gathered.reads) tally.add(app, 'read', read.recordsRead);
    await stage('match');
    if (mode === 'sync') await applyHints(spec, env.ledger, gathered.hints, tally);
    const retries = mode === 'sync' && !options.records ? await env.ledger.retries.forSync(spec.name) : [];
    const nowMs = env.ledger.now().getTime();
    const waiting = new Set(retries.filter((r) => r.linkId && (r.dead || r.nextAt.getTime() > nowMs)).map((r) => `${r.app}|${r.linkId}`));
    const repairIds = mode === 'sync' && !options.records ? await repairable(spec, env, retries, nowMs) : [];
    const work = await pairObservations({ spec, ledger: env.ledger, connectors: env.connectors, tally, repairIds, targeted: options.records !== undefined }, gathered);
    for (const pair of work.unsure) waiting.add(pair);
    // Everything read now lives in the work set; the per-app maps of the read are not needed again.
    for (const read of gathered.reads.values()) read.observations.clear();
    options.onProgress?.({ stage: 'match', done: work.existing.size + work.groups.length });
    const held = options.approveRun ? null : await holdMassDeletes(spec, env.ledger, work);
    if (held) {
      heldDeletes = held.links;
      status = 'held';
      for (const app of held.apps) {
        gathered.nextCursors.delete(app);
        gathered.nextFilters.delete(app);
      }
    }
    await stage('reconcile');
    if (mode === 'sync') await applyLeavers({ spec, ledger: env.ledger, connectors: env.connectors, tally }, work);
    await applyWork(
      {
        spec,
        ledger: env.ledger,
        connectors: env.connectors,
        tally,
        mode,
        runId,
        now,
        retries: new Map(retries.filter((r) => r.linkId).map((r) => [`${r.app}|${r.linkId}`, r])),
        waiting,
        chunkSize: CHUNK,
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      },
      work,
    );
    if (mode === 'sync') await advanceCursors(spec, env, gathered);
    if (options.approveRun && runId) await env.ledger.runs.markApproved(options.approveRun, runId);
    if (status === 'succeeded' && tally.total('failed') > 0) status = 'failed';
  } catch (err) {
    // A connector or ledger failure outside the per-record paths (a lookup under a 429 storm, a lost database)
    // ends the cycle as aborted with its code; what was committed stays, cursors did not move. Anything else is a bug.
    if (!(err instanceof TandemError)) {
      await finishRun(env, runId, 'failed', tally, err instanceof Error ? err.message : String(err));
      throw err;
    }
    status = 'aborted';
    error = { code: err.code, message: err.message };
    env.logger?.error({ sync: spec.name, runId, code: err.code }, 'cycle aborted');
  }
  await finishRun(env, runId, status === 'aborted' ? 'failed' : status, tally, error?.message ?? null);
  options.onProgress?.({ stage: 'done', done: 1 });
  return { runId, sync: spec.name, mode, status, apps: tally.apps, samples: tally.samples, flags: tally.flags, heldDeletes, startedAt, finishedAt: now(), ...(error ? { error } : {}) };
}

async function finishRun(env: SyncEnvironment, runId: string | null, status: FinishedStatus, tally: CycleTally, summary: string | null): Promise<void> {
  if (runId) await env.ledger.runs.finish(runId, status, { counts: tally.flat(), errorSummary: summary });
}

/**
 * Links with work left over (behind members, unsettled intents), except those whose retry is not due yet or is dead:
 * backoff is honoured, and a dead retry waits for a human (`tandem retries replay`).
 */
async function repairable(spec: SyncSpec, env: SyncEnvironment, retries: RetryRow[], nowMs: number): Promise<string[]> {
  const waiting = new Set(retries.filter((r) => r.linkId && (r.dead || r.nextAt.getTime() > nowMs)).map((r) => r.linkId as string));
  return (await env.ledger.links.needingRepair(spec.name)).filter((id) => !waiting.has(id));
}

/** Cursors move only now: every write derived from what they cover is settled or queued in `retry`. */
async function advanceCursors(spec: SyncSpec, env: SyncEnvironment, gathered: Gathered): Promise<void> {
  for (const [app, cursor] of gathered.nextCursors) await env.ledger.cursors.set(spec.name, app, memberOf(spec, app).object, cursor);
  for (const [app, filter] of gathered.nextFilters) await env.ledger.cursors.set(spec.name, app, `${memberOf(spec, app).object}#filter`, filter);
}

