/**
 * The member states a reconcile call hands back: new shadows from observations, versions, and acknowledgements.
 */
import type { AppName, EpochMs, FieldAppSpec, FieldSpec, RawFields, SyncSpec } from '../model.js';
import { getPath } from '../mapping/path.js';
import { readField } from '../mapping/read.js';
import type { MemberState, Observation } from '../reconcile-types.js';
import type { ReadingMemo } from './readings.js';
import type { MemberView } from './views.js';

/** Whether an observed raw value of a field can be read (undefined and null read alike: both are empty). */
type Readable = (field: FieldSpec, appSpec: FieldAppSpec, value: unknown) => boolean;

function readNow(field: FieldSpec, appSpec: FieldAppSpec, value: unknown): boolean {
  return readField(field, appSpec, value).ok;
}

/**
 * The shadow after an observation: every mapped path as observed, except a value that could not be read (rule 2),
 * where the previous shadow value stays — an unreadable value was "not observed", so it must not move the baseline.
 */
export function observedShadow(spec: SyncSpec, member: MemberState, obs: Observation, readable: Readable = readNow): RawFields {
  const shadow: RawFields = { ...(member.shadow ?? {}) };
  for (const field of spec.fields) {
    const appSpec = field.apps[member.app];
    if (!appSpec) continue;
    const value = getPath(obs.fields, appSpec.path) ?? null;
    // An unreadable value leaves the previous shadow value (or no entry) in place.
    if (field.template !== undefined || readable(field, appSpec, value)) shadow[appSpec.path] = value;
  }
  return shadow;
}

function mergedTimestamps(member: MemberState, obs: Observation): Record<string, EpochMs> | undefined {
  if (!member.fieldUpdatedAt && !obs.fieldUpdatedAt) return undefined;
  return { ...(member.fieldUpdatedAt ?? {}), ...(obs.fieldUpdatedAt ?? {}) };
}

/**
 * One member after a reconcile call:
 * | observed | patched | shadow / version          | pending intents             | ackedVersion         |
 * |----------|---------|---------------------------|-----------------------------|----------------------|
 * | no       | no      | unchanged                 | unchanged                   | new agreed version   |
 * | no       | yes     | unchanged                 | unchanged                   | unchanged            |
 * | yes      | no      | the observation's         | cleared (settled or moot)   | new agreed version   |
 * | yes      | yes     | the observation's         | cleared (a new one follows) | unchanged            |
 * An observation settles earlier intents: what we wrote either shows in it (and was recognised as our own write)
 * or did not land, and then the patch planned now supersedes it.
 */
export function nextMember(spec: SyncSpec, view: MemberView, patched: Set<AppName>, newVersion: number, memo: ReadingMemo): MemberState {
  const { member, obs } = view;
  const ackedVersion = patched.has(member.app) ? member.ackedVersion : Math.max(member.ackedVersion, newVersion);
  if (!obs || member.deleted) return { ...member, ackedVersion };
  const fieldUpdatedAt = mergedTimestamps(member, obs);
  return {
    ...member,
    externalId: member.externalId ?? obs.externalId,
    // The readings of this call already read every observed value (the memo reads any it has not).
    shadow: observedShadow(spec, member, obs, (field, appSpec) => memo.of(view, field, appSpec).cur?.ok ?? true),
    appVersion: obs.version ?? member.appVersion,
    ackedVersion,
    pending: [],
    ...(fieldUpdatedAt ? { fieldUpdatedAt } : {}),
  };
}
