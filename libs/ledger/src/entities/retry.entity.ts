import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A failed per-record write waiting for its next attempt, or dead after too many (DESIGN §4, §6.5). */
@Entity({ name: 'retry' })
@Index('idx_retry_due', ['nextAt'], { where: '"dead" = false' })
@Index('idx_retry_target', ['sync', 'app', 'externalId'])
export class RetryEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  sync!: string;

  @Column('text')
  app!: string;

  @Column('text', { name: 'external_id', nullable: true })
  externalId!: string | null;

  @Column('uuid', { name: 'link_id', nullable: true })
  linkId!: string | null;

  @Column('text')
  op!: string;

  @Column('jsonb', { default: {} })
  payload!: Record<string, unknown>;

  @Column('integer', { default: 0 })
  attempts!: number;

  @Column('timestamptz', { name: 'next_at' })
  nextAt!: Date;

  @Column('text', { name: 'last_error_class', nullable: true })
  lastErrorClass!: string | null;

  @Column('text', { name: 'last_error_message', nullable: true })
  lastErrorMessage!: string | null;

  @Column('boolean', { default: false })
  dead!: boolean;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt!: Date;
}
