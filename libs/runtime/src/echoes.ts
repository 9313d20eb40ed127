/**
 * Echoes: webhooks an app sends about a record because the engine itself just wrote it. Such an event needs no cycle
 * (and so no sync lock) when the record, fetched now, holds exactly what the ledger already has for it. The test is
 * on values, never on who sent the event: an edit made after the engine's write shows up as a difference and goes to
 * a cycle, and an edit made after this fetch sends its own webhook.
 */
import type { AppName, LinkState, RawFields, SyncSpec } from '@tandem/core';
import type { SyncEnvironment } from './api.js';
import { connectorOf } from './gather.js';
import { inFilter, memberOf, toObservation } from './read-phase.js';

export interface EchoQuery {
  app: AppName;
  /** Records a webhook said changed. */
  ids: string[];
  /** Only records whose ledger member was saved at or after this time are looked at (epoch ms): the rest go to a cycle unfetched. */
  savedSince: number;
}

/**
 * The ids, of those asked, whose record now equals its member's shadow on a link with nothing left to do (every member
 * settled at the agreed version, no open conflict). Anything unsure (a failed fetch, an unlinked, deleted or filtered
 * record) is left out, so a cycle looks at it.
 */
export async function settledEchoes(spec: SyncSpec, env: SyncEnvironment, query: EchoQuery): Promise<Set<string>> {
  const echoes = new Set<string>();
  const ids = [...new Set(query.ids)];
  if (ids.length === 0) return echoes;
  const { ledger } = env;
  const recent = [...(await ledger.links.membersSavedSince(spec.name, query.app, ids, new Date(query.savedSince)))];
  if (recent.length === 0) return echoes;
  const member = memberOf(spec, query.app);
  let records;
  try {
    records = await connectorOf(env.connectors, query.app).fetch(member.object, recent);
  } catch (err) {
    env.logger?.warn({ sync: spec.name, app: query.app, code: (err as { code?: string }).code }, 'echo check could not fetch; left to the cycle');
    return echoes;
  }
  const linkIds = await ledger.links.linkIdsOfMembers(spec.name, query.app, recent);
  const links = new Map((await ledger.links.loadMany([...new Set(linkIds.values())])).map((l) => [l.linkId, l]));
  for (const record of records) {
    if (record.deleted || !inFilter(member, record)) continue;
    const link = links.get(linkIds.get(record.id) ?? '');
    if (!link || !settled(link)) continue;
    const mine = link.members.find((m) => m.app === query.app && m.externalId === record.id);
    if (mine?.shadow && !mine.deleted && sameRaw(toObservation(spec, query.app, record).fields, mine.shadow)) echoes.add(record.id);
  }
  return echoes;
}

/** A link a cycle would leave alone when none of its apps changed: live, no open conflict, every member settled. */
function settled(link: LinkState): boolean {
  if (link.deleted || link.openConflicts.length > 0) return false;
  return link.members.every((m) => m.deleted === true || (m.pending.length === 0 && m.ackedVersion === link.agreedVersion && m.shadow !== null));
}

/** Raw values equal path by path (absent and null alike); stricter than typed equality, so a doubt means a cycle. */
function sameRaw(a: RawFields, b: RawFields): boolean {
  const paths = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const path of paths) if (JSON.stringify(a[path] ?? null) !== JSON.stringify(b[path] ?? null)) return false;
  return true;
}
