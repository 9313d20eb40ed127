import { ChangeEntity } from './change.entity.js';
import { ConflictEntity } from './conflict.entity.js';
import { CursorEntity } from './cursor.entity.js';
import { LinkMemberEntity } from './link-member.entity.js';
import { LinkEntity } from './link.entity.js';
import { RetryEntity } from './retry.entity.js';
import { RunEntity } from './run.entity.js';
import { TombstoneEntity } from './tombstone.entity.js';
import { WebhookEventEntity } from './webhook-event.entity.js';

export {
  ChangeEntity,
  ConflictEntity,
  CursorEntity,
  LinkEntity,
  LinkMemberEntity,
  RetryEntity,
  RunEntity,
  TombstoneEntity,
  WebhookEventEntity,
};
export { RUN_STATUSES, RUN_TRIGGERS, type RunStatus, type RunTrigger } from './run.entity.js';
export type { ConflictStatus } from './conflict.entity.js';
export type { TombstoneKind } from './tombstone.entity.js';

/** Every ledger entity, for the DataSource (or Nest's TypeOrmModule). */
export const LEDGER_ENTITIES = [
  LinkEntity,
  LinkMemberEntity,
  CursorEntity,
  RunEntity,
  ChangeEntity,
  RetryEntity,
  ConflictEntity,
  WebhookEventEntity,
  TombstoneEntity,
];
