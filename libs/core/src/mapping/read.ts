/**
 * Reading: raw app values → canonical values (DESIGN §5 rule 2). A value that its transform rejects, or that
 * has no entry in a `drop`/`error` value map, is "not observed" — an outcome with a reason, never an edit.
 */
import { isEmpty, normaliseSet } from '../equality.js';
import type { AppName, CanonRecord, CanonValue, FieldAppSpec, FieldSpec, RawFields, Scalar, SyncSpec } from '../model.js';
import { getTransform } from '../transforms/index.js';
import { getPath } from './path.js';

/** A canonical value, or "not observed" with a reason that names no personal data. */
export type ReadOutcome = { ok: true; value: CanonValue } | { ok: false; reason: string };

/** One field an app value could not be read for, and why. */
export interface Unobserved {
  field: string;
  reason: string;
}

/** The field's transform options with the app's own options (e.g. its date format) merged over them. */
export function transformOptions(field: FieldSpec, appSpec: FieldAppSpec): Record<string, unknown> {
  return { ...(field.transform?.options ?? {}), ...(appSpec.transformOptions ?? {}) };
}

/** A raw value with no transform: scalars pass, empties become null, anything else cannot be read. */
function plainScalar(raw: unknown): ReadOutcome {
  if (raw === undefined || raw === null || raw === '') return { ok: true, value: null };
  if (typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean') return { ok: true, value: raw };
  return { ok: false, reason: 'not a scalar value' };
}

/** Applies the field transform (with merged options) to one raw scalar. */
function transformScalar(field: FieldSpec, appSpec: FieldAppSpec, raw: unknown): ReadOutcome {
  if (!field.transform) return plainScalar(raw);
  const transform = getTransform(field.transform.name);
  if (!transform) return { ok: false, reason: `unknown transform ${field.transform.name}` };
  const outcome = transform.toCanonical(raw, transformOptions(field, appSpec));
  if (!outcome.ok) return { ok: false, reason: `transform ${field.transform.name}: ${outcome.reason}` };
  return isEmpty(outcome.value) ? { ok: true, value: null } : outcome;
}

/**
 * Decision table of a value map on read (the transform has already run):
 * | transformed value | map has entry | unmapped policy | outcome                    |
 * |-------------------|---------------|-----------------|----------------------------|
 * | empty             | —             | —               | empty (maps never see it)  |
 * | v                 | yes           | —               | map[v]                     |
 * | v                 | no            | pass            | v                          |
 * | v                 | no            | default d       | d                          |
 * | v                 | no            | drop / error    | not observed (flagged)     |
 */
function applyMap(appSpec: FieldAppSpec, value: Scalar): ReadOutcome {
  const map = appSpec.map;
  if (!map || isEmpty(value)) return { ok: true, value };
  const key = String(value);
  if (Object.hasOwn(map.toCanonical, key)) return { ok: true, value: map.toCanonical[key] ?? null };
  switch (map.unmapped.kind) {
    case 'pass':
      return { ok: true, value };
    case 'default':
      return { ok: true, value: map.unmapped.value };
    case 'drop':
      return { ok: false, reason: 'value has no map entry (unmapped: drop)' };
    case 'error':
      return { ok: false, reason: 'value has no map entry (unmapped: error)' };
  }
}

/** One raw scalar (or one set element) → canonical scalar: transform, then the app's value map. */
export function readScalar(field: FieldSpec, appSpec: FieldAppSpec, raw: unknown): ReadOutcome {
  const transformed = transformScalar(field, appSpec, raw);
  if (!transformed.ok) return transformed;
  return applyMap(appSpec, transformed.value as Scalar);
}

/** The elements of a raw set value: connectors present set-valued fields as arrays; a lone scalar is one element. */
export function rawElements(raw: unknown): unknown[] {
  if (raw === undefined || raw === null || raw === '') return [];
  return Array.isArray(raw) ? raw : [raw];
}

/** The `only:` elements in canonical form (passed through the field transform), or null when every element syncs. */
export function onlyElements(field: FieldSpec): Set<string> | null {
  if (!field.only) return null;
  const transform = field.transform ? getTransform(field.transform.name) : undefined;
  const options = field.transform?.options ?? {};
  const out = new Set<string>();
  for (const element of field.only) {
    const outcome = transform ? transform.toCanonical(element, options) : { ok: true as const, value: element };
    if (outcome.ok && !isEmpty(outcome.value)) out.add(String(outcome.value));
  }
  return out;
}

/**
 * The canonical form of one raw set element, or null when the element is *foreign*: outside `only:`, or not
 * readable under a `drop` map. Foreign elements are never synced and are left untouched in every app.
 */
export function canonElement(field: FieldSpec, appSpec: FieldAppSpec, raw: unknown, only: Set<string> | null): string | null {
  const outcome = readScalar(field, appSpec, raw);
  if (!outcome.ok || isEmpty(outcome.value)) return null;
  const element = String(outcome.value);
  return only && !only.has(element) ? null : element;
}

/** A raw set value → its synced canonical elements, sorted and distinct. An element under `unmapped: error` fails the field. */
function readSet(field: FieldSpec, appSpec: FieldAppSpec, raw: unknown): ReadOutcome {
  const only = onlyElements(field);
  const elements: string[] = [];
  for (const rawElement of rawElements(raw)) {
    const outcome = readScalar(field, appSpec, rawElement);
    if (!outcome.ok && appSpec.map?.unmapped.kind === 'error') return outcome;
    const element = canonElement(field, appSpec, rawElement, only);
    if (element !== null) elements.push(element);
  }
  return { ok: true, value: normaliseSet(elements) };
}

/** Reads one field of one app from a raw value (template fields are never read: callers skip them). */
export function readField(field: FieldSpec, appSpec: FieldAppSpec, raw: unknown): ReadOutcome {
  return field.type === 'set' ? readSet(field, appSpec, raw) : readScalar(field, appSpec, raw);
}

/** The fields an app maps, with its per-app spec. */
export function appFields(spec: SyncSpec, app: AppName): { field: FieldSpec; appSpec: FieldAppSpec }[] {
  const out: { field: FieldSpec; appSpec: FieldAppSpec }[] = [];
  for (const field of spec.fields) {
    const appSpec = field.apps[app];
    if (appSpec) out.push({ field, appSpec });
  }
  return out;
}

/**
 * Only the mapped paths of one raw app record (templates included), absent values as null — this is what a shadow
 * stores. Keeping every mapped path, even empty, lets the reconciler tell "seen empty" from "never tracked".
 */
export function flattenMapped(spec: SyncSpec, app: AppName, rawRecord: unknown): RawFields {
  const out: RawFields = {};
  for (const { appSpec } of appFields(spec, app)) out[appSpec.path] = getPath(rawRecord, appSpec.path) ?? null;
  return out;
}

/**
 * Raw fields of one app → canonical record. Template fields are skipped (never read). A field whose value cannot be
 * read is absent from `values` and listed in `unobserved`; an observed empty value is present as null.
 */
export function toCanonical(spec: SyncSpec, app: AppName, raw: RawFields): { values: CanonRecord; unobserved: Unobserved[] } {
  const values: CanonRecord = {};
  const unobserved: Unobserved[] = [];
  for (const { field, appSpec } of appFields(spec, app)) {
    if (field.template !== undefined) continue;
    const outcome = readField(field, appSpec, getPath(raw, appSpec.path));
    if (outcome.ok) values[field.name] = outcome.value;
    else unobserved.push({ field: field.name, reason: outcome.reason });
  }
  return { values, unobserved };
}
