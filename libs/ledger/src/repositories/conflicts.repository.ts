import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { AppName, CanonValue } from '@tandem/core';
import { ConflictEntity } from '../entities/conflict.entity.js';
import type { LedgerContext } from '../context.js';
import { row } from './row.js';

export interface ConflictRow {
  id: string;
  linkId: string;
  field: string;
  candidates: Record<AppName, CanonValue>;
  status: 'open' | 'resolved';
  openedAt: Date;
  resolvedAt: Date | null;
  resolution: Record<string, unknown> | null;
}

/**
 * Opens the conflict on (link, field), or updates the candidates of the one already open — the partial unique
 * index makes "at most one open" a database fact, and ON CONFLICT makes this one statement.
 */
export async function upsertOpenConflict(
  em: EntityManager,
  linkId: string,
  field: string,
  candidates: Record<AppName, CanonValue>,
  now: Date,
): Promise<void> {
  await em
    .createQueryBuilder()
    .insert()
    .into(ConflictEntity)
    .values({ id: randomUUID(), linkId, field, candidates, status: 'open', openedAt: now })
    .orUpdate(['candidates'], ['link_id', 'field'], { indexPredicate: `"status" = 'open'` })
    .execute();
}

/** Closes the open conflict on (link, field), if any; returns whether one was open. */
export async function resolveOpenConflict(
  em: EntityManager,
  linkId: string,
  field: string,
  resolution: Record<string, unknown>,
  now: Date,
): Promise<boolean> {
  const result = await em.update(
    ConflictEntity,
    { linkId, field, status: 'open' },
    row<ConflictEntity>({ status: 'resolved', resolvedAt: now, resolution }),
  );
  return (result.affected ?? 0) > 0;
}

/** Manual conflicts (DESIGN §5 rule 6): the field stays frozen while one is open. */
export class ConflictsRepository {
  constructor(private readonly ctx: LedgerContext) {}

  open(linkId: string, field: string, candidates: Record<AppName, CanonValue>): Promise<void> {
    return upsertOpenConflict(this.ctx.dataSource.manager, linkId, field, candidates, this.ctx.now());
  }

  /** Records how a human (or a later agreement) resolved it; returns false when none was open. */
  resolve(linkId: string, field: string, resolution: Record<string, unknown>): Promise<boolean> {
    return resolveOpenConflict(this.ctx.dataSource.manager, linkId, field, resolution, this.ctx.now());
  }

  /** Open conflicts, oldest first, for one link or for every link of a sync; `limit`/`offset` page through them. */
  async listOpen(filter: { linkId?: string; sync?: string; limit?: number; offset?: number } = {}): Promise<ConflictRow[]> {
    const qb = this.ctx.dataSource.manager
      .createQueryBuilder(ConflictEntity, 'c')
      .where('c.status = :status', { status: 'open' })
      .orderBy('c.openedAt', 'ASC')
      .addOrderBy('c.field', 'ASC');
    if (filter.linkId) qb.andWhere('c.linkId = :linkId', { linkId: filter.linkId });
    if (filter.sync) qb.innerJoin('c.link', 'l').andWhere('l.sync = :sync', { sync: filter.sync });
    qb.addOrderBy('c.id', 'ASC');
    if (filter.limit !== undefined) qb.take(filter.limit);
    if (filter.offset !== undefined) qb.skip(filter.offset);
    return (await qb.getMany()).map(toConflictRow);
  }

  async get(id: string): Promise<ConflictRow | null> {
    const row = await this.ctx.dataSource.manager.findOne(ConflictEntity, { where: { id } });
    return row ? toConflictRow(row) : null;
  }

  /** Open conflicts of a sync (the admin backlog). */
  countOpen(sync: string): Promise<number> {
    return this.ctx.dataSource.manager
      .createQueryBuilder(ConflictEntity, 'c')
      .innerJoin('c.link', 'l')
      .where('c.status = :status AND l.sync = :sync', { status: 'open', sync })
      .getCount();
  }

  /** Erasure: closes a link's conflicts and blanks their candidate values; returns how many rows were blanked. */
  async eraseValues(linkId: string): Promise<number> {
    const now = this.ctx.now();
    const manager = this.ctx.dataSource.manager;
    await manager.update(ConflictEntity, { linkId, status: 'open' }, row<ConflictEntity>({ status: 'resolved', resolvedAt: now }));
    const result = await manager.update(ConflictEntity, { linkId }, row<ConflictEntity>({ candidates: {}, resolution: { by: 'erasure' } }));
    return result.affected ?? 0;
  }

  /** Every conflict of a link, open and resolved, oldest first. */
  async history(linkId: string): Promise<ConflictRow[]> {
    const rows = await this.ctx.dataSource.manager.find(ConflictEntity, {
      where: { linkId },
      order: { openedAt: 'ASC' },
    });
    return rows.map(toConflictRow);
  }
}

function toConflictRow(row: ConflictEntity): ConflictRow {
  const { id, linkId, field, candidates, status, openedAt, resolvedAt, resolution } = row;
  return { id, linkId, field, candidates, status, openedAt, resolvedAt, resolution };
}
