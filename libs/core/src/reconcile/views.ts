/**
 * Pairs each member of a link with its freshest observation and drops stale ones (DESIGN §5 rule 1).
 */
import type { Flag, LinkState, MemberState, Observation } from '../reconcile-types.js';

/** One member of the link with what this call observed of it. */
export interface MemberView {
  member: MemberState;
  /** The fresh observation of this member, or null when it was not observed (or only stale copies were). */
  obs: Observation | null;
}

const DECIMAL = /^\d+$/;

/**
 * Whether version `a` is older than version `b`:
 * | a          | b          | older?                                   |
 * |------------|------------|------------------------------------------|
 * | null       | any        | no (nothing to compare)                  |
 * | any        | null       | no                                       |
 * | decimal ms | decimal ms | a < b numerically                        |
 * | otherwise  |            | no: etags only compare for equality      |
 */
export function isOlderVersion(a: string | null, b: string | null): boolean {
  if (a === null || b === null || !DECIMAL.test(a) || !DECIMAL.test(b)) return false;
  return BigInt(a) < BigInt(b);
}

function belongsTo(obs: Observation, member: MemberState): boolean {
  // A member with no id is a create whose outcome was unknown; a live record of that app found by key settles it.
  // A delete signal never does: it names the record the create replaced.
  return obs.app === member.app && (member.externalId === null ? !obs.deleted : obs.externalId === member.externalId);
}

/** The later of two observations of one record; the later argument wins when versions do not order them. */
function fresher(a: Observation | null, b: Observation): Observation {
  return a && isOlderVersion(b.version, a.version) ? a : b;
}

/** The raw fields of the member's newest pending create, or null when it has none. */
function createdImage(member: MemberState): MemberState['shadow'] {
  const creates = member.pending.filter((p) => p.op === 'create');
  const newest = creates.reduce<(typeof creates)[number] | null>((a, b) => (a && a.agreedVersion >= b.agreedVersion ? a : b), null);
  return newest ? { ...newest.fields } : null;
}

/**
 * Rule 1 — stale observations lose. Each member gets its freshest observation; one older than the member's stored
 * `appVersion` (a page read before a fresher webhook fetch) is dropped and flagged `stale`. Observations of records
 * that are not members of the link are ignored: the runtime links records before reconciling them.
 */
export function buildViews(link: LinkState, observations: Observation[]): { views: MemberView[]; flags: Flag[] } {
  const flags: Flag[] = [];
  const views = link.members.map((member) => {
    let obs: Observation | null = null;
    for (const candidate of observations) if (belongsTo(candidate, member)) obs = fresher(obs, candidate);
    if (obs && isOlderVersion(obs.version, member.appVersion)) {
      flags.push({ kind: 'stale', app: member.app, message: `dropped a ${member.app} read older than the version already seen` });
      obs = null;
    }
    // A create whose outcome was unknown, found again by key (§6.4): the observation names its id, and what we
    // sent is its baseline, so a value the app changed since our create is an edit, not a first link.
    const paired = obs && member.externalId === null ? { ...member, externalId: obs.externalId, shadow: member.shadow ?? createdImage(member) } : member;
    return { member: paired, obs };
  });
  return { views, flags };
}
