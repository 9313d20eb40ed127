import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type TombstoneKind = 'delete' | 'erasure';

/** A delete by (app, external id), or an erasure by keyed match-key hash (a suppression list). */
@Entity({ name: 'tombstone' })
@Index('idx_tombstone_record', ['sync', 'app', 'externalId'])
@Index('idx_tombstone_key', ['sync', 'keyHash'])
@Check('ck_tombstone_kind', `"kind" IN ('delete', 'erasure')`)
export class TombstoneEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  sync!: string;

  @Column('text')
  kind!: TombstoneKind;

  @Column('text', { nullable: true })
  app!: string | null;

  @Column('text', { name: 'external_id', nullable: true })
  externalId!: string | null;

  @Column('text', { name: 'key_hash', nullable: true })
  keyHash!: string | null;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'lifted_at', nullable: true })
  liftedAt!: Date | null;
}
