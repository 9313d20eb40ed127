import type { EntityManager } from 'typeorm';
import { ChangeEntity } from '../entities/change.entity.js';
import type { LedgerContext } from '../context.js';
import { row } from './row.js';

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

/** Appends audit rows with `em` (so the link save can put them in its own transaction). */
export async function appendChanges(em: EntityManager, rows: ChangeInput[], now: Date): Promise<void> {
  if (rows.length === 0) return;
  await em.insert(
    ChangeEntity,
    rows.map((r) =>
      row<ChangeEntity>({
        runId: r.runId ?? null,
        linkId: r.linkId ?? null,
        app: r.app ?? null,
        op: r.op,
        field: r.field ?? null,
        before: r.before ?? null,
        after: r.after ?? null,
        rule: r.rule ?? null,
        decidedBy: r.decidedBy ?? null,
        at: r.at ?? now,
      }),
    ),
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
