import { randomUUID } from 'node:crypto';
import { In, IsNull } from 'typeorm';
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

  /** Marks several events handled in one statement (a drain pass settles hundreds at a time). */
  async markProcessedMany(ids: string[]): Promise<void> {
    for (let i = 0; i < ids.length; i += 1000) {
      await this.ctx.dataSource.manager.update(WebhookEventEntity, { id: In(ids.slice(i, i + 1000)) }, { processedAt: this.ctx.now(), error: null });
    }
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

  /**
   * Erasure: blanks the body and headers of a connection's events that mention one of `texts` (case-insensitive, e.g.
   * an email) or one of `ids` as a whole token (an app record id), and marks unprocessed ones handled. Returns how many.
   */
  async eraseMatching(connection: string, needles: { texts?: string[]; ids?: string[] }): Promise<number> {
    const texts = (needles.texts ?? []).filter((t) => t !== '').map((t) => t.toLowerCase());
    const patterns = (needles.ids ?? []).filter((id) => id !== '').map((id) => `(^|[^A-Za-z0-9_.@-])${escapeRegex(id)}($|[^A-Za-z0-9_.@-])`);
    if (texts.length === 0 && patterns.length === 0) return 0;
    const result = await this.ctx.dataSource.manager
      .createQueryBuilder()
      .update(WebhookEventEntity)
      .set({ body: '', headers: {}, processedAt: () => 'COALESCE(processed_at, now())', error: () => "COALESCE(error, 'ERASED')" })
      .where('connection = :connection', { connection })
      .andWhere(
        "(EXISTS (SELECT 1 FROM unnest(CAST(:texts AS text[])) t WHERE position(t in lower(body)) > 0) OR body ~ ANY(CAST(:patterns AS text[])))",
        { texts, patterns },
      )
      .execute();
    return result.affected ?? 0;
  }

  async get(id: string): Promise<WebhookEventRow | null> {
    const row = await this.ctx.dataSource.manager.findOne(WebhookEventEntity, { where: { id } });
    return row ? { ...row } : null;
  }
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
