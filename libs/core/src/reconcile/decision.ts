/** The outcome of deciding one canonical field of a link, as the orchestrator assembles it. */
import type { CanonValue, FieldSpec } from '../model.js';
import type { ConflictDecision, Explanation, Flag } from '../reconcile-types.js';
import type { Reading } from './readings.js';

export interface FieldDecision {
  field: FieldSpec;
  readings: Reading[];
  before: CanonValue;
  after: CanonValue;
  /** The agreed value changed (it differs from `before`). */
  changed: boolean;
  /** Some app edited the field in this call (even if the agreed value ends up the same). */
  edited: boolean;
  /** An open manual conflict: no patches for this field until it is resolved. */
  frozen: boolean;
  explanation?: Explanation;
  conflict?: ConflictDecision;
  flags: Flag[];
}

/** A decision that changes nothing. */
export function unchanged(field: FieldSpec, readings: Reading[], before: CanonValue): FieldDecision {
  return { field, readings, before, after: before, changed: false, edited: false, frozen: false, flags: [] };
}
