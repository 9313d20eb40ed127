/**
 * The HubSpot CRM v3 connector: contacts and companies. Reads list then search (hubspot.read.ts), writes in batches
 * (hubspot.writes.ts), re-reads by id and by unique key through batch/read (never search, whose index lags), and
 * erases contacts through gdpr-delete. All HTTP goes through the SDK's HttpClient (hubspot.client.ts).
 */
import {
  ConnectorError,
  NotFoundError,
  chunks,
  type AppRecord,
  type Capabilities,
  type Connector,
  type Cursor,
  type FieldInfo,
  type HttpConnectorOptions,
  type ReadPage,
  type WebhookHandler,
  type WriteOp,
  type WriteResult,
} from '@tandem/connector-sdk';
import { HUBSPOT_BASE_URL, HubspotClient } from './hubspot.client.js';
import {
  HUBSPOT_OBJECTS,
  fieldTimes,
  isHubspotObject,
  toAppRecord,
  toFieldInfo,
  type HubspotObject,
  type HubspotProperty,
} from './hubspot.fields.js';
import { readObject, type ReadContext } from './hubspot.read.js';
import { HubspotWebhooks } from './hubspot.webhooks.js';
import { writeOps, type WriteContext } from './hubspot.writes.js';

/** HubSpot's batch limits: 100 inputs, 50 when property history is asked for. */
export const BATCH_LIMIT = 100;
export const HISTORY_BATCH_LIMIT = 50;

export interface HubspotConnectorOptions extends HttpConnectorOptions {
  /** Private-app or OAuth access token. */
  token: string;
  /** Default https://api.hubapi.com (tests point it at the sandbox). */
  baseUrl?: string;
  /** Client secrets that sign webhooks; two during a rotation. No secret: no webhook handler. */
  webhookSecrets?: string[];
  webhookToleranceMs?: number;
  /** The webhook target URL configured in HubSpot, when the engine sees requests under another URL. */
  webhookUrl?: string;
  /** Burst quota per window (default 100 per 10 s, HubSpot's smallest private-app quota). */
  requestsPerWindow?: number;
  windowMs?: number;
  /** Part of the quotas this connection may use (several connections on one token). Default 1. */
  share?: number;
  /** Search requests per second (default 4). */
  searchPerSecond?: number;
  /** Search index lag to re-read on each incremental read (default 30 s). */
  searchLagMs?: number;
  /** Records per list or search page (default 100). */
  pageSize?: number;
  /** Search results one query may page through with `after` (default: one page, i.e. keyset paging; ≤ 10,000). */
  searchWindowCap?: number;
  /** Poll `archived=true` on incremental reads for delete signals (default true). */
  pollArchived?: boolean;
  /** Ask for property history and report `fieldUpdatedAt` (default false: it costs batch reads of 50). */
  fieldTimestamps?: boolean;
  /** Properties to read per object (default: every property in the portal's catalogue). */
  properties?: Partial<Record<HubspotObject, string[]>>;
  timeoutMs?: number;
}

export class HubspotConnector implements Connector {
  readonly type = 'hubspot';
  readonly webhooks?: WebhookHandler;
  readonly client: HubspotClient;
  private readonly readLagMs: number;
  private readonly fieldTimestamps: boolean;
  private readonly catalogues = new Map<HubspotObject, Promise<HubspotProperty[]>>();
  private readonly readContext: ReadContext;
  private readonly writeContext: WriteContext;

  constructor(private readonly options: HubspotConnectorOptions) {
    this.client = new HubspotClient({
      baseUrl: options.baseUrl ?? HUBSPOT_BASE_URL,
      token: options.token,
      requestsPerWindow: options.requestsPerWindow ?? 100,
      windowMs: options.windowMs ?? 10_000,
      share: options.share ?? 1,
      searchPerSecond: options.searchPerSecond ?? 4,
      timeoutMs: options.timeoutMs,
      retries: options.retries,
      clock: options.clock,
      hooks: options.hooks,
    });
    this.readLagMs = options.searchLagMs ?? 30_000;
    this.fieldTimestamps = options.fieldTimestamps ?? false;
    const pageSize = options.pageSize ?? 100;
    this.readContext = {
      client: this.client,
      pageSize,
      windowCap: options.searchWindowCap ?? pageSize,
      lagMs: this.readLagMs,
      pollArchived: options.pollArchived ?? true,
      properties: (object) => this.propertyNames(object),
      enrich: (object, records) => this.withFieldTimes(object, records),
    };
    this.writeContext = { client: this.client, batchSize: BATCH_LIMIT, types: (object) => this.fieldTypes(object) };
    const secrets = (options.webhookSecrets ?? []).filter((s) => s !== '');
    if (secrets.length > 0) {
      this.webhooks = new HubspotWebhooks({
        secrets,
        toleranceMs: options.webhookToleranceMs,
        publicUrl: options.webhookUrl,
      });
    }
  }

  capabilities(): Capabilities {
    return {
      objects: [...HUBSPOT_OBJECTS],
      incremental: true,
      webhooks: this.webhooks !== undefined,
      deletes: 'signal',
      maxBatch: BATCH_LIMIT,
      fieldTimestamps: this.fieldTimestamps,
      readLagMs: this.readLagMs,
    };
  }

  /** One cheap list call: a wrong or expired token surfaces as AuthError. */
  async check(): Promise<void> {
    await this.client.list('contacts', { limit: 1 });
  }

  async describe(object: string): Promise<FieldInfo[]> {
    return (await this.catalogue(this.objectOf(object))).map(toFieldInfo);
  }

  read(object: string, cursor: Cursor | null): AsyncIterable<ReadPage> {
    return readObject(this.readContext, this.objectOf(object), cursor);
  }

  /** Live records by id through batch/read; ids HubSpot cannot find (archived, erased) are left out. */
  async fetch(object: string, ids: string[]): Promise<AppRecord[]> {
    const type = this.objectOf(object);
    const properties = await this.propertyNames(type);
    const history = this.fieldTimestamps ? properties : undefined;
    const out: AppRecord[] = [];
    for (const chunk of chunks([...new Set(ids)], history ? HISTORY_BATCH_LIMIT : BATCH_LIMIT)) {
      const found = await this.client.batchRead(type, chunk, { properties, propertiesWithHistory: history });
      out.push(...found.map((r) => toAppRecord(type, r)));
    }
    return out;
  }

  /**
   * Records whose unique property `key` (e.g. `email`) has one of `values`, through batch/read with `idProperty`:
   * unlike search it sees a record the moment it is created, which is what an idempotent create needs.
   */
  async findByKey(object: string, key: string, values: string[]): Promise<AppRecord[]> {
    const type = this.objectOf(object);
    const properties = await this.propertyNames(type);
    const idProperty = key === 'id' || key === 'hs_object_id' ? undefined : key;
    const byId = new Map<string, AppRecord>();
    for (const chunk of chunks([...new Set(values)], BATCH_LIMIT)) {
      for (const record of await this.client.batchRead(type, chunk, { properties, idProperty })) {
        byId.set(String(record.id), toAppRecord(type, record));
      }
    }
    return [...byId.values()];
  }

  write(object: string, ops: WriteOp[]): Promise<WriteResult[]> {
    return writeOps(this.writeContext, this.objectOf(object), ops);
  }

  /** GDPR deletion of a contact; an id HubSpot no longer knows is already erased. */
  async erase(object: string, id: string): Promise<void> {
    if (this.objectOf(object) !== 'contacts') {
      throw new ConnectorError('CONNECTOR_UNSUPPORTED', `hubspot has no permanent deletion for ${object}`, {
        details: { object },
      });
    }
    try {
      await this.client.gdprDelete(id);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
  }

  private objectOf(object: string): HubspotObject {
    if (isHubspotObject(object)) return object;
    throw new ConnectorError('CONNECTOR_UNKNOWN_OBJECT', `hubspot connector serves contacts and companies, not ${object}`, {
      details: { object },
    });
  }

  /** The portal's property definitions, fetched once per object (a failed fetch is retried next time). */
  private catalogue(object: HubspotObject): Promise<HubspotProperty[]> {
    let cached = this.catalogues.get(object);
    if (!cached) {
      cached = this.client.properties(object);
      void cached.catch(() => this.catalogues.delete(object));
      this.catalogues.set(object, cached);
    }
    return cached;
  }

  private async propertyNames(object: HubspotObject): Promise<string[]> {
    const configured = this.options.properties?.[object];
    if (configured && configured.length > 0) return configured;
    return (await this.catalogue(object)).map((p) => p.name);
  }

  private async fieldTypes(object: HubspotObject): Promise<ReadonlyMap<string, FieldInfo['type']>> {
    return new Map((await this.catalogue(object)).map((p) => [p.name, toFieldInfo(p).type]));
  }

  /** Adds `fieldUpdatedAt` from property history (batch reads of 50) when the connection asks for it. */
  private async withFieldTimes(object: HubspotObject, records: AppRecord[]): Promise<AppRecord[]> {
    if (!this.fieldTimestamps || records.length === 0) return records;
    const live = records.filter((r) => !r.deleted).map((r) => r.id);
    const history = await this.propertyNames(object);
    const times = new Map<string, Record<string, number>>();
    for (const chunk of chunks(live, HISTORY_BATCH_LIMIT)) {
      const found = await this.client.batchRead(object, chunk, { properties: [], propertiesWithHistory: history });
      for (const r of found) times.set(String(r.id), fieldTimes(r.propertiesWithHistory));
    }
    return records.map((r) => (times.has(r.id) ? { ...r, fieldUpdatedAt: times.get(r.id) } : r));
  }
}
