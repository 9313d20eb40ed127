/**
 * Settling a write (DESIGN §6.6, rule 9): the member's shadow becomes what the app actually stored — from the
 * write response when it carries the record, else from a fetch — and `ackedVersion` advances. A stored value that
 * still differs, in canonical terms, from what was written is flagged `rejected`, not silently accepted.
 */
import { canonEqual } from '../equality.js';
import { TandemError } from '../errors.js';
import type { AppName, EpochMs, RawFields, SyncSpec } from '../model.js';
import { getPath } from '../mapping/path.js';
import { appFields, flattenMapped, readField } from '../mapping/read.js';
import type { Flag, LinkState, MemberState, PendingIntent } from '../reconcile-types.js';
import { isOlderVersion } from './views.js';

/** The app record as stored after a write: the whole record (a partial one would look like cleared fields). */
export interface StoredRecord {
  externalId: string;
  version: string | null;
  /** Raw fields, nested as the app returns them or flattened by path. */
  fields: RawFields;
  fieldUpdatedAt?: Record<string, EpochMs>;
  deleted?: boolean;
}

export interface SettleResult {
  member: MemberState;
  flags: Flag[];
}

/** Settling for an app that has no member in the link: a bug in the caller, not a data problem. */
export class SettleError extends TandemError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('TANDEM_SETTLE_UNKNOWN_MEMBER', message, details);
  }
}

/** Canonical fields an intent wrote that the stored record does not hold (paths outside the mapping are not judged). */
export function unheldFields(spec: SyncSpec, app: AppName, intent: PendingIntent, stored: RawFields): string[] {
  const differing: string[] = [];
  for (const { field, appSpec } of appFields(spec, app)) {
    if (!Object.hasOwn(intent.fields, appSpec.path)) continue;
    const sent = readField(field, appSpec, intent.fields[appSpec.path]);
    const held = readField(field, appSpec, getPath(stored, appSpec.path));
    if (!sent.ok || !held.ok || !canonEqual(sent.value, held.value)) differing.push(field.name);
  }
  return differing;
}

function findMember(link: LinkState, app: AppName, externalId: string): MemberState {
  const member =
    link.members.find((m) => m.app === app && m.externalId === externalId) ?? link.members.find((m) => m.app === app && m.externalId === null);
  if (!member) throw new SettleError(`link ${link.linkId} has no member in ${app} to settle`, { linkId: link.linkId, app });
  return member;
}

/**
 * | pending intents | newest intent the stored record holds | ackedVersion          | flags                 |
 * |-----------------|---------------------------------------|-----------------------|-----------------------|
 * | none            | —                                     | unchanged             | —                     |
 * | some            | intent i                              | i.agreedVersion       | —                     |
 * | some            | none                                  | newest intent version | rejected, per field   |
 * A rejected write is acknowledged (we did send it) so the member is not rewritten every cycle; the flag is what
 * makes it visible. Intents newer than the settled one stay pending. A stored record older than the shadow
 * (a fresher read already came in) does not move the shadow back.
 */
export function settle(spec: SyncSpec, link: LinkState, app: AppName, stored: StoredRecord): SettleResult {
  const member = findMember(link, app, stored.externalId);
  const fields = flattenMapped(spec, app, stored.fields);
  const newestFirst = [...member.pending].sort((a, b) => b.agreedVersion - a.agreedVersion);
  const held = newestFirst.find((intent) => unheldFields(spec, app, intent, fields).length === 0);
  const flags: Flag[] = [];
  let settledVersion = held?.agreedVersion;
  const [newest] = newestFirst;
  if (!held && newest) {
    settledVersion = newest.agreedVersion;
    for (const name of unheldFields(spec, app, newest, fields)) {
      flags.push({ kind: 'rejected', app, field: name, message: `${app} stored a different ${name} than was written` });
    }
  }
  const fresh = !isOlderVersion(stored.version, member.appVersion);
  const next: MemberState = {
    ...member,
    externalId: stored.externalId,
    ackedVersion: Math.max(member.ackedVersion, settledVersion ?? member.ackedVersion),
    pending: settledVersion === undefined ? member.pending : member.pending.filter((i) => i.agreedVersion > settledVersion),
    ...(fresh ? { shadow: fields, appVersion: stored.version ?? member.appVersion } : {}),
    ...(fresh && stored.fieldUpdatedAt ? { fieldUpdatedAt: { ...(member.fieldUpdatedAt ?? {}), ...stored.fieldUpdatedAt } } : {}),
    ...(stored.deleted ? { deleted: true } : {}),
  };
  return { member: next, flags };
}
