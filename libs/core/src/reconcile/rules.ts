/**
 * Rule 6 — several apps changed one field to different values. Each conflict rule is one small function that
 * picks a winner among the changers (or, for `manual`, none). Timestamps only break ties between real edits;
 * they never decide whether something changed (that is the shadow's job).
 */
import { canonEqual, isEmpty } from '../equality.js';
import type { AppName, CanonValue, ConflictRule, EpochMs, SyncSpec } from '../model.js';

/** One app's edit of a field in this call. */
export interface Edit {
  app: AppName;
  value: CanonValue;
  fieldTs: EpochMs | null;
  recordTs: EpochMs | null;
}

/** The winning edit, the rule name for `explain`, and the timestamps that decided (null where none were used). */
export interface Verdict {
  winner: Edit;
  rule: string;
  timestamps: Record<AppName, EpochMs | null>;
}

/** Position of an app in `authority` (apps not listed rank after those listed, by name, so the order is total). */
export function authorityRank(spec: SyncSpec, app: AppName): [number, string] {
  const index = spec.authority.indexOf(app);
  return [index === -1 ? spec.authority.length : index, app];
}

/** The first item by authority order of its app. */
export function byAuthority<T extends { app: AppName }>(spec: SyncSpec, items: T[]): T | undefined {
  let best: T | undefined;
  for (const item of items) {
    if (!best) best = item;
    else {
      const [ri, ni] = authorityRank(spec, item.app);
      const [rb, nb] = authorityRank(spec, best.app);
      if (ri < rb || (ri === rb && ni < nb)) best = item;
    }
  }
  return best;
}

function noTimestamps(edits: Edit[]): Record<AppName, EpochMs | null> {
  return Object.fromEntries(edits.map((e) => [e.app, null]));
}

function authorityVerdict(spec: SyncSpec, edits: Edit[], rule: string, timestamps = noTimestamps(edits)): Verdict {
  return { winner: byAuthority(spec, edits) as Edit, rule, timestamps };
}

/**
 * last-write-wins:
 * | every changer has a field timestamp | rule.recordTimestamps, every changer has one | winner                                   |
 * |-------------------------------------|---------------------------------------------|------------------------------------------|
 * | yes                                 | —                                           | latest field timestamp; ties → authority |
 * | no                                  | yes                                         | latest record timestamp; all within      |
 * |                                     |                                             | skewMs of it → authority among them      |
 * | no                                  | no                                          | authority                                |
 */
export function lastWriteWins(spec: SyncSpec, rule: { recordTimestamps: boolean; skewMs: number }, edits: Edit[]): Verdict {
  if (edits.every((e) => e.fieldTs !== null)) {
    const latest = Math.max(...edits.map((e) => e.fieldTs as number));
    const timestamps = Object.fromEntries(edits.map((e) => [e.app, e.fieldTs]));
    return authorityVerdict(spec, edits.filter((e) => e.fieldTs === latest), 'last-write-wins (field timestamps)', timestamps);
  }
  if (rule.recordTimestamps && edits.every((e) => e.recordTs !== null)) {
    const latest = Math.max(...edits.map((e) => e.recordTs as number));
    const timestamps = Object.fromEntries(edits.map((e) => [e.app, e.recordTs]));
    const contenders = edits.filter((e) => (e.recordTs as number) >= latest - rule.skewMs);
    const name = contenders.length > 1 ? 'last-write-wins (record timestamps within skew → authority)' : 'last-write-wins (record timestamps)';
    return authorityVerdict(spec, contenders, name, timestamps);
  }
  return authorityVerdict(spec, edits, 'authority (no comparable timestamps)');
}

/** prefer: the preferred app's edit wins; when it did not edit, authority decides among those that did. */
export function preferApp(spec: SyncSpec, app: AppName, edits: Edit[]): Verdict {
  const preferred = edits.find((e) => e.app === app);
  if (preferred) return { winner: preferred, rule: `prefer ${app}`, timestamps: noTimestamps(edits) };
  return authorityVerdict(spec, edits, `prefer ${app} (did not edit) → authority`);
}

/** keep-non-empty: an edit that clears the field loses to one that sets it; several different values → authority. */
export function keepNonEmpty(spec: SyncSpec, edits: Edit[]): Verdict {
  const filled = edits.filter((e) => !isEmpty(e.value));
  const pool = filled.length > 0 ? filled : edits;
  const [first] = pool;
  if (first && pool.every((e) => canonEqual(e.value, first.value))) {
    return { winner: byAuthority(spec, pool) as Edit, rule: 'keep-non-empty', timestamps: noTimestamps(edits) };
  }
  return authorityVerdict(spec, pool, 'keep-non-empty → authority');
}

/** Dispatches rule 6 on the field's rule; null means `manual`: nobody wins, a conflict opens. */
export function decideConflict(spec: SyncSpec, rule: ConflictRule, edits: Edit[]): Verdict | null {
  switch (rule.kind) {
    case 'last-write-wins':
      return lastWriteWins(spec, rule, edits);
    case 'prefer':
      return preferApp(spec, rule.app, edits);
    case 'keep-non-empty':
      return keepNonEmpty(spec, edits);
    case 'manual':
      return null;
  }
}
