/**
 * Rule 7 — set fields merge per element against each app's own shadow (an OR-set: an add wins over a concurrent
 * remove of the same element). Elements are canonical (after the transform) and limited to `only:` when reading.
 */
import { normaliseSet } from '../equality.js';
import type { CanonValue } from '../model.js';
import { valueOf, type Reading } from './readings.js';

function asSet(value: CanonValue | undefined): string[] {
  return Array.isArray(value) ? value : [];
}

/**
 * | element in shadow[a] | element in cur[a] | contribution of app a |
 * |----------------------|-------------------|-----------------------|
 * | no                   | yes               | add                   |
 * | yes                  | no                | remove                |
 * | same                 | same              | nothing               |
 * New agreed = (agreed ∪ adds) − (removes − adds). An app whose shadow could not be read diffs against agreed.
 */
export function mergeSet(before: CanonValue, editors: Reading[]): string[] {
  const adds = new Set<string>();
  const removes = new Set<string>();
  const agreed = asSet(before);
  for (const r of editors) {
    const cur = asSet(valueOf(r.cur));
    const shadow = r.shadow && r.shadow.ok ? asSet(r.shadow.value) : agreed;
    for (const element of cur) if (!shadow.includes(element)) adds.add(element);
    for (const element of shadow) if (!cur.includes(element)) removes.add(element);
  }
  const kept = agreed.filter((element) => !removes.has(element) || adds.has(element));
  return normaliseSet([...kept, ...adds]);
}
