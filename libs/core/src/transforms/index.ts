/**
 * The transform registry: every name in TRANSFORM_NAMES has exactly one implementation (the Record type makes a
 * missing one a compile error). One transform per field; options come from the field and the app.
 */
import type { TransformName } from '../model.js';
import { booleanTransform } from './boolean.js';
import { dateTransform } from './date.js';
import { emailTransform } from './email.js';
import { lowercaseTransform } from './lowercase.js';
import { numberTransform } from './number.js';
import { phoneE164Transform } from './phone-e164.js';
import type { Transform } from './transform.js';
import { trimTransform } from './trim.js';
import { uppercaseTransform } from './uppercase.js';

export type { Transform, TransformOutcome } from './transform.js';

/** Every transform by name. */
export const TRANSFORMS: Readonly<Record<TransformName, Transform>> = Object.freeze({
  email: emailTransform,
  trim: trimTransform,
  lowercase: lowercaseTransform,
  uppercase: uppercaseTransform,
  phone_e164: phoneE164Transform,
  date: dateTransform,
  number: numberTransform,
  boolean: booleanTransform,
});

/** The transform of this name, or undefined for an unknown name (inherited object keys such as `toString` included). */
export function getTransform(name: string): Transform | undefined {
  return Object.hasOwn(TRANSFORMS, name) ? TRANSFORMS[name as TransformName] : undefined;
}
