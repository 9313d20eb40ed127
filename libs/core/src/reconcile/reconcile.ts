/**
 * The reconciler (DESIGN §5): one pure call per link. It pairs observations with members (rule 1), decides every
 * canonical field (rules 2–7, decide.ts), handles deletes (rule 10), then plans patches and repairs (rules 8–9).
 * No I/O, no clock: `now` is only stamped on field metadata.
 */
import { canonEqual, isEmpty } from '../equality.js';
import { TandemError } from '../errors.js';
import type { AppName, CanonRecord, CanonValue, EpochMs, SyncSpec } from '../model.js';
import type { ConflictDecision, Explanation, Flag, LinkState, Observation, Patch, ReconcileResult } from '../reconcile-types.js';
import { unchanged, type FieldDecision } from './decision.js';
import { agreedValue, decideField } from './decide.js';
import { decideDeletes } from './deletes.js';
import { nextMember } from './members.js';
import { planPatches } from './patches.js';
import { fieldReadings, ReadingMemo, valueOf } from './readings.js';
import { buildViews, type MemberView } from './views.js';

/** Rule 2 — values that do not map are not edits, but a person should see them. */
function unmappableFlags(decisions: FieldDecision[]): Flag[] {
  const flags: Flag[] = [];
  for (const d of decisions) {
    for (const r of d.readings) {
      if (r.cur !== null && !r.cur.ok) flags.push({ kind: 'unmappable', app: r.app, field: d.field.name, message: `${r.app} ${d.field.name} was not observed: ${r.cur.reason}` });
    }
  }
  return flags;
}

function decideAll(spec: SyncSpec, link: LinkState, views: MemberView[], now: EpochMs, memo: ReadingMemo): FieldDecision[] {
  return spec.fields
    .filter((field) => field.template === undefined)
    .map((field) => {
      const open = link.openConflicts.find((c) => c.field === field.name);
      return decideField(spec, field, agreedValue(field, link.agreed), fieldReadings(views, field, memo), open, now);
    });
}

/** Whether the agreed record names someone: creating a record with no identity key would only make duplicates. */
function hasIdentity(spec: SyncSpec, agreed: CanonRecord): boolean {
  return spec.match.some((name) => agreed[name] !== undefined && !isEmpty(agreed[name] as CanonValue));
}

/**
 * Apps that allow creates and have no member in the link get one (no id yet): patch planning turns it into a
 * create. Apps with `create: false` never receive new people (consent); a deleted member is not re-created here.
 */
function withCreates(spec: SyncSpec, views: MemberView[], agreed: CanonRecord): MemberView[] {
  if (!hasIdentity(spec, agreed)) return views;
  const present = new Set(views.map((v) => v.member.app));
  const added: MemberView[] = Object.values(spec.members)
    .filter((m) => m.create && !present.has(m.app))
    .map((m) => ({ member: { app: m.app, externalId: null, shadow: null, appVersion: null, ackedVersion: 0, pending: [] }, obs: null }));
  return added.length === 0 ? views : [...views, ...added];
}

interface Extra {
  flags: Flag[];
  linkDeleted: boolean;
  deletePatches: Patch[];
  /** The readings this call already took (patch planning and next shadows reuse them). */
  memo: ReadingMemo;
}

/** Turns field decisions and member views into the result: agreed, metadata, patches, member states. */
function assemble(spec: SyncSpec, link: LinkState, views: MemberView[], decisions: FieldDecision[], now: EpochMs, extra: Extra): ReconcileResult {
  const agreed: CanonRecord = { ...link.agreed };
  const fieldMeta = { ...link.fieldMeta };
  const frozen = new Set<string>();
  const conflicts: ConflictDecision[] = [];
  const explanations: Explanation[] = [];
  const flags: Flag[] = [...extra.flags];
  let changed = false;
  // One pass over the decisions (this runs for every link of every cycle).
  for (const d of decisions) {
    if (d.changed) {
      changed = true;
      agreed[d.field.name] = d.after;
      fieldMeta[d.field.name] = { changedAt: now, sourceApp: d.explanation?.sourceApp ?? null, rule: d.explanation?.rule ?? 'changed' };
    }
    if (d.frozen) frozen.add(d.field.name);
    if (d.conflict) conflicts.push(d.conflict);
    if (d.explanation) explanations.push(d.explanation);
    for (const flag of d.flags) flags.push(flag);
  }
  const agreedVersion = link.agreedVersion + (changed ? 1 : 0);
  const allViews = extra.linkDeleted ? views : withCreates(spec, views, agreed);
  const plan = extra.linkDeleted
    ? { patches: extra.deletePatches, flags: [], patched: new Set<AppName>(extra.deletePatches.map((p) => p.app)) }
    : planPatches(spec, link, allViews, agreed, frozen, extra.memo);
  for (const flag of plan.flags) flags.push(flag);
  return {
    agreed,
    fieldMeta,
    agreedVersion,
    members: allViews.map((v) => nextMember(spec, v, plan.patched, agreedVersion, extra.memo)),
    patches: plan.patches,
    conflicts,
    flags,
    explanations,
    deleted: extra.linkDeleted,
  };
}

/**
 * A deleted link takes no further decisions: its tombstones stand. Only a delete or archive that was planned but
 * never settled (a crash, a failed write) is sent again — repair (rule 9) applies to deletes too.
 */
function untouched(link: LinkState): ReconcileResult {
  const { agreed, fieldMeta, agreedVersion, members } = link;
  const patches: Patch[] = [];
  for (const m of members) {
    const intent = m.pending.find((p) => p.op === 'delete' || p.op === 'archive');
    if (intent && !m.deleted && m.externalId !== null) patches.push({ app: m.app, externalId: m.externalId, op: intent.op, fields: {}, canonical: {} });
  }
  return { agreed, fieldMeta, agreedVersion, members, patches, conflicts: [], flags: [], explanations: [], deleted: true };
}

/**
 * Reconciles one link against fresh observations of its members and returns the new agreed record, member
 * states, patches (creates, updates, deletes/archives), conflict decisions, flags and an explanation per changed
 * field. Observations must belong to members of the link (the runtime adds newly matched records as members with
 * a null shadow first); members with a null external id are creates still to be made.
 */
export function reconcile(spec: SyncSpec, link: LinkState, observations: Observation[], now: EpochMs): ReconcileResult {
  if (link.deleted) return untouched(link);
  const built = buildViews(link, observations);
  const memo = new ReadingMemo();
  const decisions = decideAll(spec, link, built.views, now, memo);
  const deletes = decideDeletes(spec, built.views, decisions.some((d) => d.edited));
  const flags = [...built.flags, ...unmappableFlags(decisions), ...deletes.flags];
  return assemble(spec, link, deletes.views, decisions, now, { flags, linkDeleted: deletes.linkDeleted, deletePatches: deletes.patches, memo });
}

/** Resolving a conflict that is not open: a caller bug (or a race another resolution won). */
export class ConflictNotOpenError extends TandemError {
  constructor(linkId: string, field: string) {
    super('TANDEM_CONFLICT_NOT_OPEN', `link ${linkId} has no open conflict on ${field}`, { linkId, field });
  }
}

/** A person's answer to a manual conflict: take one app's candidate, or a value of their own (canonical). */
export type ConflictChoice = { app: AppName } | { value: CanonValue };

/**
 * Resolves the open conflict on `field`: the chosen value becomes agreed (a new agreed version), the conflict
 * closes, and every writable member that does not hold the value gets a patch.
 */
export function resolveConflict(spec: SyncSpec, link: LinkState, field: string, choice: ConflictChoice, now: EpochMs): ReconcileResult {
  const open = link.openConflicts.find((c) => c.field === field);
  const fieldSpec = spec.fields.find((f) => f.name === field);
  if (!open || !fieldSpec) throw new ConflictNotOpenError(link.linkId, field);
  const views: MemberView[] = link.members.map((member) => ({ member, obs: null }));
  const memo = new ReadingMemo();
  const readings = fieldReadings(views, fieldSpec, memo);
  const before = agreedValue(fieldSpec, link.agreed);
  const after = 'app' in choice ? (open.candidates[choice.app] ?? valueOf(readings.find((r) => r.app === choice.app)?.known ?? null) ?? before) : choice.value;
  const sourceApp = 'app' in choice ? choice.app : null;
  const decision: FieldDecision = {
    ...unchanged(fieldSpec, readings, before),
    after,
    changed: !canonEqual(before, after),
    conflict: { field, action: 'close', candidates: open.candidates },
    explanation: { field, before, after, sourceApp, rule: sourceApp ? `manual: resolved for ${sourceApp}` : 'manual: resolved with a given value', timestamps: {} },
  };
  return assemble(spec, link, views, [decision], now, { flags: [], linkDeleted: false, deletePatches: [], memo });
}
