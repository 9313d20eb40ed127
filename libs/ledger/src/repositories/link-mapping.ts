import type { LinkState, MemberState, OpenConflict } from '@tandem/core';
import type { ConflictEntity } from '../entities/conflict.entity.js';
import type { LinkMemberEntity } from '../entities/link-member.entity.js';
import type { LinkEntity } from '../entities/link.entity.js';

/** Ledger row → the reconciler's MemberState. */
export function toMemberState(row: LinkMemberEntity): MemberState {
  const member: MemberState = {
    app: row.app,
    externalId: row.externalId,
    shadow: row.shadow,
    appVersion: row.appVersion,
    ackedVersion: row.ackedVersion,
    pending: row.pending ?? [],
    deleted: row.deleted,
  };
  if (row.fieldUpdatedAt) member.fieldUpdatedAt = row.fieldUpdatedAt;
  return member;
}

/** Ledger row → the reconciler's OpenConflict. */
export function toOpenConflict(row: ConflictEntity): OpenConflict {
  return { field: row.field, candidates: row.candidates, openedAt: row.openedAt.getTime() };
}

/** Assembles a LinkState; members are ordered by app name and conflicts by field so loads are deterministic. */
export function toLinkState(link: LinkEntity, members: LinkMemberEntity[], conflicts: ConflictEntity[]): LinkState {
  return {
    linkId: link.id,
    agreed: link.agreed,
    fieldMeta: link.fieldMeta,
    agreedVersion: link.agreedVersion,
    members: [...members].sort((a, b) => a.app.localeCompare(b.app)).map(toMemberState),
    openConflicts: [...conflicts].sort((a, b) => a.field.localeCompare(b.field)).map(toOpenConflict),
    deleted: link.deletedAt !== null,
  };
}

/** The writable columns of a member row, from a MemberState. */
export function memberColumns(member: MemberState, now: Date): Partial<LinkMemberEntity> {
  return {
    externalId: member.externalId,
    shadow: member.shadow,
    appVersion: member.appVersion,
    ackedVersion: member.ackedVersion,
    pending: member.pending,
    fieldUpdatedAt: member.fieldUpdatedAt ?? null,
    deleted: member.deleted ?? false,
    updatedAt: now,
  };
}
