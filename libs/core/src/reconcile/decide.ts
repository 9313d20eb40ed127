/**
 * Deciding one canonical field of a link (DESIGN §5 rules 4–7): who edited, whether they agree, and which rule
 * settles it. Each branch is a small function; `decideField` is the table that routes between them.
 */
import { canonEqual, isEmpty } from '../equality.js';
import type { CanonValue, EpochMs, FieldSpec, SyncSpec } from '../model.js';
import type { OpenConflict } from '../reconcile-types.js';
import { unchanged, type FieldDecision } from './decision.js';
import { decideFirstLink } from './first-link.js';
import { frozenField, openConflict } from './manual.js';
import { valueOf, type Reading } from './readings.js';
import { byAuthority, decideConflict, type Edit } from './rules.js';
import { mergeSet } from './sets.js';

function editsOf(readings: Reading[]): Edit[] {
  return readings
    .filter((r) => r.changed)
    .map((r) => ({ app: r.app, value: valueOf(r.cur) ?? null, fieldTs: r.fieldTs, recordTs: r.recordTs }));
}

function decided(field: FieldSpec, readings: Reading[], before: CanonValue, after: CanonValue, source: { app: string | null; rule: string; timestamps: Record<string, EpochMs | null> }): FieldDecision {
  const changed = !canonEqual(before, after);
  const base = { ...unchanged(field, readings, before), after, changed, edited: true };
  if (!changed) return base;
  return { ...base, explanation: { field: field.name, before, after, sourceApp: source.app, rule: source.rule, timestamps: source.timestamps } };
}

/** Rule 5 — one change, or several changes to one value: that value becomes agreed. */
function adoptAgreedEdit(spec: SyncSpec, field: FieldSpec, readings: Reading[], before: CanonValue, edits: Edit[]): FieldDecision {
  const source = byAuthority(spec, edits) as Edit;
  const rule = edits.length === 1 ? 'changed in one app' : 'changed to the same value in several apps';
  const timestamps = Object.fromEntries(edits.map((e) => [e.app, e.fieldTs ?? e.recordTs]));
  return decided(field, readings, before, source.value, { app: edits.length === 1 ? source.app : null, rule, timestamps });
}

/** Rule 6 — several different changes: the field's conflict rule (manual opens a conflict). */
function settleConflict(spec: SyncSpec, field: FieldSpec, readings: Reading[], before: CanonValue, edits: Edit[]): FieldDecision {
  const verdict = decideConflict(spec, field.rule, edits);
  if (!verdict) return openConflict(field, readings, before, edits);
  return decided(field, readings, before, verdict.winner.value, { app: verdict.winner.app, rule: verdict.rule, timestamps: verdict.timestamps });
}

/** Rule 7 — a set field: per-element merge of every app's adds and removes. */
function mergeSetEdits(field: FieldSpec, readings: Reading[], before: CanonValue, edits: Edit[]): FieldDecision {
  const after = mergeSet(before, readings.filter((r) => r.changed));
  const timestamps = Object.fromEntries(edits.map((e) => [e.app, e.fieldTs ?? e.recordTs]));
  return decided(field, readings, before, after, { app: edits.length === 1 ? (edits[0]?.app ?? null) : null, rule: 'set merge (add wins over remove)', timestamps });
}

/** Rule 4 — nothing edited: a first-linked member may fill or (by onLink) replace the agreed value. */
function firstLinkOnly(spec: SyncSpec, field: FieldSpec, readings: Reading[], before: CanonValue): FieldDecision {
  const verdict = decideFirstLink(spec, field, before, readings);
  if (!verdict) return unchanged(field, readings, before);
  const base = decided(field, readings, before, verdict.value, { app: verdict.app, rule: verdict.rule, timestamps: { [verdict.app]: null } });
  return { ...base, edited: false };
}

/**
 * | open conflict | edits                  | field type | decision                                   |
 * |---------------|------------------------|------------|--------------------------------------------|
 * | yes           | any                    | any        | frozen (update / close the conflict)       |
 * | no            | none                   | any        | first link (rule 4), else nothing          |
 * | no            | some                   | set        | per-element merge (rule 7)                 |
 * | no            | one, or all equal      | scalar     | adopt (rule 5)                             |
 * | no            | several, different     | scalar     | the field's conflict rule (rule 6)         |
 * Edits from first-linked members do not exist (they are not edits); their values lose to real edits.
 */
export function decideField(spec: SyncSpec, field: FieldSpec, before: CanonValue, readings: Reading[], open: OpenConflict | undefined, now: EpochMs): FieldDecision {
  const edits = editsOf(readings);
  if (open) return frozenField(field, readings, before, open, edits, now);
  if (edits.length === 0) return firstLinkOnly(spec, field, readings, before);
  if (field.type === 'set') return mergeSetEdits(field, readings, before, edits);
  const [first] = edits;
  if (first && edits.every((e) => canonEqual(e.value, first.value))) return adoptAgreedEdit(spec, field, readings, before, edits);
  return settleConflict(spec, field, readings, before, edits);
}

/** The agreed value of a field before this call (empty sets and scalars normalised). */
export function agreedValue(field: FieldSpec, agreed: Record<string, CanonValue>): CanonValue {
  const value = agreed[field.name];
  if (value === undefined || (field.type !== 'set' && isEmpty(value))) return field.type === 'set' ? (value ?? []) : null;
  return value;
}
