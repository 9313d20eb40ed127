import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

export const RUN_TRIGGERS = ['schedule', 'webhook', 'manual', 'startup'] as const;
export type RunTrigger = (typeof RUN_TRIGGERS)[number];
export const RUN_STATUSES = ['running', 'succeeded', 'failed', 'held', 'abandoned'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** One sync cycle: its stage and heartbeat let another process take over a run whose owner died. */
@Entity({ name: 'run' })
@Index('idx_run_sync_status', ['sync', 'status'])
@Check('ck_run_trigger', `"trigger" IN ('schedule', 'webhook', 'manual', 'startup')`)
@Check('ck_run_status', `"status" IN ('running', 'succeeded', 'failed', 'held', 'abandoned')`)
export class RunEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  sync!: string;

  @Column('text')
  trigger!: RunTrigger;

  @Column('text', { nullable: true })
  stage!: string | null;

  @Column('text')
  status!: RunStatus;

  @Column('timestamptz', { name: 'heartbeat_at', default: () => 'now()' })
  heartbeatAt!: Date;

  @Column('jsonb', { default: {} })
  counts!: Record<string, number>;

  @Column('timestamptz', { name: 'started_at', default: () => 'now()' })
  startedAt!: Date;

  @Column('timestamptz', { name: 'finished_at', nullable: true })
  finishedAt!: Date | null;

  @Column('text', { name: 'error_summary', nullable: true })
  errorSummary!: string | null;
}
