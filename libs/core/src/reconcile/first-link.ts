/**
 * Rule 4 — first link. A member seen for the first time (no shadow for the field) is not an edit: a 2019 import
 * must not overwrite today's CRM just by being linked.
 */
import { canonEqual, isEmpty } from '../equality.js';
import type { AppName, CanonValue, FieldSpec, SyncSpec } from '../model.js';
import { holdsImage } from './image.js';
import { valueOf, type Reading } from './readings.js';
import { byAuthority } from './rules.js';

export interface FirstLinkVerdict {
  app: AppName;
  value: CanonValue;
  rule: string;
}

/** Whether a first-linked app's value already agrees with the agreed value (equal, or its own image of it). */
function agrees(field: FieldSpec, reading: Reading, value: CanonValue, agreed: CanonValue): boolean {
  return holdsImage(field, reading.appSpec, value, agreed, reading.raw);
}

/**
 * | agreed | first-linked values (non-empty)   | outcome                                                     |
 * |--------|-----------------------------------|-------------------------------------------------------------|
 * | any    | none                              | nothing                                                     |
 * | empty  | all equal                         | fill with it                                                |
 * | empty  | different                         | onLink: preferred app, else authority order                 |
 * | set    | all agree with agreed             | nothing                                                     |
 * | set    | some differ                       | onLink between them and the best-ranked existing member     |
 * |        |                                   | holding agreed (none left: agreed stays); losers get patches |
 * Returns the new agreed value, or null when agreed stays.
 */
export function decideFirstLink(spec: SyncSpec, field: FieldSpec, before: CanonValue, readings: Reading[]): FirstLinkVerdict | null {
  const firsts: { app: AppName; value: CanonValue; reading: Reading }[] = [];
  for (const r of readings) {
    const value = valueOf(r.cur);
    if (r.first && r.appSpec.read && value !== undefined && !isEmpty(value)) firsts.push({ app: r.app, value, reading: r });
  }
  if (firsts.length === 0) return null;
  let contenders: { app: AppName; value: CanonValue }[] = firsts;
  if (!isEmpty(before)) {
    const differing = firsts.filter((f) => !agrees(field, f.reading, f.value, before));
    const holder = byAuthority(spec, readings.filter((r) => !r.first && r.appSpec.read));
    if (differing.length === 0 || !holder) return null;
    contenders = [{ app: holder.app, value: before }, ...differing];
  }
  const winner = pickOnLink(spec, contenders);
  const allEqual = contenders.every((c) => canonEqual(c.value, winner.value));
  if (canonEqual(winner.value, before)) return null;
  return { app: winner.app, value: winner.value, rule: allEqual ? 'first link: fills an empty field' : `first link: ${onLinkName(spec)}` };
}

function pickOnLink<T extends { app: AppName }>(spec: SyncSpec, contenders: T[]): T {
  if (spec.onLink.kind === 'prefer') {
    const preferred = spec.onLink.app;
    const hit = contenders.find((c) => c.app === preferred);
    if (hit) return hit;
  }
  return byAuthority(spec, contenders) as T;
}

function onLinkName(spec: SyncSpec): string {
  return spec.onLink.kind === 'prefer' ? `prefer ${spec.onLink.app}` : 'authority order';
}
