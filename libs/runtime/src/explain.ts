/** The explain view (`tandem explain app:id`, `GET /admin/records/:app/:id`) and approving a held run. */
import type { CanonRecord, FieldMeta, OpenConflict, SyncSpec } from '@tandem/core';
import type { ChangeRow, Ledger } from '@tandem/ledger';
import type { CycleReport, RecordRef, SyncEnvironment } from './api.js';
import { runCycle } from './cycle.js';
import { RunNotHeldError } from './errors.js';

export interface RecordExplanation {
  sync: string;
  linkId: string;
  agreed: CanonRecord;
  agreedVersion: number;
  deleted: boolean;
  /** Per field: when it last changed, from which app, by which rule. */
  fieldMeta: Record<string, FieldMeta>;
  members: { app: string; externalId: string | null; ackedVersion: number; pending: number; deleted: boolean }[];
  openConflicts: OpenConflict[];
  /** The link's audit, oldest first: each change with app, rule and the timestamps that decided. */
  changes: ChangeRow[];
}

/** Everything the ledger knows about the link holding one app record, or null when the record is not linked. */
export async function explainRecord(ledger: Ledger, spec: SyncSpec, ref: RecordRef, limit = 50): Promise<RecordExplanation | null> {
  const link = await ledger.links.loadByMember(spec.name, ref.app, ref.id);
  if (!link) return null;
  const changes = await ledger.audit.listByLink(link.linkId, { limit });
  return {
    sync: spec.name,
    linkId: link.linkId,
    agreed: link.agreed,
    agreedVersion: link.agreedVersion,
    deleted: link.deleted === true,
    fieldMeta: link.fieldMeta,
    members: link.members.map((m) => ({ app: m.app, externalId: m.externalId, ackedVersion: m.ackedVersion, pending: m.pending.length, deleted: m.deleted === true })),
    openConflicts: link.openConflicts,
    changes,
  };
}

/** Runs the deletes a held run was holding: a full cycle with the mass-delete guard lifted, then marks it approved. */
export async function approveRun(runId: string, spec: SyncSpec, env: SyncEnvironment): Promise<CycleReport> {
  const run = await env.ledger.runs.get(runId);
  if (!run) throw new RunNotHeldError(runId, 'no such run');
  if (run.sync !== spec.name) throw new RunNotHeldError(runId, `it belongs to sync ${run.sync}`);
  if (run.status !== 'held') throw new RunNotHeldError(runId, `its status is ${run.status}`);
  return runCycle(spec, env, { trigger: 'manual', approveRun: runId });
}
