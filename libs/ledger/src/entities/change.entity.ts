import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Audit row: one decided change of one field (or one record-level op), append-only except for erasure. */
@Entity({ name: 'change' })
@Index('idx_change_link', ['linkId', 'id'])
@Index('idx_change_run', ['runId'])
export class ChangeEntity {
  /** bigserial; the pg driver hands int8 back as a string, which is what we expose. */
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Column('uuid', { name: 'run_id', nullable: true })
  runId!: string | null;

  @Column('uuid', { name: 'link_id', nullable: true })
  linkId!: string | null;

  @Column('text', { nullable: true })
  app!: string | null;

  @Column('text')
  op!: string;

  @Column('text', { nullable: true })
  field!: string | null;

  @Column('jsonb', { nullable: true })
  before!: unknown;

  @Column('jsonb', { nullable: true })
  after!: unknown;

  @Column('text', { nullable: true })
  rule!: string | null;

  @Column('jsonb', { name: 'decided_by', nullable: true })
  decidedBy!: Record<string, number | null> | null;

  @Column('timestamptz', { default: () => 'now()' })
  at!: Date;
}
