/**
 * Writing: canonical values → the raw values an app should store (patches and creates). The inverse of read.ts:
 * the app's value map is applied first (reverse entries), then the transform renders the app's own format.
 */
import { isEmpty } from '../equality.js';
import type { AppName, CanonRecord, CanonValue, FieldAppSpec, FieldSpec, RawFields, Scalar, SyncSpec } from '../model.js';
import { getTransform } from '../transforms/index.js';
import { getPath } from './path.js';
import { appFields, canonElement, onlyElements, rawElements, readField, transformOptions } from './read.js';

/** A raw value to write, or a reason the canonical value has no raw form in this app. */
export type WriteOutcome = { ok: true; raw: unknown } | { ok: false; reason: string };

/**
 * Decision table of a value map on write:
 * | canonical value | reverse entry | unmapped policy | raw value to write                    |
 * |-----------------|---------------|-----------------|---------------------------------------|
 * | empty           | —             | —               | null                                  |
 * | v               | yes           | —               | fromCanonical[v]                      |
 * | v               | no            | pass            | v (the app takes canonical values)    |
 * | v               | no            | other           | cannot be written (the field is left) |
 */
function unmapScalar(appSpec: FieldAppSpec, value: Scalar): { ok: true; value: Scalar } | { ok: false; reason: string } {
  const map = appSpec.map;
  if (!map || isEmpty(value)) return { ok: true, value };
  const key = String(value);
  if (Object.hasOwn(map.fromCanonical, key)) return { ok: true, value: map.fromCanonical[key] ?? null };
  if (map.unmapped.kind === 'pass') return { ok: true, value };
  return { ok: false, reason: 'canonical value has no reverse map entry' };
}

/** One canonical scalar → the raw value this app stores. */
export function scalarToRaw(field: FieldSpec, appSpec: FieldAppSpec, value: Scalar): WriteOutcome {
  if (isEmpty(value)) return { ok: true, raw: null };
  const unmapped = unmapScalar(appSpec, value);
  if (!unmapped.ok) return unmapped;
  if (!field.transform) return { ok: true, raw: unmapped.value };
  const transform = getTransform(field.transform.name);
  if (!transform) return { ok: false, reason: `unknown transform ${field.transform.name}` };
  return { ok: true, raw: transform.toRaw(unmapped.value, transformOptions(field, appSpec)) };
}

/**
 * The app's new raw set: its foreign elements (outside `only:`, unmappable) stay untouched, elements still agreed
 * keep the app's own spelling, elements no longer agreed go, and new agreed elements are appended.
 */
export function setToRaw(field: FieldSpec, appSpec: FieldAppSpec, value: string[], currentRaw: unknown): WriteOutcome {
  const only = onlyElements(field);
  const wanted = new Set(value);
  const represented = new Set<string>();
  const out: unknown[] = [];
  for (const rawElement of rawElements(currentRaw)) {
    const element = canonElement(field, appSpec, rawElement, only);
    if (element === null) out.push(rawElement);
    else if (wanted.has(element) && !represented.has(element)) {
      out.push(rawElement);
      represented.add(element);
    }
  }
  for (const element of value) {
    if (represented.has(element)) continue;
    const raw = scalarToRaw(field, appSpec, element);
    if (!raw.ok) return raw;
    out.push(raw.raw);
  }
  return { ok: true, raw: out };
}

/** One canonical field value → raw, for a scalar or a set field. `currentRaw` matters for sets only. */
export function fieldToRaw(field: FieldSpec, appSpec: FieldAppSpec, value: CanonValue, currentRaw?: unknown): WriteOutcome {
  if (field.type === 'set') return setToRaw(field, appSpec, Array.isArray(value) ? value : [], currentRaw);
  return scalarToRaw(field, appSpec, Array.isArray(value) ? null : value);
}

/**
 * Renders a `{field}` template from canonical fields (`"{first_name} {last_name}"`). Empty fields render as
 * nothing and the result is trimmed, so a missing last name does not leave a trailing space. Alternatives separated by
 * `||` are tried in order and the first that renders non-empty wins (`"{first_name} {last_name} || {email}"`, for an
 * app that refuses a nameless record); all-empty → null.
 */
export function renderTemplate(template: string, canon: CanonRecord): Scalar {
  for (const alternative of template.split('||')) {
    const text = alternative.replace(/\{([^{}]+)\}/g, (_whole, name: string) => {
      const value = canon[name.trim()];
      if (Array.isArray(value)) return value.join(', ');
      return value === null || value === undefined ? '' : String(value);
    });
    const trimmed = text.trim();
    if (trimmed !== '') return trimmed;
  }
  return null;
}

/** The canonical value the apps should hold for a field: rendered for templates, the default when agreed is empty. */
export function wantedValue(field: FieldSpec, agreed: CanonRecord): CanonValue {
  if (field.template !== undefined) return renderTemplate(field.template, agreed);
  const value = agreed[field.name] ?? (field.type === 'set' ? [] : null);
  if (isEmpty(value) && field.default !== undefined) return field.default;
  return value;
}

/** Whether the app's current raw value at a field is non-empty (what `writeMode: if-empty` looks at). */
export function holdsValue(field: FieldSpec, appSpec: FieldAppSpec, currentRaw: unknown): boolean {
  if (field.template !== undefined) return !isEmpty(currentRaw as CanonValue);
  const outcome = readField(field, appSpec, currentRaw);
  return outcome.ok ? !isEmpty(outcome.value) : !isEmpty(currentRaw as CanonValue);
}

/**
 * Canonical fields → raw fields for a patch to one app: every field the app writes that `canon` names (templates
 * rendered from `canon`, defaults for empty values). With `currentRaw` (the app's flattened values), `if-empty`
 * fields holding a value are skipped and sets keep their foreign elements. Values with no raw form are skipped.
 */
export function toRaw(spec: SyncSpec, app: AppName, canon: CanonRecord, currentRaw?: RawFields): RawFields {
  const out: RawFields = {};
  for (const { field, appSpec } of appFields(spec, app)) {
    if (!appSpec.write) continue;
    if (field.template === undefined && !Object.hasOwn(canon, field.name)) continue;
    const current = currentRaw === undefined ? undefined : getPath(currentRaw, appSpec.path);
    if (appSpec.writeMode === 'if-empty' && currentRaw !== undefined && holdsValue(field, appSpec, current)) continue;
    const raw = fieldToRaw(field, appSpec, wantedValue(field, canon), current);
    if (raw.ok) out[appSpec.path] = raw.raw;
  }
  return out;
}

/**
 * The raw fields of a new record in `app`: every writable non-empty agreed field, then the member's `onCreate`
 * values (constants or `{field}` templates) for paths the mapping left empty.
 */
export function buildCreate(spec: SyncSpec, app: AppName, agreed: CanonRecord): RawFields {
  const out: RawFields = {};
  for (const [path, raw] of Object.entries(toRaw(spec, app, agreed))) {
    if (!isEmpty(raw as CanonValue)) out[path] = raw;
  }
  for (const [path, value] of Object.entries(spec.members[app]?.onCreate ?? {})) {
    if (!isEmpty(out[path] as CanonValue)) continue;
    const rendered = typeof value === 'string' && /\{[^{}]+\}/.test(value) ? renderTemplate(value, agreed) : value;
    if (!isEmpty(rendered)) out[path] = rendered;
  }
  return out;
}
