export { openLedger, DEFAULT_DATA_DIR, type OpenLedgerOptions } from './open-ledger.js';
export { Ledger, type LedgerKind } from './ledger.js';
export { LedgerError, type LedgerErrorCode } from './errors.js';
export { hashMatchKey, DEV_KEY_SECRET, type MatchKey } from './match-keys.js';
export { advisoryKey, type LedgerLocks, type LockAttempt } from './locks.js';
export { KeyedMutex, type Release } from './mutex.js';
export { startEmbeddedPostgres, EMBEDDED_MAX_CONNECTIONS, type EmbeddedPostgres } from './embedded.js';
export { backoffDelayMs, DEFAULT_RETRY_POLICY, type RetryPolicy } from './repositories/backoff.js';
export type { LinksRepository, CreateLinkInput, MatchKeyHit } from './repositories/links.repository.js';
export type { SaveLinkInput } from './repositories/link-save.js';
export type { CursorsRepository, CursorRow } from './repositories/cursors.repository.js';
export type { RunsRepository, RunRow, FinishedStatus } from './repositories/runs.repository.js';
export type { RetriesRepository, RetryInput, RetryError, RetryRow } from './repositories/retries.repository.js';
export type { ConflictsRepository, ConflictRow } from './repositories/conflicts.repository.js';
export type {
  WebhookEventsRepository,
  WebhookEventInput,
  WebhookEventRow,
} from './repositories/webhook-events.repository.js';
export type { TombstonesRepository, TombstoneRow } from './repositories/tombstones.repository.js';
export type { AuditRepository, ChangeInput, ChangeRow } from './repositories/audit.repository.js';
export {
  LEDGER_ENTITIES,
  RUN_STATUSES,
  RUN_TRIGGERS,
  type RunStatus,
  type RunTrigger,
  type ConflictStatus,
  type TombstoneKind,
} from './entities/index.js';
export { LEDGER_MIGRATIONS } from './ledger-migrations.js';
export type { SyncStatesRepository } from './repositories/sync-states.repository.js';
export { postgresReachable } from './reachable.js';
