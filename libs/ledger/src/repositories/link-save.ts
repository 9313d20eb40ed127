import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { AppName, ConflictDecision, LinkState, MemberState } from '@tandem/core';
import { LinkMemberEntity } from '../entities/link-member.entity.js';
import { LinkEntity } from '../entities/link.entity.js';
import { LedgerError, isUniqueViolation } from '../errors.js';
import type { LedgerContext } from '../context.js';
import type { MatchKey } from '../match-keys.js';
import { appendChanges, type ChangeInput } from './audit.repository.js';
import { resolveOpenConflict, upsertOpenConflict } from './conflicts.repository.js';
import { memberColumns } from './link-mapping.js';
import { row as toRow } from './row.js';
import { saveLinksBulk } from './link-bulk-save.js';

/** Everything one reconciled link writes, committed together. */
export interface SaveLinkInput {
  sync: string;
  /** The new agreed record and version; its members are upserted by app, members not listed are left as they are. */
  state: LinkState;
  /** The agreed_version the caller loaded; when given, a link saved meanwhile by someone else is refused. */
  expectedVersion?: number;
  /** Normalised match keys per app; given for an app, they replace that member's stored hashes. */
  matchKeys?: Record<AppName, MatchKey[]>;
  /** Audit rows; `linkId` defaults to this link. */
  changes?: ChangeInput[];
  /** The reconciler's conflict decisions: open/update the one open conflict of a field, or close it. */
  conflicts?: ConflictDecision[];
}

/**
 * Writes a reconciled link, its members, audit rows and conflict decisions in ONE transaction. It awaits nothing
 * but its own statements, because on PGlite every other connection waits while a transaction is open.
 */
export async function saveLink(ctx: LedgerContext, input: SaveLinkInput): Promise<void> {
  await saveLinks(ctx, [input]);
}

/**
 * Saves several reconciled links in ONE transaction (the cycle commits a chunk at a time). All or nothing: a version
 * conflict on one link rolls back the chunk, and the caller retries link by link to isolate it.
 */
export async function saveLinks(ctx: LedgerContext, inputs: SaveLinkInput[]): Promise<void> {
  if (inputs.length === 0) return;
  const now = ctx.now();
  let current: SaveLinkInput | undefined;
  try {
    await ctx.dataSource.transaction(async (em) => {
      if (inputs.length > 1) {
        await saveLinksBulk(ctx, em, inputs, now);
        return;
      }
      for (const input of inputs) {
        current = input;
        await updateLinkRow(em, input, now);
        await upsertMembers(em, ctx, input, now);
        await appendChanges(
          em,
          (input.changes ?? []).map((c) => ({ ...c, linkId: c.linkId ?? input.state.linkId })),
          now,
        );
        await applyConflictDecisions(em, input.state.linkId, input.conflicts ?? [], now);
      }
    });
  } catch (err) {
    throw current ? translateSaveError(err, current) : err;
  }
}

async function updateLinkRow(em: EntityManager, input: SaveLinkInput, now: Date): Promise<void> {
  const { state } = input;
  const row = await em.findOne(LinkEntity, { where: { id: state.linkId }, lock: { mode: 'pessimistic_write' } });
  if (!row) throw new LedgerError('LEDGER_NOT_FOUND', `link ${state.linkId} does not exist`, { linkId: state.linkId });
  if (input.expectedVersion !== undefined && row.agreedVersion !== input.expectedVersion) {
    throw new LedgerError('LEDGER_VERSION_CONFLICT', `link ${state.linkId} changed since it was loaded`, {
      linkId: state.linkId,
      expected: input.expectedVersion,
      actual: row.agreedVersion,
    });
  }
  await em.update(
    LinkEntity,
    { id: state.linkId },
    {
      agreed: state.agreed,
      fieldMeta: state.fieldMeta,
      agreedVersion: state.agreedVersion,
      // Keep the first deletion time when a deleted link is saved again.
      deletedAt: state.deleted ? (row.deletedAt ?? now) : null,
      updatedAt: now,
    },
  );
}

async function upsertMembers(em: EntityManager, ctx: LedgerContext, input: SaveLinkInput, now: Date): Promise<void> {
  const linkId = input.state.linkId;
  const existing = await em.find(LinkMemberEntity, { where: { linkId } });
  const byApp = new Map(existing.map((m) => [m.app, m]));
  for (const member of input.state.members) {
    const keys = input.matchKeys?.[member.app];
    const columns = memberColumns(member, now);
    if (keys) columns.matchKeys = hashKeys(ctx, keys);
    const row = byApp.get(member.app);
    if (row) await em.update(LinkMemberEntity, { id: row.id }, toRow(columns));
    else await insertMember(em, input.sync, linkId, member, columns);
  }
}

/** Inserts one member row; shared with link creation. */
export async function insertMember(
  em: EntityManager,
  sync: string,
  linkId: string,
  member: MemberState,
  columns: Partial<LinkMemberEntity>,
): Promise<void> {
  await em.insert(
    LinkMemberEntity,
    toRow({
      matchKeys: [],
      ...columns,
      id: randomUUID(),
      linkId,
      sync,
      app: member.app,
      createdAt: columns.updatedAt,
    }),
  );
}

/** Distinct keyed hashes, sorted so equal key sets store equal arrays. */
export function hashKeys(ctx: LedgerContext, keys: MatchKey[]): string[] {
  return [...new Set(keys.map((k) => ctx.hash(k)))].sort();
}

export async function applyConflictDecisions(
  em: EntityManager,
  linkId: string,
  decisions: ConflictDecision[],
  now: Date,
): Promise<void> {
  for (const d of decisions) {
    switch (d.action) {
      case 'open':
      case 'update':
        await upsertOpenConflict(em, linkId, d.field, d.candidates, now);
        break;
      case 'close':
        await resolveOpenConflict(em, linkId, d.field, { by: 'reconciler', candidates: d.candidates }, now);
        break;
    }
  }
}

/** A member id already owned by another link is the one constraint callers must handle; name it. */
export function translateSaveError(err: unknown, input: { sync: string; state: { linkId: string } }): unknown {
  if (isUniqueViolation(err, 'uq_link_member_external')) {
    return new LedgerError('LEDGER_MEMBER_TAKEN', `a member of link ${input.state.linkId} belongs to another link`, {
      sync: input.sync,
      linkId: input.state.linkId,
    });
  }
  return err;
}
