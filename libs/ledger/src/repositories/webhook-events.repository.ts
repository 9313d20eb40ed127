import { randomUUID } from 'node:crypto';
import { IsNull } from 'typeorm';
import { WebhookEventEntity } from '../entities/webhook-event.entity.js';
import type { LedgerContext } from '../context.js';

export interface WebhookEventInput {
  connection: string;
  /** The provider's own event id (or a stable digest of the body when the provider sends none). */
  providerEventId: string;
  headers?: Record<string, string>;
  /** Raw body, exactly as received. */
  body: string;
  receivedAt?: Date;
}

export interface WebhookEventRow {
  id: string;
  connection: string;
  providerEventId: string;
  receivedAt: Date;
  headers: Record<string, string>;
  body: string;
  processedAt: Date | null;
  error: string | null;
}

/** Received webhooks: persisted before the 2xx, deduplicated, processed later by a worker. */
export class WebhookEventsRepository {
  constructor(private readonly ctx: LedgerContext) {}

  /** Stores the event unless the provider already delivered it; `isNew` is false for a redelivery. */
  async insert(input: WebhookEventInput): Promise<{ id: string; isNew: boolean }> {
    const id = randomUUID();
    const result = await this.ctx.dataSource.manager
      .createQueryBuilder()
      .insert()
      .into(WebhookEventEntity)
      .values({
        id,
        connection: input.connection,
        providerEventId: input.providerEventId,
        headers: input.headers ?? {},
        body: input.body,
        receivedAt: input.receivedAt ?? this.ctx.now(),
      })
      .orIgnore()
      .returning(['id'])
      .execute();
    const inserted = (result.raw as Array<{ id: string }>).length > 0;
    if (inserted) return { id, isNew: true };
    const existing = await this.ctx.dataSource.manager.findOneOrFail(WebhookEventEntity, {
      select: { id: true },
      where: { connection: input.connection, providerEventId: input.providerEventId },
    });
    return { id: existing.id, isNew: false };
  }

  /** Marks an event handled; `error` (no personal data) records why handling failed. */
  async markProcessed(id: string, error: string | null = null): Promise<void> {
    await this.ctx.dataSource.manager.update(WebhookEventEntity, { id }, { processedAt: this.ctx.now(), error });
  }

  /** Events not processed yet, oldest first. */
  async listUnprocessed(options: { connection?: string; limit?: number } = {}): Promise<WebhookEventRow[]> {
    const rows = await this.ctx.dataSource.manager.find(WebhookEventEntity, {
      where: { processedAt: IsNull(), ...(options.connection ? { connection: options.connection } : {}) },
      order: { receivedAt: 'ASC' },
      take: options.limit ?? 100,
    });
    return rows.map((r) => ({ ...r }));
  }

  async get(id: string): Promise<WebhookEventRow | null> {
    const row = await this.ctx.dataSource.manager.findOne(WebhookEventEntity, { where: { id } });
    return row ? { ...row } : null;
  }
}
