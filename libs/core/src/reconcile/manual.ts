/**
 * Rule 6, `manual`: concurrent different edits open one conflict per field (updated in place afterwards); the field
 * is frozen — no patches — until a person resolves it, or until every app shows the same value again.
 */
import { canonEqual } from '../equality.js';
import type { AppName, CanonValue, EpochMs, FieldSpec } from '../model.js';
import type { OpenConflict } from '../reconcile-types.js';
import { unchanged, type FieldDecision } from './decision.js';
import { valueOf, type Reading } from './readings.js';
import type { Edit } from './rules.js';

/** Opens a conflict for a field whose changers disagree under `manual`. */
export function openConflict(field: FieldSpec, readings: Reading[], before: CanonValue, edits: Edit[]): FieldDecision {
  const candidates = Object.fromEntries(edits.map((e) => [e.app, e.value]));
  return {
    ...unchanged(field, readings, before),
    edited: true,
    frozen: true,
    conflict: { field: field.name, action: 'open', candidates },
    flags: [{ kind: 'frozen', field: field.name, message: `field ${field.name} has concurrent different edits; frozen until resolved` }],
  };
}

/** The one value every readable app shows now, if they all show one. */
function commonValue(readings: Reading[]): CanonValue | undefined {
  const values = readings.filter((r) => r.appSpec.read).map((r) => valueOf(r.known));
  const [first] = values;
  if (first === undefined || values.some((v) => v === undefined || !canonEqual(v, first))) return undefined;
  return first;
}

/**
 * A field with an open conflict:
 * | every readable app shows one value | new edits | outcome                                          |
 * |------------------------------------|-----------|--------------------------------------------------|
 * | yes                                | any       | close; that value becomes agreed                 |
 * | no                                 | yes       | update the conflict's candidates; stay frozen    |
 * | no                                 | no        | stay frozen                                      |
 */
export function frozenField(field: FieldSpec, readings: Reading[], before: CanonValue, existing: OpenConflict, edits: Edit[], now: EpochMs): FieldDecision {
  const candidates: Record<AppName, CanonValue> = { ...existing.candidates };
  for (const e of edits) candidates[e.app] = e.value;
  const common = commonValue(readings);
  if (common !== undefined) {
    const changed = !canonEqual(common, before);
    return {
      ...unchanged(field, readings, before),
      after: common,
      changed,
      edited: edits.length > 0,
      conflict: { field: field.name, action: 'close', candidates },
      ...(changed ? { explanation: { field: field.name, before, after: common, sourceApp: null, rule: 'manual: the apps agree again', timestamps: { ...stamp(edits, now) } } } : {}),
    };
  }
  const moved = edits.some((e) => !(e.app in existing.candidates) || !canonEqual(existing.candidates[e.app] ?? null, e.value));
  return {
    ...unchanged(field, readings, before),
    edited: edits.length > 0,
    frozen: true,
    ...(moved ? { conflict: { field: field.name, action: 'update' as const, candidates } } : {}),
    flags: [{ kind: 'frozen', field: field.name, message: `field ${field.name} is frozen by an open conflict` }],
  };
}

function stamp(edits: Edit[], now: EpochMs): Record<AppName, EpochMs | null> {
  return Object.fromEntries(edits.map((e) => [e.app, e.fieldTs ?? e.recordTs ?? now]));
}
