import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An opaque read cursor per (sync, connection, object): two syncs over one object never share one. */
@Entity({ name: 'cursor' })
export class CursorEntity {
  @PrimaryColumn('text', { primaryKeyConstraintName: 'pk_cursor' })
  sync!: string;

  @PrimaryColumn('text', { primaryKeyConstraintName: 'pk_cursor' })
  connection!: string;

  @PrimaryColumn('text', { primaryKeyConstraintName: 'pk_cursor' })
  object!: string;

  @Column('text')
  value!: string;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt!: Date;
}
