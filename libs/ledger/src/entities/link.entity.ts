import { Column, Entity, Index, OneToMany, PrimaryColumn, type Relation } from 'typeorm';
import type { CanonRecord, FieldMeta } from '@tandem/core';
import { LinkMemberEntity } from './link-member.entity.js';

/** One agreed record per real-world entity in a sync (DESIGN §4). */
@Entity({ name: 'link' })
@Index('idx_link_sync', ['sync'])
export class LinkEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  sync!: string;

  @Column('jsonb', { default: {} })
  agreed!: CanonRecord;

  @Column('jsonb', { name: 'field_meta', default: {} })
  fieldMeta!: Record<string, FieldMeta>;

  @Column('integer', { name: 'agreed_version', default: 0 })
  agreedVersion!: number;

  @Column('timestamptz', { name: 'deleted_at', nullable: true })
  deletedAt!: Date | null;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt!: Date;

  @OneToMany(() => LinkMemberEntity, (member) => member.link)
  members?: Relation<LinkMemberEntity[]>;
}
