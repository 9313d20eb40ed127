import { randomUUID } from 'node:crypto';
import { IsNull } from 'typeorm';
import { TombstoneEntity, type TombstoneKind } from '../entities/tombstone.entity.js';
import type { LedgerContext } from '../context.js';
import type { MatchKey } from '../match-keys.js';
import { inSlices } from './row.js';

export interface TombstoneRow {
  id: string;
  sync: string;
  kind: TombstoneKind;
  app: string | null;
  externalId: string | null;
  keyHash: string | null;
  createdAt: Date;
  liftedAt: Date | null;
}

/**
 * Deletes remembered by (app, external id), and erasures remembered only by the keyed hash of a normalised match
 * key: a suppression list that never stores the person's email. Lifting one keeps the row for the record.
 */
export class TombstonesRepository {
  constructor(private readonly ctx: LedgerContext) {}

  addDelete(sync: string, app: string, externalId: string): Promise<TombstoneRow> {
    return this.add({ sync, kind: 'delete', app, externalId, keyHash: null });
  }

  addErasure(sync: string, key: MatchKey): Promise<TombstoneRow> {
    return this.add({ sync, kind: 'erasure', app: null, externalId: null, keyHash: this.ctx.hash(key) });
  }

  /** The live delete tombstone of an app record, if any. */
  async findByRecord(sync: string, app: string, externalId: string): Promise<TombstoneRow | null> {
    const row = await this.ctx.dataSource.manager.findOne(TombstoneEntity, {
      where: { sync, app, externalId, liftedAt: IsNull() },
      order: { createdAt: 'DESC' },
    });
    return row ? { ...row } : null;
  }

  /** The live erasure of a normalised key, if any: such a person must not be linked or created again. */
  async findByKey(sync: string, key: MatchKey): Promise<TombstoneRow | null> {
    const row = await this.ctx.dataSource.manager.findOne(TombstoneEntity, {
      where: { sync, keyHash: this.ctx.hash(key), liftedAt: IsNull() },
      order: { createdAt: 'DESC' },
    });
    return row ? { ...row } : null;
  }

  /** An admin lifts a tombstone (a person opted back in); returns false when it was not live. */
  async lift(id: string): Promise<boolean> {
    const result = await this.ctx.dataSource.manager.update(
      TombstoneEntity,
      { id, liftedAt: IsNull() },
      { liftedAt: this.ctx.now() },
    );
    return (result.affected ?? 0) > 0;
  }

  async list(sync: string, options: { includeLifted?: boolean } = {}): Promise<TombstoneRow[]> {
    const rows = await this.ctx.dataSource.manager.find(TombstoneEntity, {
      where: { sync, ...(options.includeLifted ? {} : { liftedAt: IsNull() }) },
      order: { createdAt: 'ASC' },
    });
    return rows.map((r) => ({ ...r }));
  }

  private async add(values: Omit<TombstoneEntity, 'id' | 'createdAt' | 'liftedAt'>): Promise<TombstoneRow> {
    const row: TombstoneEntity = { ...values, id: randomUUID(), createdAt: this.ctx.now(), liftedAt: null };
    await this.ctx.dataSource.manager.insert(TombstoneEntity, row);
    return { ...row };
  }

  /** Which of these keys are suppressed by a live erasure tombstone (a few queries for a whole cycle's candidates). */
  async erasedKeys(sync: string, keys: MatchKey[]): Promise<MatchKey[]> {
    const byHash = new Map(keys.map((k) => [this.ctx.hash(k), k]));
    if (byHash.size === 0) return [];
    // One array parameter per slice of 10,000 (a first sync has a key per record; In() would bind one per hash).
    const rows = await inSlices([...byHash.keys()], 10_000, (hashes) =>
      this.ctx.dataSource.manager
        .createQueryBuilder(TombstoneEntity, 't')
        .select('t.key_hash', 'key_hash')
        .where("t.sync = :sync AND t.kind = 'erasure' AND t.lifted_at IS NULL AND t.key_hash = ANY(:hashes)", { sync, hashes })
        .getRawMany<{ key_hash: string | null }>(),
    );
    return rows.flatMap((r) => {
      const key = r.key_hash ? byHash.get(r.key_hash) : undefined;
      return key ? [key] : [];
    });
  }
}
