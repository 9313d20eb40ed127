/** Folding a ReconcileResult back into a LinkState — what the ledger stores, and what the next call starts from. */
import type { LinkState, MemberState, OpenConflict, ReconcileResult } from '../reconcile-types.js';
import type { EpochMs } from '../model.js';

function nextConflicts(link: LinkState, result: ReconcileResult, now: EpochMs): OpenConflict[] {
  let open = [...link.openConflicts];
  for (const decision of result.conflicts) {
    const existing = open.find((c) => c.field === decision.field);
    open = open.filter((c) => c.field !== decision.field);
    if (decision.action !== 'close') open.push({ field: decision.field, candidates: decision.candidates, openedAt: existing?.openedAt ?? now });
  }
  return open;
}

/**
 * The link after a result: agreed record, metadata, version, members (replaced by app and id), open conflicts
 * (opened at `now`, updated in place, closed) and the deleted mark.
 */
export function applyResult(link: LinkState, result: ReconcileResult, now: EpochMs): LinkState {
  const members: MemberState[] = [...result.members];
  for (const old of link.members) if (!members.some((m) => m.app === old.app)) members.push(old);
  return {
    linkId: link.linkId,
    agreed: result.agreed,
    fieldMeta: result.fieldMeta,
    agreedVersion: result.agreedVersion,
    members,
    openConflicts: nextConflicts(link, result, now),
    ...(result.deleted || link.deleted ? { deleted: true } : {}),
  };
}
