import { CursorEntity } from '../entities/cursor.entity.js';
import type { LedgerContext } from '../context.js';

export interface CursorRow {
  connection: string;
  object: string;
  value: string;
  updatedAt: Date;
}

/** Opaque read cursors per (sync, connection, object). */
export class CursorsRepository {
  constructor(private readonly ctx: LedgerContext) {}

  async get(sync: string, connection: string, object: string): Promise<string | null> {
    const row = await this.ctx.dataSource.manager.findOne(CursorEntity, { where: { sync, connection, object } });
    return row?.value ?? null;
  }

  async set(sync: string, connection: string, object: string, value: string): Promise<void> {
    await this.ctx.dataSource.manager.upsert(
      CursorEntity,
      { sync, connection, object, value, updatedAt: this.ctx.now() },
      ['sync', 'connection', 'object'],
    );
  }

  async list(sync: string): Promise<CursorRow[]> {
    const rows = await this.ctx.dataSource.manager.find(CursorEntity, {
      where: { sync },
      order: { connection: 'ASC', object: 'ASC' },
    });
    return rows.map(({ connection, object, value, updatedAt }) => ({ connection, object, value, updatedAt }));
  }

  /** Forgets a sync's cursors (or one connection's) so the next cycle reads everything: a full resync. */
  async clear(sync: string, connection?: string): Promise<number> {
    const result = await this.ctx.dataSource.manager.delete(CursorEntity, connection ? { sync, connection } : { sync });
    return result.affected ?? 0;
  }
}
