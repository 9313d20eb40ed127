import { Column, Entity, Index, PrimaryColumn, Unique } from 'typeorm';

/** A received webhook, persisted before the 2xx and deduplicated by the provider's event id (DESIGN §7). */
@Entity({ name: 'webhook_event' })
@Unique('uq_webhook_event_provider', ['connection', 'providerEventId'])
@Index('idx_webhook_event_unprocessed', ['receivedAt'], { where: '"processed_at" IS NULL' })
export class WebhookEventEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  connection!: string;

  @Column('text', { name: 'provider_event_id' })
  providerEventId!: string;

  @Column('timestamptz', { name: 'received_at', default: () => 'now()' })
  receivedAt!: Date;

  @Column('jsonb', { default: {} })
  headers!: Record<string, string>;

  /** The body exactly as received (text), so a signature can be re-checked and a parser re-run later. */
  @Column('text')
  body!: string;

  @Column('timestamptz', { name: 'processed_at', nullable: true })
  processedAt!: Date | null;

  @Column('text', { nullable: true })
  error!: string | null;
}
