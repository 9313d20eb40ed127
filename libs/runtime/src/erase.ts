/**
 * The right to be forgotten (issue 5, item 5): delete a person permanently in every member app, purge their values
 * from the ledger (link, audit, conflicts, retries, webhook bodies), and keep a suppression tombstone — a keyed hash
 * of the normalised email — so a stale app cannot bring them back. Engine-independent: the admin API and the CLI
 * both call `eraseByEmail`.
 */
import type { Connector } from '@tandem/connector-sdk';
import {
  normaliseKey,
  TandemError,
  type FieldSpec,
  type LinkState,
  type MemberState,
  type SyncSpec,
} from '@tandem/core';
import type { MatchKey } from '@tandem/ledger';
import type { SyncEnvironment } from './api.js';

/** What happened in one member app. Ids only: the report never carries the person's values. */
export interface ErasureAppResult {
  app: string;
  object: string;
  /** App record ids permanently deleted (already-gone records count: erasure is idempotent). */
  erased: string[];
  /** Records whose deletion failed, with the error code; erase again to retry them. */
  failed: { id: string; code: string }[];
  /** The connector has no permanent deletion: nothing was deleted in this app (an archive is not an erasure). */
  unsupported: boolean;
}

export interface ErasureSyncReport {
  sync: string;
  /** The canonical match field the email was looked up by. */
  field: string;
  /** Links that held the person; they are now deleted and blank. */
  links: string[];
  apps: ErasureAppResult[];
  /** Rows purged from the ledger. */
  purged: { auditRows: number; conflicts: number; retries: number; webhookEvents: number };
  /** The live erasure tombstone suppressing this person in the sync. */
  tombstoneId: string;
}

export interface ErasureReport {
  syncs: ErasureSyncReport[];
  /** Syncs without an email match key: nothing could be looked up there. */
  skipped: string[];
  /** Every record found was deleted in its app (no failure, no unsupported connector holding one). */
  complete: boolean;
}

export class ErasureError extends TandemError {
  constructor(code: 'ERASE_INVALID_EMAIL' | 'ERASE_NO_EMAIL_KEY', message: string) {
    super(code, message);
  }
}

type EraseEnvironment = Pick<SyncEnvironment, 'ledger' | 'connectors' | 'logger'>;

/** The sync's email identity field: a match field named `email`, else the first match field with the email transform. */
export function emailMatchField(spec: SyncSpec): FieldSpec | undefined {
  const matchFields = spec.match.flatMap((name) => spec.fields.filter((f) => f.name === name));
  return matchFields.find((f) => f.name === 'email') ?? matchFields.find((f) => f.transform?.name === 'email');
}

/**
 * Erases the person with this email from every given sync. Each sync is erased holding its sync lock, so no cycle
 * interleaves. Throws ErasureError when the email is not one or no sync matches by email.
 */
export async function eraseByEmail(
  env: EraseEnvironment,
  specs: SyncSpec | SyncSpec[],
  email: string,
): Promise<ErasureReport> {
  const list = Array.isArray(specs) ? specs : [specs];
  const usable = list.flatMap((spec) => {
    const field = emailMatchField(spec);
    return field ? [{ spec, field }] : [];
  });
  if (usable.length === 0) throw new ErasureError('ERASE_NO_EMAIL_KEY', 'no sync matches people by email');
  const report: ErasureReport = {
    syncs: [],
    skipped: list.filter((s) => !emailMatchField(s)).map((s) => s.name),
    complete: true,
  };
  for (const { spec, field } of usable) {
    const value = normaliseKey(field, email);
    if (value === null || !value.includes('@'))
      throw new ErasureError('ERASE_INVALID_EMAIL', 'the value given is not an email address');
    const key: MatchKey = { field: field.name, value };
    const done = await env.ledger.locks.withSyncLock(spec.name, () => eraseInSync(env, spec, field, key, email));
    report.syncs.push(done);
    // A connector without erase lists the records it holds as failed (ERASE_UNSUPPORTED), so this covers it too.
    if (done.apps.some((a) => a.failed.length > 0)) report.complete = false;
  }
  return report;
}

async function eraseInSync(
  env: EraseEnvironment,
  spec: SyncSpec,
  field: FieldSpec,
  key: MatchKey,
  email: string,
): Promise<ErasureSyncReport> {
  // Deleted links too: a person deleted earlier still has values in the audit, and maybe an archive in an app.
  const links = await env.ledger.links.findByMatchKey(spec.name, key, { includeDeleted: true });
  const apps: ErasureAppResult[] = [];
  for (const member of Object.values(spec.members)) {
    const connector = env.connectors[member.app];
    // Members the sync deleted or archived too: an archive is not an erasure.
    const known = links
      .flatMap((l) => l.members.filter((m) => m.app === member.app && m.externalId !== null))
      .map((m) => m.externalId as string);
    const path = field.apps[member.app]?.path;
    const found = connector && path ? await lookUp(connector, member.object, path, email, key.value) : [];
    apps.push(await eraseApp(connector, member.app, member.object, [...new Set([...known, ...found])]));
  }
  const purged = await purgeLedger(env, spec.name, links, apps, [email, key.value]);
  const live = await env.ledger.tombstones.findByKey(spec.name, key);
  const tombstone = live ?? (await env.ledger.tombstones.addErasure(spec.name, key));
  env.logger?.info(
    {
      sync: spec.name,
      links: links.length,
      tombstoneId: tombstone.id,
      apps: apps.map((a) => ({ app: a.app, erased: a.erased.length, failed: a.failed.length })),
    },
    'person erased',
  );
  return {
    sync: spec.name,
    field: field.name,
    links: links.map((l) => l.linkId),
    apps,
    purged,
    tombstoneId: tombstone.id,
  };
}

/** Records the app holds under this email that the ledger may not know (created since the last cycle, filtered out). */
async function lookUp(
  connector: Connector,
  object: string,
  path: string,
  email: string,
  normalised: string,
): Promise<string[]> {
  const values = [...new Set([email.trim(), normalised])];
  try {
    return (await connector.findByKey(object, path, values)).filter((r) => !r.deleted).map((r) => r.id);
  } catch {
    // The ledger's members are still erased; a failed lookup only means unknown records may remain (erase again).
    return [];
  }
}

async function eraseApp(
  connector: Connector | undefined,
  app: string,
  object: string,
  ids: string[],
): Promise<ErasureAppResult> {
  const result: ErasureAppResult = { app, object, erased: [], failed: [], unsupported: !connector?.erase };
  for (const id of ids) {
    if (!connector?.erase) {
      result.failed.push({ id, code: 'ERASE_UNSUPPORTED' });
      continue;
    }
    try {
      await connector.erase(object, id);
      result.erased.push(id);
    } catch (err) {
      result.failed.push({ id, code: (err as { code?: string }).code ?? 'ERASE_FAILED' });
    }
  }
  return result;
}

async function purgeLedger(
  env: EraseEnvironment,
  sync: string,
  links: LinkState[],
  apps: ErasureAppResult[],
  texts: string[],
): Promise<ErasureSyncReport['purged']> {
  const purged = { auditRows: 0, conflicts: 0, retries: 0, webhookEvents: 0 };
  const erased = new Set(apps.flatMap((a) => a.erased.map((id) => `${a.app}\u0000${id}`)));
  for (const link of links) {
    await env.ledger.locks.withLinkLock(link.linkId, async () => {
      await env.ledger.links.save({
        sync,
        state: blankLink(link, erased),
        matchKeys: Object.fromEntries(link.members.map((m) => [m.app, []])),
        changes: [{ op: 'erase', rule: 'erasure' }],
      });
      purged.auditRows += await env.ledger.audit.eraseValues(link.linkId);
      purged.conflicts += await env.ledger.conflicts.eraseValues(link.linkId);
    });
  }
  const records = [
    ...apps.flatMap((a) =>
      [...a.erased, ...a.failed.map((f) => f.id)].map((externalId) => ({ app: a.app, externalId })),
    ),
    ...links.flatMap((l) => l.members.flatMap((m) => (m.externalId ? [{ app: m.app, externalId: m.externalId }] : []))),
  ];
  purged.retries = await env.ledger.retries.removeFor(sync, { linkIds: links.map((l) => l.linkId), records });
  for (const a of apps) {
    const ids = records.filter((r) => r.app === a.app).map((r) => r.externalId);
    purged.webhookEvents += await env.ledger.webhookEvents.eraseMatching(a.app, { texts, ids });
  }
  return purged;
}

/**
 * The link after erasure: deleted (so a cycle leaves it alone), no agreed values, no shadows, no pending payloads.
 * External ids stay so a stale record read later still belongs to this deleted link instead of looking new.
 */
function blankLink(link: LinkState, erased: Set<string>): LinkState {
  const members: MemberState[] = link.members.map((m) => ({
    app: m.app,
    externalId: m.externalId,
    shadow: null,
    appVersion: null,
    ackedVersion: m.ackedVersion,
    pending: [],
    deleted: m.deleted === true || (m.externalId !== null && erased.has(`${m.app}\u0000${m.externalId}`)),
  }));
  return {
    linkId: link.linkId,
    agreed: {},
    fieldMeta: {},
    agreedVersion: link.agreedVersion + 1,
    members,
    openConflicts: [],
    deleted: true,
  };
}
