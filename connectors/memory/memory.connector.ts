/**
 * The Connector contract over a MemoryApp, written the way a connector for a real search-paged API must
 * be: incremental reads by an (updatedAt, id) cursor that survive ties, re-anchoring when a search window
 * runs out (never truncating), delete signals or complete reads, batch writes with per-record results.
 */
import {
  checkBatchSize,
  type AppRecord,
  type Capabilities,
  type Connector,
  type Cursor,
  type DeleteMode,
  type FieldInfo,
  type ReadPage,
  type WebhookHandler,
  type WriteOp,
  type WriteResult,
} from '@tandem/connector-sdk';
import type { MemoryApp } from './memory.app.js';
import { compareRecords } from './memory.store.js';
import type { MemoryRecord, MemoryWriteResult, SearchAnchor } from './memory.types.js';
import { decodeCursor, ReadProgress } from './memory.cursor.js';
import { MemoryConnectorError } from './memory.errors.js';
import { MemoryWebhooks } from './memory.webhooks.js';

export interface MemoryConnectorOptions {
  /** Connector type name. Default `memory`. */
  type?: string;
  /** Default `signal`: deleted records come back from reads as `deleted: true`. */
  deletes?: DeleteMode;
  /** Default 100. A larger `write` batch throws. */
  maxBatch?: number;
  /** Records carry `fieldUpdatedAt`. Default false. */
  fieldTimestamps?: boolean;
  /** The read lag the connector declares and allows for. Default: the app's `readLagMs`. */
  readLagMs?: number;
  /** Verify and parse the app's signed webhooks with this secret. */
  webhookSecret?: string;
  /** Webhook timestamp tolerance, ms. Default 5 minutes. */
  webhookToleranceMs?: number;
}

export class MemoryConnector implements Connector {
  readonly type: string;
  readonly webhooks?: WebhookHandler;
  private readonly deletes: DeleteMode;
  private readonly maxBatch: number;
  private readonly fieldTimestamps: boolean;
  private readonly readLagMs: number;

  constructor(
    readonly app: MemoryApp,
    options: MemoryConnectorOptions = {},
  ) {
    this.type = options.type ?? 'memory';
    this.deletes = options.deletes ?? 'signal';
    this.maxBatch = options.maxBatch ?? 100;
    this.fieldTimestamps = options.fieldTimestamps ?? false;
    this.readLagMs = options.readLagMs ?? app.readLagMs;
    if (options.webhookSecret !== undefined) {
      this.webhooks = new MemoryWebhooks({ secret: options.webhookSecret, toleranceMs: options.webhookToleranceMs });
    }
  }

  capabilities(): Capabilities {
    return {
      objects: [this.app.object],
      incremental: true,
      webhooks: this.webhooks !== undefined,
      deletes: this.deletes,
      maxBatch: this.maxBatch,
      fieldTimestamps: this.fieldTimestamps,
      readLagMs: this.readLagMs,
    };
  }

  async check(): Promise<void> {
    this.app.faults.assertOnline();
  }

  async describe(object: string): Promise<FieldInfo[]> {
    this.assertObject(object);
    return this.app.catalogue.fields.map((info) => ({ ...info, options: info.options && [...info.options] }));
  }

  /**
   * Changes since `cursor`, page by page; from null, every record, the last page marked `complete`.
   *
   * A search window can end early (a result cap), and neither the missing next token nor a `total` that
   * edits keep changing says whether it did; so a window's end is never taken as the end of the read. The
   * read searches again from the last record served and ends only when a fresh search finds nothing.
   * Each page is held until the next search answers, so the last page carries `complete` itself.
   */
  async *read(object: string, cursor: Cursor | null): AsyncIterable<ReadPage> {
    this.assertObject(object);
    const full = cursor === null;
    const progress = new ReadProgress(decodeCursor(cursor), this.app.now() - (full ? 0 : this.readLagMs));
    let anchor = progress.anchor();
    let pageToken: string | null = null;
    let lastServed: SearchAnchor | null = null;
    let held: ReadPage | null = null;
    for (;;) {
      const page = this.app.search({ anchor, pageToken, lagged: !full });
      const records = this.deliverable(page.records, progress);
      const last = page.records[page.records.length - 1];
      if (last === undefined && pageToken === null) {
        progress.reachHorizon();
        const final = [...(held?.records ?? []), ...records];
        yield { records: final, cursor: progress.cursor(), ...(full ? { complete: true } : {}) };
        return;
      }
      if (last !== undefined) lastServed = { updatedAt: last.updatedAt, id: last.id };
      pageToken = page.nextPageToken;
      if (pageToken === null) anchor = this.reanchor(anchor, lastServed);
      if (records.length === 0) continue;
      if (held) yield held;
      held = { records, cursor: progress.cursor() };
    }
  }

  /** The next window starts after the last record served; it must be past the previous anchor. */
  private reanchor(previous: SearchAnchor | null, lastServed: SearchAnchor | null): SearchAnchor {
    if (lastServed === null || (previous !== null && compareRecords(lastServed, previous) <= 0)) {
      throw new MemoryConnectorError('CONNECTOR_PAGINATION_STUCK', 'memory search did not move past its anchor');
    }
    return lastServed;
  }

  async fetch(object: string, ids: string[]): Promise<AppRecord[]> {
    this.assertObject(object);
    return this.app
      .getMany(ids)
      .filter((r) => !r.deleted || this.deletes === 'signal')
      .map((r) => this.toAppRecord(r));
  }

  async findByKey(object: string, key: string, values: string[]): Promise<AppRecord[]> {
    this.assertObject(object);
    return this.app.findBy(key, values).map((r) => this.toAppRecord(r));
  }

  async write(object: string, ops: WriteOp[]): Promise<WriteResult[]> {
    this.assertObject(object);
    checkBatchSize(this.type, ops.length, this.maxBatch);
    return this.app.writeBatch(ops).map((result) => this.toWriteResult(result));
  }

  async erase(object: string, id: string): Promise<void> {
    this.assertObject(object);
    this.app.erase(id);
  }

  /** Records of one page not delivered before, with the read progress moved past each. */
  private deliverable(page: MemoryRecord[], progress: ReadProgress): AppRecord[] {
    const out: AppRecord[] = [];
    for (const record of page) {
      if (progress.delivered(record)) continue;
      progress.deliver(record);
      if (!record.deleted || this.deletes === 'signal') out.push(this.toAppRecord(record));
    }
    return out;
  }

  private toAppRecord(record: MemoryRecord): AppRecord {
    return {
      id: record.id,
      version: String(record.seq),
      fields: record.fields,
      updatedAt: record.updatedAt,
      ...(this.fieldTimestamps ? { fieldUpdatedAt: record.fieldUpdatedAt } : {}),
      ...(record.deleted ? { deleted: true } : {}),
    };
  }

  private toWriteResult(result: MemoryWriteResult): WriteResult {
    if (result.status !== 'ok') return result;
    const { ref, id, record } = result;
    return record ? { ref, status: 'ok', id, record: this.toAppRecord(record) } : { ref, status: 'ok', id };
  }

  private assertObject(object: string): void {
    if (object !== this.app.object) {
      throw new MemoryConnectorError(
        'CONNECTOR_UNKNOWN_OBJECT',
        `memory app serves ${this.app.object}, not ${object}`,
        { object },
      );
    }
  }
}
