/**
 * "Its own stored image of agreed": the canonical value an app shows after it stored what we would write. Comparing
 * against it (and not only against agreed) is what keeps non-injective maps (CRM `mql` and `lead` both → `Lead`)
 * and reformatting apps from being rewritten every cycle.
 */
import { canonEqual } from '../equality.js';
import type { CanonValue, FieldAppSpec, FieldSpec } from '../model.js';
import { readField } from '../mapping/read.js';
import { fieldToRaw } from '../mapping/write.js';

/** Whether an app value `known` already stands for `wanted` in this app (equal, or equal to the image of wanted). */
export function holdsImage(field: FieldSpec, appSpec: FieldAppSpec, known: CanonValue, wanted: CanonValue, raw: unknown): boolean {
  if (canonEqual(known, wanted)) return true;
  const image = fieldToRaw(field, appSpec, wanted, raw);
  if (!image.ok) return false;
  const back = readField(field, appSpec, image.raw);
  return back.ok && canonEqual(back.value, known);
}
