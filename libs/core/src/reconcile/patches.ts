/**
 * Rules 8 and 9 — patches and repair. Every writable member whose value does not already stand for the new agreed
 * value gets one patch (creates for members that do not exist yet), but only when there is a reason to write:
 * the wanted value changed, the member is behind (`ackedVersion` < `agreedVersion`), its value moved, or it is
 * newly linked. A member that refused a write is flagged once at settle, not rewritten every cycle.
 */
import { canonEqual } from '../equality.js';
import type { AppName, CanonRecord, FieldAppSpec, FieldSpec, RawFields, SyncSpec } from '../model.js';
import { appFields } from '../mapping/read.js';
import { buildCreate, fieldToRaw, holdsValue, wantedValue } from '../mapping/write.js';
import type { Flag, LinkState, Patch } from '../reconcile-types.js';
import { holdsImage } from './image.js';
import { valueOf, type Reading, type ReadingMemo } from './readings.js';
import type { MemberView } from './views.js';

export interface PatchPlan {
  patches: Patch[];
  flags: Flag[];
  /** Apps that received a patch (their ackedVersion waits for settle). */
  patched: Set<AppName>;
}

/**
 * Whether one field of one member needs writing:
 * | frozen | write allowed | reason to write (wanted changed, behind, moved, new) | if-empty and app has a value | holds image | patch |
 * |--------|---------------|------------------------------------------------------|------------------------------|-------------|-------|
 * | yes    | —             | —                                                    | —                            | —           | no    |
 * | no     | no            | —                                                    | —                            | —           | no    |
 * | no     | yes           | no                                                   | —                            | —           | no    |
 * | no     | yes           | yes                                                  | yes                          | —           | no    |
 * | no     | yes           | yes                                                  | no                           | yes         | no    |
 * | no     | yes           | yes                                                  | no                           | no          | yes   |
 */
function needsWrite(field: FieldSpec, appSpec: FieldAppSpec, reading: Reading, reason: boolean, wanted: ReturnType<typeof wantedValue>): boolean {
  if (!appSpec.write || !reason) return false;
  if (appSpec.writeMode === 'if-empty' && holdsValue(field, appSpec, reading.raw)) return false;
  const known = valueOf(reading.known);
  return known === undefined || !holdsImage(field, appSpec, known, wanted, reading.raw);
}

function updatePatch(spec: SyncSpec, link: LinkState, view: MemberView, agreed: CanonRecord, frozen: Set<string>, flags: Flag[], memo: ReadingMemo): Patch | null {
  const { member } = view;
  // Behind: an agreed version it never acknowledged, no shadow yet, or a planned write never seen to settle (a crash
  // between write-ahead and settle; a revert of a one-way field does not move agreedVersion, so acks alone miss it).
  const behind = member.ackedVersion < link.agreedVersion || member.shadow === null || member.pending.length > 0;
  const fields: RawFields = {};
  const canonical: CanonRecord = {};
  // spec.fields directly rather than appFields(): this runs for every member of every link, and needs no list.
  for (const field of spec.fields) {
    const appSpec = field.apps[member.app];
    if (!appSpec || frozen.has(field.name)) continue;
    const reading = memo.of(view, field, appSpec);
    const wanted = wantedValue(field, agreed);
    // An unreadable current value is not an edit (rule 2), but the app no longer holds agreed: repair it.
    const unreadable = reading.cur !== null && !reading.cur.ok;
    const reason = behind || reading.diverged || reading.first || unreadable || !canonEqual(wanted, wantedValue(field, link.agreed));
    if (!needsWrite(field, appSpec, reading, reason, wanted)) continue;
    const raw = fieldToRaw(field, appSpec, wanted, reading.raw);
    if (!raw.ok) {
      flags.push({ kind: 'unmappable', app: member.app, field: field.name, message: `agreed ${field.name} cannot be written to ${member.app}: ${raw.reason}` });
      continue;
    }
    fields[appSpec.path] = raw.raw;
    canonical[field.name] = wanted;
  }
  if (Object.keys(fields).length === 0) return null;
  return { app: member.app, externalId: member.externalId, op: 'update', fields, canonical };
}

function createPatch(spec: SyncSpec, view: MemberView, agreed: CanonRecord): Patch {
  const app = view.member.app;
  const canonical: CanonRecord = {};
  for (const { field, appSpec } of appFields(spec, app)) if (appSpec.write) canonical[field.name] = wantedValue(field, agreed);
  return { app, externalId: null, op: 'create', fields: buildCreate(spec, app, agreed), canonical };
}

/** Patches (and creates) for every live member of a link that is not deleted. */
export function planPatches(spec: SyncSpec, link: LinkState, views: MemberView[], agreed: CanonRecord, frozen: Set<string>, memo: ReadingMemo): PatchPlan {
  const plan: PatchPlan = { patches: [], flags: [], patched: new Set() };
  for (const view of views) {
    if (view.member.deleted || view.obs?.deleted) continue;
    const patch = view.member.externalId === null ? createPatch(spec, view, agreed) : updatePatch(spec, link, view, agreed, frozen, plan.flags, memo);
    if (!patch) continue;
    plan.patches.push(patch);
    plan.patched.add(view.member.app);
  }
  return plan;
}
