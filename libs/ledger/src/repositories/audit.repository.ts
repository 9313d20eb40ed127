import type { EntityManager } from 'typeorm';
import { ChangeEntity } from '../entities/change.entity.js';
import type { LedgerContext } from '../context.js';
import { row, table } from './row.js';

/** One audit row to append: what changed, in which app, by which rule and timestamps (drives `explain` and undo). */
export interface ChangeInput {
  runId?: string | null;
  linkId?: string | null;
  app?: string | null;
  /** `update`, `create`, `delete`, `link`, `conflict`, … */
  op: string;
  field?: string | null;
  before?: unknown;
  after?: unknown;
  rule?: string | null;
  /** The timestamps that decided, by app (null where an app had none). */
  decidedBy?: Record<string, number | null> | null;
  at?: Date;
}

export interface ChangeRow {
  /** bigserial as a decimal string; ordering by it is insertion order. */
  id: string;
  runId: string | null;
  linkId: string | null;
  app: string | null;
  op: string;
  field: string | null;
  before: unknown;
  after: unknown;
  rule: string | null;
  decidedBy: Record<string, number | null> | null;
  at: Date;
}

/**
 * Appends audit rows with `em` (so the link save can put them in its own transaction): one statement whatever the
 * number of rows, the rows travelling as one jsonb array (a chunk of 500 links writes thousands of audit rows, and
 * TypeORM's multi-row insert binds one parameter per value, slowly and up to Postgres's 65,535 limit).
 */
export async function appendChanges(em: EntityManager, rows: ChangeInput[], now: Date): Promise<void> {
  if (rows.length === 0) return;
  const values = rows.map((r) => ({
    run_id: r.runId ?? null,
    link_id: r.linkId ?? null,
    app: r.app ?? null,
    op: r.op,
    field: r.field ?? null,
    // jsonb_to_recordset turns a JSON null into SQL NULL, as the entity insert did.
    before: r.before ?? null,
    after: r.after ?? null,
    rule: r.rule ?? null,
    decided_by: r.decidedBy ?? null,
    at: (r.at ?? now).toISOString(),
  }));
  await em.query(
    `INSERT INTO ${table(em, 'change')} (run_id, link_id, app, op, field, before, after, rule, decided_by, at)
     SELECT v.run_id, v.link_id, v.app, v.op, v.field, v.before, v.after, v.rule, v.decided_by, v.at
       FROM jsonb_to_recordset($1::jsonb)
            AS v(run_id uuid, link_id uuid, app text, op text, field text, before jsonb, after jsonb, rule text,
                 decided_by jsonb, at timestamptz)`,
    [JSON.stringify(values)],
  );
}

/** The `change` table: append-only, except that erasure blanks a person's values and keeps the rows' shape. */
export class AuditRepository {
  constructor(private readonly ctx: LedgerContext) {}

  append(rows: ChangeInput[]): Promise<void> {
    return appendChanges(this.ctx.dataSource.manager, rows, this.ctx.now());
  }

  /** A link's history, oldest first. */
  async listByLink(linkId: string, options: { limit?: number } = {}): Promise<ChangeRow[]> {
    const rows = await this.ctx.dataSource.manager.find(ChangeEntity, {
      where: { linkId },
      order: { id: 'ASC' },
      take: options.limit,
    });
    return rows.map(toChangeRow);
  }

  async listByRun(runId: string): Promise<ChangeRow[]> {
    const rows = await this.ctx.dataSource.manager.find(ChangeEntity, { where: { runId }, order: { id: 'ASC' } });
    return rows.map(toChangeRow);
  }

  /** Erasure: blanks before/after of every row of a link; returns how many rows were blanked. */
  async eraseValues(linkId: string): Promise<number> {
    const result = await this.ctx.dataSource.manager.update(
      ChangeEntity,
      { linkId },
      row<ChangeEntity>({ before: null, after: null }),
    );
    return result.affected ?? 0;
  }
}

function toChangeRow(row: ChangeEntity): ChangeRow {
  return {
    id: String(row.id),
    runId: row.runId,
    linkId: row.linkId,
    app: row.app,
    op: row.op,
    field: row.field,
    before: row.before,
    after: row.after,
    rule: row.rule,
    decidedBy: row.decidedBy,
    at: row.at,
  };
}
