/**
 * Step 2 of the cycle (DESIGN §6.2): every observation finds its link. Records already linked go to their link;
 * creates left pending by a crash are found again by key (never created twice); rekeys move members; the rest
 * are matched across ALL apps at once — only then may anything be created. Duplicates are held, never merged.
 */
import type { AppRecord, ChangeHint, Connector } from '@tandem/connector-sdk';
import {
  matchRecords,
  normaliseKey,
  recordKeys,
  type AppName,
  type KnownLink,
  type LinkState,
  type MatchCandidate,
  type Observation,
  type SyncSpec,
} from '@tandem/core';
import type { Ledger, MatchKey } from '@tandem/ledger';
import type { CycleTally } from './counts.js';
import type { Gathered } from './gather.js';
import { connectorOf } from './gather.js';
import { inFilter, memberOf, toObservation } from './read-phase.js';

/** A new link to create: the records that form it (at most one per app). */
export interface NewGroup {
  members: { app: AppName; externalId: string }[];
  observations: Observation[];
}

export interface WorkSet {
  /** Existing links and the observations that concern them (possibly none: repairs). */
  existing: Map<string, Observation[]>;
  /** Records joining an existing link as new members (their shadow is still null). */
  joins: Map<string, { app: AppName; externalId: string }[]>;
  groups: NewGroup[];
  /** Linked records that left their member's filter, by app. */
  leavers: { app: AppName; externalId: string; linkId: string }[];
  /** `app|linkId` pairs not to write this cycle: whether a pending create landed could not be checked. */
  unsure: Set<string>;
}

export interface PairingInput {
  spec: SyncSpec;
  ledger: Ledger;
  connectors: Record<AppName, Connector>;
  tally: CycleTally;
  /** Links to reconcile even without observations (members behind, unsettled intents). */
  repairIds: string[];
  /** A targeted cycle (webhooks): the other apps were not read, so new records are looked up there by key first. */
  targeted: boolean;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Applies rekey and merge hints to the ledger before pairing, so an email change never reads as delete + create. */
export async function applyHints(spec: SyncSpec, ledger: Ledger, hints: { app: AppName; hint: ChangeHint }[], tally: CycleTally): Promise<void> {
  for (const { app, hint } of hints) {
    if (hint.kind !== 'rekeyed' && hint.kind !== 'merged') continue;
    const toId = hint.kind === 'rekeyed' ? hint.newId : hint.intoId;
    const target = await ledger.links.linkIdOfMember(spec.name, app, toId);
    if (target === null) {
      await ledger.links.rekeyMember(spec.name, app, hint.id, toId);
      continue;
    }
    // Both records were linked (two people the app merged into one): the survivor's link stays; the merged-away
    // record leaves its link without a delete being propagated anywhere.
    const removed = await ledger.links.removeMember(spec.name, app, hint.id);
    if (removed) tally.flag({ kind: 'merged', app, linkId: target, message: `${app} merged record ${hint.id} into ${toId}` });
  }
}

/** Sorts the cycle's observations into existing links, joins and new groups. */
export async function pairObservations(input: PairingInput, gathered: Gathered): Promise<WorkSet> {
  const { spec, ledger } = input;
  const work: WorkSet = { existing: new Map(), joins: new Map(), groups: [], leavers: [], unsure: new Set() };
  for (const id of input.repairIds) work.existing.set(id, []);
  const unlinked: Observation[] = [];
  for (const [app, read] of gathered.reads) {
    const ids = [...read.observations.keys(), ...read.outsideFilter];
    const linkIds = await ledger.links.linkIdsOfMembers(spec.name, app, ids);
    for (const [id, obs] of read.observations) {
      const linkId = linkIds.get(id);
      if (linkId) push(work.existing, linkId, obs);
      else if (!obs.deleted) unlinked.push(obs);
    }
    for (const id of read.outsideFilter) {
      const linkId = linkIds.get(id);
      if (linkId) work.leavers.push({ app, externalId: id, linkId });
    }
  }
  const claimed = await claimPendingCreates(input, work);
  const fresh = unlinked.filter((o) => !claimed.has(`${o.app}:${o.externalId}`));
  await matchUnlinked(input, work, input.targeted ? await withCounterparts(input, gathered, fresh) : fresh);
  return work;
}

/** A pending create to look for: its link, and the normalised key and raw value of its first usable match field. */
interface PendingLookup {
  linkId: string;
  app: AppName;
  field: string;
  path: string;
  key: string;
  value: string;
}

/**
 * A create whose outcome was never learnt (crash, timeout, unknown job) stays as a member without id and a pending
 * create intent. Before anything else, ask that app by match key whether the record exists; if so it is ours. The
 * lookups are batched per app and field (one `findByKey` per 100 values), so a restart after a crash in the middle of
 * a large initial sync does not cost one API call per person.
 */
async function claimPendingCreates(input: PairingInput, work: WorkSet): Promise<Set<string>> {
  const groups = new Map<string, PendingLookup[]>();
  const ids = [...work.existing.keys()];
  for (let i = 0; i < ids.length; i += 500) {
    for (const link of await input.ledger.links.loadMany(ids.slice(i, i + 500))) {
      for (const member of link.members.filter((m) => m.externalId === null && m.pending.some((p) => p.op === 'create'))) {
        const lookup = lookupOf(input.spec, link, member.app);
        if (lookup) push(groups, `${lookup.app}|${lookup.path}`, lookup);
      }
    }
  }
  const claimed = new Set<string>();
  for (const lookups of groups.values()) {
    for (let i = 0; i < lookups.length; i += 100) await claimGroup(input, work, lookups.slice(i, i + 100), claimed);
  }
  return claimed;
}

function lookupOf(spec: SyncSpec, link: LinkState, app: AppName): PendingLookup | null {
  const intent = link.members.find((m) => m.app === app)?.pending.find((p) => p.op === 'create');
  if (!intent) return null;
  for (const name of spec.match) {
    const field = spec.fields.find((f) => f.name === name);
    const path = field?.apps[app]?.path;
    const value = path ? intent.fields[path] : undefined;
    if (!field || !path || typeof value !== 'string' || value === '') continue;
    const key = normaliseKey(field, value);
    if (key !== null) return { linkId: link.linkId, app, field: name, path, key, value };
  }
  return null;
}

async function claimGroup(input: PairingInput, work: WorkSet, lookups: PendingLookup[], claimed: Set<string>): Promise<void> {
  const [first] = lookups;
  if (!first) return;
  const found = await findPending(input, work, lookups);
  const open = [...lookups];
  for (const record of found) {
    if (record.deleted || claimed.has(`${first.app}:${record.id}`)) continue;
    const key = recordKeys(input.spec, first.app, record.fields).find((k) => k.field === first.field)?.value;
    const at = open.findIndex((l) => l.key === key);
    const lookup = open[at];
    if (!lookup) continue;
    open.splice(at, 1);
    claimed.add(`${first.app}:${record.id}`);
    push(work.existing, lookup.linkId, toObservation(input.spec, first.app, record));
  }
}

/**
 * One `findByKey` for the whole group; if it fails (a 429 storm), each value is asked alone so one failure costs one
 * person, not a hundred. A lookup that still fails leaves that create unsure: not knowing whether it landed, creating
 * again could make a duplicate, so it waits for a later cycle.
 */
async function findPending(input: PairingInput, work: WorkSet, lookups: PendingLookup[]): Promise<AppRecord[]> {
  const [first] = lookups;
  if (!first) return [];
  const connector = connectorOf(input.connectors, first.app);
  const object = memberOf(input.spec, first.app).object;
  try {
    return await connector.findByKey(object, first.path, [...new Set(lookups.map((l) => l.value))]);
  } catch {
    const found: AppRecord[] = [];
    for (const lookup of lookups) {
      try {
        found.push(...(await connector.findByKey(object, lookup.path, [lookup.value])));
      } catch (err) {
        work.unsure.add(`${lookup.app}|${lookup.linkId}`);
        input.tally.flag({ kind: 'unsure', app: lookup.app, linkId: lookup.linkId, message: `could not look up a pending create in ${lookup.app} (${(err as { code?: string }).code ?? 'error'}); not written this cycle` });
      }
    }
    return found;
  }
}

/**
 * A targeted cycle read only the records a webhook named. Before any of them can be created elsewhere, each other app
 * is asked by match key for records of the same person the ledger has not linked yet (DESIGN §6.2: match across ALL
 * apps before any create). If an app cannot be asked, the new records wait for the next full or scheduled cycle.
 */
async function withCounterparts(input: PairingInput, gathered: Gathered, fresh: Observation[]): Promise<Observation[]> {
  if (fresh.length === 0) return fresh;
  const found: Observation[] = [];
  for (const app of Object.keys(input.spec.members)) {
    const member = memberOf(input.spec, app);
    const seen = gathered.reads.get(app)?.observations;
    for (const name of input.spec.match) {
      const field = input.spec.fields.find((f) => f.name === name);
      const path = field?.apps[app]?.path;
      if (!field || !path) continue;
      const values = [...new Set(fresh.filter((o) => o.app !== app).flatMap((o) => recordKeys(input.spec, o.app, o.fields).filter((k) => k.field === name).map((k) => k.value)))];
      if (values.length === 0) continue;
      let records: AppRecord[];
      try {
        records = await connectorOf(input.connectors, app).findByKey(member.object, path, values);
      } catch (err) {
        input.tally.flag({ kind: 'deferred', app, message: `could not look up ${values.length} new records in ${app} (${(err as { code?: string }).code ?? 'error'}); they wait for the next cycle` });
        return [];
      }
      const linked = await input.ledger.links.linkIdsOfMembers(input.spec.name, app, records.map((r) => r.id));
      for (const record of records) {
        if (linked.has(record.id) || seen?.has(record.id) || found.some((o) => o.app === app && o.externalId === record.id)) continue;
        if (record.deleted || !inFilter(member, record)) continue;
        found.push(toObservation(input.spec, app, record));
      }
    }
  }
  return [...fresh, ...found];
}

/** Matches unlinked records against each other and against links sharing a key; erased people stay out. */
async function matchUnlinked(input: PairingInput, work: WorkSet, unlinked: Observation[]): Promise<void> {
  const { spec, ledger, tally } = input;
  if (unlinked.length === 0) return;
  const byRef = new Map(unlinked.map((o) => [`${o.app}:${o.externalId}`, o]));
  let candidates: MatchCandidate[] = unlinked.map((o) => ({ app: o.app, externalId: o.externalId, keys: recordKeys(spec, o.app, o.fields) }));
  const allKeys: MatchKey[] = candidates.flatMap((c) => c.keys);
  const erased = new Set((await ledger.tombstones.erasedKeys(spec.name, allKeys)).map((k) => `${k.field}\u0000${k.value}`));
  candidates = candidates.filter((c) => {
    const suppressed = c.keys.some((k) => erased.has(`${k.field}\u0000${k.value}`));
    if (suppressed) tally.flag({ kind: 'suppressed', app: c.app, message: `${c.app} record ${c.externalId} belongs to an erased person; not synced` });
    return !suppressed;
  });
  const known = await knownLinks(spec, ledger, candidates.flatMap((c) => c.keys));
  const result = matchRecords(spec, candidates, known);
  for (const dup of result.duplicates) {
    for (const r of dup.records) {
      tally.add(r.app, 'duplicates', 1, { externalId: r.externalId, linkId: dup.linkIds[0] ?? null, fields: [dup.field] });
      tally.flag({ kind: 'duplicate', app: r.app, message: `${r.app} record ${r.externalId} shares its ${dup.field} with another record (${dup.reason}); held, not merged` });
    }
  }
  for (const join of result.joins) {
    for (const r of join.records) {
      push(work.joins, join.linkId, { app: r.app, externalId: r.externalId });
      push(work.existing, join.linkId, byRef.get(`${r.app}:${r.externalId}`) as Observation);
      tally.add(r.app, 'linked', 1, { externalId: r.externalId, linkId: join.linkId });
    }
  }
  for (const group of result.groups) {
    work.groups.push({
      members: group.map((r) => ({ app: r.app, externalId: r.externalId })),
      observations: group.map((r) => byRef.get(`${r.app}:${r.externalId}`) as Observation),
    });
    for (const r of group) tally.add(r.app, 'linked', 1, { externalId: r.externalId, linkId: null });
  }
}

async function knownLinks(spec: SyncSpec, ledger: Ledger, keys: MatchKey[]): Promise<KnownLink[]> {
  const hits = await ledger.links.matchKeyHits(spec.name, keys);
  if (hits.length === 0) return [];
  const links = await ledger.links.loadMany(hits.map((h) => h.linkId));
  return links
    .filter((l) => !l.deleted)
    .map((l) => ({
      linkId: l.linkId,
      apps: l.members.filter((m) => !m.deleted).map((m) => m.app),
      keys: hits.filter((h) => h.linkId === l.linkId).map((h) => h.key),
    }));
}
