import type { QueryDeepPartialEntity } from 'typeorm';

/**
 * TypeORM's deep-partial type recurses into jsonb columns and rejects `unknown` and `null` there, so rows are
 * type-checked against the entity's own (shallow) shape and handed over through this one cast.
 */
export function row<T>(values: Partial<T>): QueryDeepPartialEntity<T> {
  return values as QueryDeepPartialEntity<T>;
}
