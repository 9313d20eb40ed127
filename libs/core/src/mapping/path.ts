/**
 * Dotted field paths on raw app records (`merge_fields.FNAME`, `user_fields.plan`). Records may be nested objects
 * (as an app returns them) or already flattened by path (as shadows and patches are stored), so a lookup tries the
 * whole path as one key first.
 */
import type { RawFields } from '../model.js';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at a dotted path, or undefined when any step is missing. A flat key equal to the whole path wins. */
export function getPath(record: unknown, path: string): unknown {
  if (!isObject(record)) return undefined;
  if (Object.hasOwn(record, path)) return record[path];
  let current: unknown = record;
  for (const step of path.split('.')) {
    if (!isObject(current) || !Object.hasOwn(current, step)) return undefined;
    current = current[step];
  }
  return current;
}

/**
 * A copy of `record` with `value` at the dotted path, creating intermediate objects. The input is not changed,
 * so ledger snapshots handed to the reconciler stay as they were.
 */
export function setPath(record: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const [head, ...rest] = path.split('.');
  const key = head ?? path;
  if (rest.length === 0) return { ...record, [key]: value };
  const child = isObject(record[key]) ? record[key] : {};
  return { ...record, [key]: setPath(child, rest.join('.'), value) };
}

/** Flattened fields (`{ 'merge_fields.FNAME': 'Ada' }`) → a nested record (`{ merge_fields: { FNAME: 'Ada' } }`). */
export function expandPaths(fields: RawFields): Record<string, unknown> {
  let nested: Record<string, unknown> = {};
  for (const [path, value] of Object.entries(fields)) nested = setPath(nested, path, value);
  return nested;
}
