/**
 * Step 6 of the cycle: one write outcome → the member's new state. The shadow becomes what the app stored (core
 * `settle`), deletes mark the member deleted and leave a tombstone, failures go to the retry queue with their error
 * class, and a retry that finally went through is closed.
 */
import { appFields, getPath, recordKeys, settle, type LinkState, type MemberState, type Patch, type RawFields } from '@tandem/core';
import type { ApplyContext, LinkWork } from './apply-phase.js';
import type { WriteOutcome } from './write-phase.js';

function replaceMember(state: LinkState, app: string, member: MemberState): LinkState {
  return { ...state, members: state.members.map((m) => (m.app === app ? member : m)) };
}

/** Folds one outcome into the link's state; returns whether the write is settled (false: it went to retry). */
export async function settleOutcome(ctx: ApplyContext, w: LinkWork, outcome: WriteOutcome): Promise<boolean> {
  const { patch } = outcome;
  const retry = ctx.retries.get(`${patch.app}|${w.state.linkId}`);
  if (outcome.status === 'failed') {
    await ctx.ledger.retries.enqueue(
      {
        sync: ctx.spec.name,
        app: patch.app,
        externalId: patch.externalId,
        linkId: w.state.linkId,
        op: patch.op,
        payload: { fields: Object.keys(patch.fields) },
        errorClass: outcome.errorClass,
        errorMessage: outcome.message,
      },
      Math.random(),
    );
    ctx.tally.add(patch.app, 'failed', 1, { externalId: patch.externalId, linkId: w.state.linkId, fields: Object.keys(patch.canonical) });
    ctx.tally.flag({ kind: 'failed', app: patch.app, linkId: w.state.linkId, message: `${patch.op} in ${patch.app} failed (${outcome.errorClass}); queued for retry` });
    return false;
  }
  if (retry) {
    await ctx.ledger.retries.complete(retry.id);
    ctx.retries.delete(`${patch.app}|${w.state.linkId}`);
    ctx.tally.add(patch.app, 'retried', 1, { externalId: outcome.id, linkId: w.state.linkId });
  }
  if (patch.op === 'delete' || patch.op === 'archive') {
    settleDelete(w, outcome);
    await ctx.ledger.tombstones.addDelete(ctx.spec.name, patch.app, outcome.id);
  } else if (outcome.stored) {
    const fields = outcome.partial ? completeEcho(ctx, w, patch, outcome.stored.fields) : outcome.stored.fields;
    const { member, flags } = settle(ctx.spec, w.state, patch.app, {
      externalId: outcome.id,
      version: outcome.stored.version,
      fields,
      ...(outcome.stored.fieldUpdatedAt ? { fieldUpdatedAt: outcome.stored.fieldUpdatedAt } : {}),
      ...(outcome.stored.deleted ? { deleted: true } : {}),
    });
    w.state = replaceMember(w.state, patch.app, member);
    w.matchKeys[patch.app] = recordKeys(ctx.spec, patch.app, fields);
    for (const f of flags) {
      ctx.tally.flag({ ...f, linkId: w.state.linkId });
      if (f.kind === 'rejected') ctx.tally.add(patch.app, 'rejected', 1, { externalId: outcome.id, linkId: w.state.linkId, fields: f.field ? [f.field] : [] });
    }
  }
  w.changes.push({ runId: ctx.runId, linkId: w.state.linkId, app: patch.app, op: patch.op, field: null, after: patch.canonical, rule: 'write' });
  return true;
}

function settleDelete(w: LinkWork, outcome: WriteOutcome & { status: 'ok' }): void {
  const member = w.state.members.find((m) => m.app === outcome.patch.app);
  if (!member) return;
  w.state = replaceMember(w.state, outcome.patch.app, {
    ...member,
    externalId: member.externalId ?? outcome.id,
    pending: [],
    ackedVersion: Math.max(member.ackedVersion, w.state.agreedVersion),
    deleted: true,
  });
}

/**
 * A partial write response holds only what the app echoed. The stored record is then: the member's last known raw
 * values, overlaid with what was sent, overlaid with what the app says it stored (its reformatting wins). Saves a
 * read-back request per batch (HubSpot).
 */
function completeEcho(ctx: ApplyContext, w: LinkWork, patch: Patch, echoed: RawFields): RawFields {
  const member = w.state.members.find((m) => m.app === patch.app);
  const fields: RawFields = { ...(member?.shadow ?? {}), ...patch.fields };
  for (const { appSpec } of appFields(ctx.spec, patch.app)) {
    const value = getPath(echoed, appSpec.path);
    if (value !== undefined) fields[appSpec.path] = value;
  }
  return fields;
}
