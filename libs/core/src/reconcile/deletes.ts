/**
 * Rule 10 — deletes, decided only from a `deleted` observation (a signal, or for complete-read connectors an id
 * missing from a complete successful read; the runtime never sends one for a `rekeyed` id).
 */
import type { AppName, SyncSpec } from '../model.js';
import type { Flag, MemberState, Patch } from '../reconcile-types.js';
import type { MemberView } from './views.js';

export interface DeleteOutcome {
  /** The link as a whole is deleted: `patches` carry the delete/archive to the other apps. */
  linkDeleted: boolean;
  /** Views with deleting members replaced (marked deleted, or reset for a re-create). */
  views: MemberView[];
  patches: Patch[];
  flags: Flag[];
}

function deleteConflictFlag(app: AppName, outcome: string): Flag {
  return { kind: 'delete-conflict', app, message: `${app} deleted a record another app edited concurrently: ${outcome}` };
}

/** A member the app deleted: kept in the link as deleted, so it receives nothing and is never re-created. */
function markDeleted(view: MemberView): MemberView {
  return { member: { ...view.member, deleted: true, pending: [] }, obs: null };
}

/** A member to re-create: no id, no shadow; patch planning turns it into a create. */
function resetForCreate(view: MemberView): MemberView {
  const member: MemberState = { app: view.member.app, externalId: null, shadow: null, appVersion: null, ackedVersion: 0, pending: [] };
  return { member, obs: null };
}

/**
 * | deleted signal | deletes   | concurrent edit | onDeleteConflict | outcome                                            |
 * |----------------|-----------|-----------------|------------------|----------------------------------------------------|
 * | none           | —         | —               | —                | nothing                                            |
 * | yes            | ignore    | —               | —                | that member is marked deleted; the link goes on    |
 * | yes            | propagate | no              | —                | link deleted; `delete` patch to every other member |
 * | yes            | archive   | no              | —                | link deleted; `archive` patch to every other member|
 * | yes            | prop/arch | yes             | delete-wins      | as without the edit, flagged                       |
 * | yes            | prop/arch | yes             | edit-wins        | the edit stays: the record is re-created where the |
 * |                |           |                 |                  | app allows creates, else dropped from the link;    |
 * |                |           |                 |                  | flagged                                            |
 */
export function decideDeletes(spec: SyncSpec, views: MemberView[], edited: boolean): DeleteOutcome {
  const deleting = new Set(views.filter((v) => v.obs?.deleted && !v.member.deleted).map((v) => v.member.app));
  const none: DeleteOutcome = { linkDeleted: false, views, patches: [], flags: [] };
  if (deleting.size === 0) return none;
  if (spec.deletes === 'ignore') return { ...none, views: views.map((v) => (deleting.has(v.member.app) ? markDeleted(v) : v)) };
  const flags: Flag[] = [];
  if (edited && spec.onDeleteConflict === 'edit-wins') {
    const kept = views.map((v) => {
      if (!deleting.has(v.member.app)) return v;
      const recreate = spec.members[v.member.app]?.create === true;
      flags.push(deleteConflictFlag(v.member.app, recreate ? 'the edit wins; re-created' : 'the edit wins; dropped from this app'));
      return recreate ? resetForCreate(v) : markDeleted(v);
    });
    return { linkDeleted: false, views: kept, patches: [], flags };
  }
  if (edited) for (const app of deleting) flags.push(deleteConflictFlag(app, 'the delete wins'));
  const op = spec.deletes === 'propagate' ? 'delete' : 'archive';
  const patches: Patch[] = views
    .filter((v) => !deleting.has(v.member.app) && !v.member.deleted && v.member.externalId !== null)
    .map((v) => ({ app: v.member.app, externalId: v.member.externalId, op, fields: {}, canonical: {} }));
  return { linkDeleted: true, views: views.map((v) => (deleting.has(v.member.app) ? markDeleted(v) : v)), patches, flags };
}
