import type { DataSource } from 'typeorm';
import type { MatchKey } from './match-keys.js';
import type { RetryPolicy } from './repositories/backoff.js';

/** What every repository of one Ledger shares. */
export interface LedgerContext {
  readonly dataSource: DataSource;
  /** The ledger's clock; injectable so tests can age heartbeats and retries without sleeping. */
  now(): Date;
  /** Keyed hash of a normalised match key, with this ledger's secret. */
  hash(key: MatchKey): string;
  readonly retryPolicy: RetryPolicy;
}
