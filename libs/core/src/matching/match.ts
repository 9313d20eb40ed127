/**
 * Identity matching across all apps of a sync (DESIGN §6.2), pure. The runtime calls it once per cycle with the
 * cycle's unlinked records and the existing links that share a key with them, before any create:
 * (a) records that hit exactly one existing link join it; (b) the rest are grouped across apps into new links
 * (at most one record per app). Several hits in one app are a duplicate: reported, never merged silently.
 */
import type { AppName, SyncSpec } from '../model.js';
import type { IdentityKey } from './keys.js';

/** An unlinked app record with its identity keys (from `recordKeys`). */
export interface MatchCandidate {
  app: AppName;
  externalId: string;
  keys: IdentityKey[];
}

/** An existing link: its id, the apps it already has a member in, and the keys of its members. */
export interface KnownLink {
  linkId: string;
  apps: AppName[];
  keys: IdentityKey[];
}

/** Records held back from linking because their keys do not point at one person. */
export interface DuplicateReport {
  /** The match field on which the records collided. */
  field: string;
  /** same-app: two records of one app (or two links) share the key; ambiguous: a record fits several others. */
  reason: 'same-app' | 'ambiguous';
  records: { app: AppName; externalId: string }[];
  /** Existing links involved (they stay as they are). */
  linkIds: string[];
}

export interface MatchResult {
  /** Records that join an existing link (at most one per app, never an app the link already has). */
  joins: { linkId: string; records: MatchCandidate[] }[];
  /** Records that form new links together (one or more, at most one per app). */
  groups: MatchCandidate[][];
  duplicates: DuplicateReport[];
}

interface Unit {
  apps: Set<AppName>;
  linkIds: string[];
  records: MatchCandidate[];
  keys: Map<string, Set<string>>;
  held: boolean;
}

function keyMap(keys: IdentityKey[]): Map<string, Set<string>> {
  const map = new Map<string, Set<string>>();
  for (const key of keys) map.set(key.field, (map.get(key.field) ?? new Set()).add(key.value));
  return map;
}

/**
 * How two units relate on match field `index`, where they share a value:
 * | earlier match field: both have keys, none shared | same app in both, or two links | relation  |
 * |--------------------------------------------------|--------------------------------|-----------|
 * | yes                                              | —                              | distinct  |
 * | no                                               | yes                            | clash     |
 * | no                                               | no                             | mergeable |
 * A fallback key (phone) never joins records whose earlier keys (emails) say they are different people.
 */
function relation(a: Unit, b: Unit, earlier: string[]): 'distinct' | 'clash' | 'mergeable' {
  for (const field of earlier) {
    const ka = a.keys.get(field);
    const kb = b.keys.get(field);
    if (ka && kb && ![...ka].some((v) => kb.has(v))) return 'distinct';
  }
  const sharedApp = [...a.apps].some((app) => b.apps.has(app));
  return sharedApp || (a.linkIds.length > 0 && b.linkIds.length > 0) ? 'clash' : 'mergeable';
}

function merge(into: Unit, from: Unit): void {
  for (const app of from.apps) into.apps.add(app);
  into.linkIds.push(...from.linkIds);
  into.records.push(...from.records);
  for (const [field, values] of from.keys) into.keys.set(field, new Set([...(into.keys.get(field) ?? []), ...values]));
}

/** Units that may not be linked from this bucket: in a clash, or mergeable with several others. Links are never held. */
function heldUnits(units: Unit[], earlier: string[]): { held: Unit[]; clash: boolean } {
  const partners = new Map<Unit, number>();
  const clashing = new Set<Unit>();
  for (let i = 0; i < units.length; i++) {
    for (let j = i + 1; j < units.length; j++) {
      const [a, b] = [units[i] as Unit, units[j] as Unit];
      const rel = relation(a, b, earlier);
      if (rel === 'clash') clashing.add(a).add(b);
      if (rel === 'mergeable') {
        partners.set(a, (partners.get(a) ?? 0) + 1);
        partners.set(b, (partners.get(b) ?? 0) + 1);
      }
    }
  }
  const held = units.filter((u) => u.linkIds.length === 0 && (clashing.has(u) || (partners.get(u) ?? 0) >= 2));
  return { held, clash: clashing.size > 0 };
}

/** Resolves one bucket of units sharing a value on match field `index`: merge all, or hold the doubtful ones. */
function resolveBucket(units: Unit[], field: string, earlier: string[], duplicates: DuplicateReport[]): Unit[] {
  const allMergeable = units.every((a, i) => units.slice(i + 1).every((b) => relation(a, b, earlier) === 'mergeable'));
  if (allMergeable) {
    const [first, ...rest] = units;
    for (const unit of rest) if (first) merge(first, unit);
    return rest;
  }
  const { held, clash } = heldUnits(units, earlier);
  if (held.length === 0) return [];
  for (const unit of held) unit.held = true;
  duplicates.push({
    field,
    reason: clash ? 'same-app' : 'ambiguous',
    records: held.flatMap((u) => u.records.map((r) => ({ app: r.app, externalId: r.externalId }))),
    linkIds: units.flatMap((u) => u.linkIds),
  });
  return [];
}

/**
 * Matches unlinked records against existing links and against each other on normalised keys, trying the fields
 * of `spec.match` in order. Returns joins to existing links, new groups, and duplicates (held back, not linked).
 */
export function matchRecords(spec: SyncSpec, candidates: MatchCandidate[], links: KnownLink[] = []): MatchResult {
  let units: Unit[] = [
    ...links.map((l) => ({ apps: new Set(l.apps), linkIds: [l.linkId], records: [], keys: keyMap(l.keys), held: false })),
    ...candidates.map((c) => ({ apps: new Set([c.app]), linkIds: [], records: [c], keys: keyMap(c.keys), held: false })),
  ];
  const duplicates: DuplicateReport[] = [];
  spec.match.forEach((field, index) => {
    const earlier = spec.match.slice(0, index);
    const buckets = new Map<string, Unit[]>();
    for (const unit of units) {
      for (const value of unit.keys.get(field) ?? []) buckets.set(value, [...(buckets.get(value) ?? []), unit]);
    }
    // A link can carry several values of one field, so a unit merged in one bucket may reappear in another.
    const absorbedInto = new Map<Unit, Unit>();
    const root = (unit: Unit): Unit => {
      let current = unit;
      for (let next = absorbedInto.get(current); next; next = absorbedInto.get(current)) current = next;
      return current;
    };
    for (const value of [...buckets.keys()].sort()) {
      const members = [...new Set((buckets.get(value) ?? []).map(root))].filter((u) => !u.held);
      if (members.length < 2) continue;
      for (const gone of resolveBucket(members, field, earlier, duplicates)) absorbedInto.set(gone, members[0] as Unit);
    }
    units = units.filter((u) => !absorbedInto.has(u));
  });
  return collect(units, duplicates);
}

function collect(units: Unit[], duplicates: DuplicateReport[]): MatchResult {
  const result: MatchResult = { joins: [], groups: [], duplicates };
  for (const unit of units) {
    if (unit.held || unit.records.length === 0) continue;
    const [linkId] = unit.linkIds;
    if (linkId !== undefined) result.joins.push({ linkId, records: unit.records });
    else result.groups.push(unit.records);
  }
  return result;
}
