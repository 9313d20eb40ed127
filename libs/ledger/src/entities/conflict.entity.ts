import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import type { CanonValue } from '@tandem/core';
import { LinkEntity } from './link.entity.js';

export type ConflictStatus = 'open' | 'resolved';

/** A manual conflict on one field of a link; at most one open per (link, field), updated in place. */
@Entity({ name: 'conflict' })
@Index('uq_conflict_open', ['linkId', 'field'], { unique: true, where: `"status" = 'open'` })
@Check('ck_conflict_status', `"status" IN ('open', 'resolved')`)
export class ConflictEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'link_id' })
  linkId!: string;

  @ManyToOne(() => LinkEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'link_id', foreignKeyConstraintName: 'fk_conflict_link' })
  link?: Relation<LinkEntity>;

  @Column('text')
  field!: string;

  @Column('jsonb', { default: {} })
  candidates!: Record<string, CanonValue>;

  @Column('text')
  status!: ConflictStatus;

  @Column('timestamptz', { name: 'opened_at', default: () => 'now()' })
  openedAt!: Date;

  @Column('timestamptz', { name: 'resolved_at', nullable: true })
  resolvedAt!: Date | null;

  @Column('jsonb', { nullable: true })
  resolution!: Record<string, unknown> | null;
}
