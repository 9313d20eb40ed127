/**
 * Typed equality of canonical values (DESIGN §5): the reconciler decides "changed" with these functions, never
 * with `!==`. Values are compared as canonical values — callers run the field's transform first.
 *
 * | a                  | b                  | equal when                                   |
 * |--------------------|--------------------|----------------------------------------------|
 * | empty              | empty              | always (null, undefined, '' and [] are one)  |
 * | set (array)        | set (array)        | same distinct elements, in any order         |
 * | number             | number             | same value (0 and -0 are one)                |
 * | string / boolean   | same type          | identical                                    |
 * | anything else      |                    | never (`1` is not `'1'`, `['a']` is not `'a'`) |
 */
import type { CanonValue, Scalar } from './model.js';
import type { Transform } from './transforms/transform.js';

/** Whether a value is empty: null, undefined, '' or an empty array. */
export function isEmpty(v: unknown): boolean {
  return v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
}

/** The key of one set element, typed like any scalar's so that an element `1` and an element `'1'` stay apart. */
function elementKey(element: unknown): string {
  return canonKey(element as Scalar);
}

function sameSet(a: readonly unknown[], b: readonly unknown[]): boolean {
  const left = new Set(a.map(elementKey));
  const right = new Set(b.map(elementKey));
  return left.size === right.size && [...left].every((key) => right.has(key));
}

/** Typed equality of two canonical values (see the table above). Absent (undefined) is empty. */
export function canonEqual(a: CanonValue | undefined, b: CanonValue | undefined): boolean {
  const aEmpty = isEmpty(a);
  const bEmpty = isEmpty(b);
  if (aEmpty || bEmpty) return aEmpty && bEmpty;
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && sameSet(a, b);
  if (typeof a === 'number' && typeof b === 'number') return a === b || (Number.isNaN(a) && Number.isNaN(b));
  return a === b;
}

/**
 * A stable string key of a canonical value, for maps and hashing: two values have the same key exactly when
 * canonEqual says they are equal. Empties share one key; sets are keyed by their sorted distinct elements.
 */
export function canonKey(v: CanonValue | undefined): string {
  if (isEmpty(v)) return 'empty';
  if (Array.isArray(v)) return `set:${JSON.stringify([...new Set(v.map(elementKey))].sort())}`;
  if (typeof v === 'string') return `s:${v}`;
  if (typeof v === 'number') return `n:${String(v)}`;
  return `b:${String(v)}`;
}

/**
 * The canonical form of a set: each value through the transform (when given), values that fail or are empty
 * dropped, the rest as strings, distinct and sorted by code unit (the same order on every machine).
 */
export function normaliseSet(values: readonly unknown[], transform?: Transform, options: Record<string, unknown> = {}): string[] {
  const out = new Set<string>();
  for (const value of values) {
    const element = transform ? transform.toCanonical(value, options) : plainElement(value);
    if (element.ok && !isEmpty(element.value)) out.add(String(element.value));
  }
  return [...out].sort();
}

/** A set element without a transform: scalars pass (as text), anything else cannot be an element. */
function plainElement(value: unknown): { ok: true; value: Scalar } | { ok: false } {
  const scalar = typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
  return scalar ? { ok: true, value } : { ok: false };
}
