/**
 * The Connector contract over Zendesk Support users: full list then incremental cursor export (zendesk.read.ts),
 * bulk upserts through polled jobs (zendesk.writes.ts), signed webhooks (zendesk.webhooks.ts).
 */
import {
  ConnectorError,
  checkBatchSize,
  chunks,
  systemClock,
  type AppRecord,
  type Capabilities,
  type Connector,
  type Cursor,
  type FieldInfo,
  type HttpConnectorOptions,
  type ReadPage,
  type WriteOp,
  type WriteResult,
} from '@tandem/connector-sdk';
import { ZendeskClient, type ZdUser } from './zendesk.client.js';
import { toAppRecord, USER_FIELDS, userFieldInfo } from './zendesk.fields.js';
import { readUsers } from './zendesk.read.js';
import { ZendeskWebhooks } from './zendesk.webhooks.js';
import { ZendeskWriter } from './zendesk.writes.js';

export const ZENDESK_OBJECT = 'users';
export const ZENDESK_MAX_BATCH = 100;
/** Ids one show_many call takes. */
const SHOW_MANY_LIMIT = 100;

export interface ZendeskConnectorOptions extends HttpConnectorOptions {
  baseUrl: string;
  auth: { email: string; token: string } | { oauthToken: string };
  /** Signing secrets accepted (two during a rotation); webhooks are off without one. */
  webhookSecrets?: string[];
  webhookToleranceMs?: number;
  /** Account limit. Default 200 (Suite Team, the smallest current plan). */
  requestsPerMinute?: number;
  /** Incremental export limit. Default 10. */
  incrementalPerMinute?: number;
  /** Wait before the first job status poll; later waits double up to `jobPollMs`. Default 100. */
  jobPollFirstMs?: number;
  /** Longest wait between job status polls. Default 1000. */
  jobPollMs?: number;
  /** A job running longer leaves its ops unknown. Default 5 minutes. */
  jobTimeoutMs?: number;
  /** Users per list page (≤ 100). Default 100. */
  pageSize?: number;
  /** How old the export's start_time must be. Default 61 000 (Zendesk: one minute, plus skew). */
  exportMinAgeMs?: number;
  /** The app's clock for export start times (tests pass the simulator's). Default: `clock`. */
  now?: () => number;
}

export class ZendeskConnector implements Connector {
  readonly type = 'zendesk';
  readonly client: ZendeskClient;
  readonly webhooks?: ZendeskWebhooks;
  private readonly writer: ZendeskWriter;
  private readonly now: () => number;

  constructor(private readonly options: ZendeskConnectorOptions) {
    const clock = options.clock ?? systemClock;
    this.now = options.now ?? (() => clock.now());
    this.client = new ZendeskClient({
      baseUrl: options.baseUrl,
      auth: options.auth,
      requestsPerMinute: options.requestsPerMinute ?? 200,
      exportRequestsPerMinute: options.incrementalPerMinute ?? 10,
      clock: options.clock,
      retries: options.retries,
      hooks: options.hooks,
    });
    const secrets = options.webhookSecrets ?? [];
    if (secrets.length > 0) {
      this.webhooks = new ZendeskWebhooks(secrets, { toleranceMs: options.webhookToleranceMs, object: ZENDESK_OBJECT });
    }
    this.writer = new ZendeskWriter({
      client: this.client,
      clock,
      jobPollFirstMs: options.jobPollFirstMs ?? 100,
      jobPollMs: options.jobPollMs ?? 1000,
      jobTimeoutMs: options.jobTimeoutMs ?? 5 * 60_000,
    });
  }

  capabilities(): Capabilities {
    return {
      objects: [ZENDESK_OBJECT],
      incremental: true,
      webhooks: this.webhooks !== undefined,
      deletes: 'signal',
      maxBatch: ZENDESK_MAX_BATCH,
      fieldTimestamps: false,
      // The export withholds the last minute; the read keeps its cursor so nothing is skipped, only delayed.
      readLagMs: this.options.exportMinAgeMs ?? 61_000,
    };
  }

  async check(): Promise<void> {
    await this.client.me();
  }

  async describe(object: string): Promise<FieldInfo[]> {
    this.assertObject(object);
    const custom = await this.client.userFields();
    return [...USER_FIELDS.map((f) => ({ ...f })), ...custom.filter((f) => f.active !== false).map(userFieldInfo)];
  }

  read(object: string, cursor: Cursor | null): AsyncIterable<ReadPage> {
    this.assertObject(object);
    return readUsers(cursor, {
      client: this.client,
      pageSize: Math.min(this.options.pageSize ?? 100, 100),
      now: this.now,
      exportMinAgeMs: this.options.exportMinAgeMs ?? 61_000,
      toPage: (users, next, complete) => ({
        records: users.map(toAppRecord),
        cursor: next,
        ...(complete ? { complete } : {}),
      }),
    });
  }

  /** Users by id; soft-deleted ones come back as deleted, permanently deleted ones not at all. */
  async fetch(object: string, ids: string[]): Promise<AppRecord[]> {
    this.assertObject(object);
    const unique = [...new Set(ids)].filter((id) => /^\d+$/.test(id));
    const users: ZdUser[] = [];
    for (const chunk of chunks(unique, SHOW_MANY_LIMIT)) users.push(...(await this.client.showMany(chunk)));
    return users.map(toAppRecord);
  }

  /** `email` (Zendesk lowercases emails), `external_id` or `id`. */
  async findByKey(object: string, key: string, values: string[]): Promise<AppRecord[]> {
    this.assertObject(object);
    const wanted = [...new Set(values.map((v) => v.trim()).filter((v) => v !== ''))];
    if (key === 'id') return this.fetch(object, wanted);
    if (key === 'external_id') {
      const users: ZdUser[] = [];
      for (const chunk of chunks(wanted, SHOW_MANY_LIMIT)) users.push(...(await this.client.showManyByExternalIds(chunk)));
      return users.map(toAppRecord);
    }
    if (key !== 'email') {
      throw new ConnectorError('CONNECTOR_KEY_UNSUPPORTED', `zendesk users cannot be looked up by ${key}`, {
        details: { key },
      });
    }
    const emails = [...new Set(wanted.map((v) => v.toLowerCase()))];
    const found = await Promise.all(emails.map((email) => this.client.searchByEmail(email)));
    // Search is fuzzy; keep exact matches only.
    return found
      .flat()
      .filter((u) => u.email !== null && emails.includes(u.email.toLowerCase()))
      .map(toAppRecord);
  }

  async write(object: string, ops: WriteOp[]): Promise<WriteResult[]> {
    this.assertObject(object);
    checkBatchSize(this.type, ops.length, ZENDESK_MAX_BATCH);
    return this.writer.write(ops);
  }

  /** Soft delete, then permanent deletion of the soft-deleted user. Gone already is fine. */
  async erase(object: string, id: string): Promise<void> {
    this.assertObject(object);
    await this.client.deleteUser(id);
    await this.client.deleteDeletedUser(id);
  }

  private assertObject(object: string): void {
    if (object !== ZENDESK_OBJECT) {
      throw new ConnectorError('CONNECTOR_UNKNOWN_OBJECT', `zendesk serves ${ZENDESK_OBJECT}, not ${object}`, {
        details: { object },
      });
    }
  }
}
