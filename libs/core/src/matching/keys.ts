/**
 * Identity keys: the normalised values of a sync's `match:` fields (DESIGN §6.2). Matching must not depend on how
 * an app spells a value, so keys are canonical (the field's transform and value map) and then folded.
 */
import { isEmpty } from '../equality.js';
import type { AppName, CanonValue, FieldSpec, RawFields, SyncSpec } from '../model.js';
import { getPath } from '../mapping/path.js';
import { readField } from '../mapping/read.js';
import { getTransform } from '../transforms/index.js';

/** One normalised identity key of a record (`{ field: 'email', value: 'ada@example.test' }`). */
export interface IdentityKey {
  field: string;
  value: string;
}

/**
 * A value of a match field → its key string, or null when empty or unreadable. The field's transform runs first
 * (phone → E.164, email → trimmed lowercase); then keys are trimmed, Unicode-normalised and lowercased so that
 * `Ada@Example.test ` and `ada@example.test` are one person even on a field without a transform.
 */
export function normaliseKey(field: FieldSpec, value: unknown): string | null {
  const transform = field.transform ? getTransform(field.transform.name) : undefined;
  let canonical: unknown = value;
  if (transform) {
    const outcome = transform.toCanonical(value, field.transform?.options ?? {});
    if (!outcome.ok) return null;
    canonical = outcome.value;
  }
  if (Array.isArray(canonical) || typeof canonical === 'object' || isEmpty(canonical as CanonValue)) return null;
  const key = String(canonical).normalize('NFC').trim().toLowerCase();
  return key === '' ? null : key;
}

/**
 * The identity keys of one app record, in `spec.match` order, from its raw (flattened or nested) fields. Values
 * are read through the app's own mapping first, so an app's value map and format are honoured.
 */
export function recordKeys(spec: SyncSpec, app: AppName, raw: RawFields): IdentityKey[] {
  const keys: IdentityKey[] = [];
  for (const name of spec.match) {
    const field = spec.fields.find((f) => f.name === name);
    const appSpec = field?.apps[app];
    if (!field || !appSpec || field.type === 'set') continue;
    // Canonical first (app options and value map); the transform is idempotent on its output, so normaliseKey may rerun it.
    const outcome = readField(field, appSpec, getPath(raw, appSpec.path));
    if (!outcome.ok) continue;
    const value = normaliseKey(field, outcome.value);
    if (value !== null) keys.push({ field: name, value });
  }
  return keys;
}
