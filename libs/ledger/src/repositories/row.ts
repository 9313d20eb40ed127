import type { EntityManager, QueryDeepPartialEntity } from 'typeorm';

/**
 * TypeORM's deep-partial type recurses into jsonb columns and rejects `unknown` and `null` there, so rows are
 * type-checked against the entity's own (shallow) shape and handed over through this one cast.
 */
export function row<T>(values: Partial<T>): QueryDeepPartialEntity<T> {
  return values as QueryDeepPartialEntity<T>;
}

/**
 * Runs `query` over `items` in slices of `size`, one after another, and joins the rows: a lookup of a whole cycle's ids
 * stays under Postgres's 65,535 bind parameters and under a statement size the database handles well.
 */
export async function inSlices<T, R>(items: readonly T[], size: number, query: (slice: T[]) => Promise<R[]>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await query(items.slice(i, i + size))));
  return out;
}

/** A ledger table's quoted, schema-qualified name for hand-written SQL (bulk statements over `jsonb_to_recordset`). */
export function table(em: EntityManager, name: string): string {
  const schema = (em.connection.options as { schema?: string }).schema ?? 'public';
  return `"${schema.replace(/"/g, '""')}"."${name}"`;
}
