/**
 * What each member says about one field: its shadow and current value in canonical form, and whether that is an
 * edit (DESIGN §5 rules 2 and 3, plus the write-ahead intents of §6.4).
 */
import { canonEqual } from '../equality.js';
import type { AppName, CanonValue, EpochMs, FieldAppSpec, FieldSpec } from '../model.js';
import { getPath } from '../mapping/path.js';
import { readField, type ReadOutcome } from '../mapping/read.js';
import type { MemberState } from '../reconcile-types.js';
import type { MemberView } from './views.js';

/** One member's view of one field. */
export interface Reading {
  app: AppName;
  view: MemberView;
  appSpec: FieldAppSpec;
  /** Shadow value, or null when this member has no shadow for the field yet (first link). */
  shadow: ReadOutcome | null;
  /** Current value, or null when the member was not observed. */
  cur: ReadOutcome | null;
  /** The app's value as best known: current when observed (null if unreadable), else shadow. */
  known: ReadOutcome | null;
  /** Raw value at the path, current or shadow (sets keep foreign elements from it). */
  raw: unknown;
  /** Observed with no shadow for this field: a first link, never an edit (rule 4). */
  first: boolean;
  /** The app's value moved away from its shadow, not by our own write — whether or not the app may be read. */
  diverged: boolean;
  /** A diverged value of an app that may be read: an edit (rule 3). */
  changed: boolean;
  fieldTs: EpochMs | null;
  recordTs: EpochMs | null;
}

/** Whether two raw values are the same value (scalars identical, arrays element by element): read, they are one outcome. */
export function sameRaw(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/**
 * Whether an observed value is one of our own pending writes (write-ahead intent, §6.4): after a crash between
 * write and settle the app holds what we sent, which must settle, not compete as an edit.
 */
function isOwnWrite(member: MemberState, field: FieldSpec, appSpec: FieldAppSpec, value: CanonValue): boolean {
  return member.pending.some((intent) => {
    if (!Object.hasOwn(intent.fields, appSpec.path)) return false;
    const sent = readField(field, appSpec, intent.fields[appSpec.path]);
    return sent.ok && canonEqual(sent.value, value);
  });
}

/**
 * Rule 3 — changed means canon(cur) ≠ canon(shadow), against the app's own shadow:
 * | observed | shadow for field | cur readable | cur = shadow | cur = pending intent | result          |
 * |----------|------------------|--------------|--------------|----------------------|-----------------|
 * | no       | —                | —            | —            | —                    | no change       |
 * | yes      | none             | yes          | —            | —                    | first link      |
 * | yes      | any              | no           | —            | —                    | not observed    |
 * | yes      | yes              | yes          | yes          | —                    | no change       |
 * | yes      | yes              | yes          | no           | yes                  | own write       |
 * | yes      | yes (or unread.) | yes          | no           | no                   | diverged        |
 * A diverged value is an edit only where the app may be read for the field (direction).
 */
export function readingOf(view: MemberView, field: FieldSpec, appSpec: FieldAppSpec): Reading {
  const { member, obs } = view;
  const hasShadow = member.shadow !== null && Object.hasOwn(member.shadow, appSpec.path);
  const shadowRaw = hasShadow ? member.shadow?.[appSpec.path] : undefined;
  const shadow = hasShadow ? readField(field, appSpec, shadowRaw) : null;
  const curRaw = obs ? getPath(obs.fields, appSpec.path) : undefined;
  // Reading is a pure function of the field, the app's mapping and the raw value, so a value the app still holds
  // exactly as its shadow reads as the shadow does, under the mapping of this call: read it once. (The shadow's
  // outcome is not assumed to be agreed: the app may be behind, or the mapping may have changed since.)
  const cur = obs ? (shadow !== null && sameRaw(curRaw, shadowRaw) ? shadow : readField(field, appSpec, curRaw)) : null;
  const first = cur !== null && shadow === null;
  const moved = cur !== null && cur.ok && shadow !== null && cur !== shadow && !(shadow.ok && canonEqual(cur.value, shadow.value));
  const diverged = moved && cur.ok && !isOwnWrite(member, field, appSpec, cur.value);
  return {
    app: member.app,
    view,
    appSpec,
    shadow,
    cur,
    // Observed but unreadable: the app's value is unknown (not the old shadow), so it is repaired, not trusted.
    known: cur ? (cur.ok ? cur : null) : shadow,
    raw: obs ? curRaw : getPath(member.shadow ?? {}, appSpec.path),
    first,
    diverged,
    changed: diverged && appSpec.read && field.template === undefined,
    fieldTs: obs?.fieldUpdatedAt?.[appSpec.path] ?? null,
    recordTs: obs?.updatedAt ?? null,
  };
}

/**
 * The readings taken in one reconcile call, by member view and field. Deciding, planning patches and the next
 * shadow all look at the same (view, field) readings; reading each once per call keeps transforms (phone parsing
 * above all) out of the repeats. A view replaced during the call (a delete, a re-create) is a new key, so it is
 * read afresh. Never kept across calls.
 */
export class ReadingMemo {
  /** By field, then a linear look for the view: a link has a handful of members, and views are new every call. */
  private readonly byField = new Map<FieldSpec, Reading[]>();

  /** The reading of `field` for this view, taken now or earlier in this call. */
  of(view: MemberView, field: FieldSpec, appSpec: FieldAppSpec): Reading {
    let taken = this.byField.get(field);
    if (!taken) {
      taken = [];
      this.byField.set(field, taken);
    }
    for (const reading of taken) if (reading.view === view && reading.appSpec === appSpec) return reading;
    const reading = readingOf(view, field, appSpec);
    taken.push(reading);
    return reading;
  }
}

/** Readings of one field across the link's live members (deleted members say nothing). */
export function fieldReadings(views: MemberView[], field: FieldSpec, memo: ReadingMemo = new ReadingMemo()): Reading[] {
  const out: Reading[] = [];
  for (const view of views) {
    const appSpec = field.apps[view.member.app];
    if (appSpec && !view.member.deleted && !view.obs?.deleted) out.push(memo.of(view, field, appSpec));
  }
  return out;
}

/** The value a reading contributes, when it is readable. */
export function valueOf(outcome: ReadOutcome | null): CanonValue | undefined {
  return outcome && outcome.ok ? outcome.value : undefined;
}
