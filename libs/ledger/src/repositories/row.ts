import type { EntityManager, QueryDeepPartialEntity } from 'typeorm';

/**
 * TypeORM's deep-partial type recurses into jsonb columns and rejects `unknown` and `null` there, so rows are
 * type-checked against the entity's own (shallow) shape and handed over through this one cast.
 */
export function row<T>(values: Partial<T>): QueryDeepPartialEntity<T> {
  return values as QueryDeepPartialEntity<T>;
}

/** A ledger table's quoted, schema-qualified name for hand-written SQL (bulk statements over `jsonb_to_recordset`). */
export function table(em: EntityManager, name: string): string {
  const schema = (em.connection.options as { schema?: string }).schema ?? 'public';
  return `"${schema.replace(/"/g, '""')}"."${name}"`;
}
