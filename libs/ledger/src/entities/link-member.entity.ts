import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique, type Relation } from 'typeorm';
import type { PendingIntent, RawFields } from '@tandem/core';
import { LinkEntity } from './link.entity.js';

/** One app record in a link: its raw shadow, versions, write-ahead intents and hashed match keys (DESIGN §4). */
@Entity({ name: 'link_member' })
@Unique('uq_link_member_external', ['sync', 'app', 'externalId'])
@Unique('uq_link_member_link_app', ['linkId', 'app'])
@Index('idx_link_member_match_keys', { synchronize: false })
export class LinkMemberEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'link_id' })
  linkId!: string;

  @ManyToOne(() => LinkEntity, (link) => link.members, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'link_id', foreignKeyConstraintName: 'fk_link_member_link' })
  link?: Relation<LinkEntity>;

  @Column('text')
  sync!: string;

  @Column('text')
  app!: string;

  @Column('text', { name: 'external_id', nullable: true })
  externalId!: string | null;

  @Column('jsonb', { nullable: true })
  shadow!: RawFields | null;

  @Column('text', { name: 'app_version', nullable: true })
  appVersion!: string | null;

  @Column('integer', { name: 'acked_version', default: 0 })
  ackedVersion!: number;

  @Column('jsonb', { default: [] })
  pending!: PendingIntent[];

  @Column('jsonb', { name: 'field_updated_at', nullable: true })
  fieldUpdatedAt!: Record<string, number> | null;

  /** Keyed hashes (HMAC) of normalised match keys; raw emails and phones never reach the ledger. */
  @Column('text', { name: 'match_keys', array: true, default: [] })
  matchKeys!: string[];

  @Column('boolean', { default: false })
  deleted!: boolean;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt!: Date;
}
