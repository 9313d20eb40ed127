/**
 * The Connector contract over one Mailchimp audience's members. Ids are `contact_id` (the MD5 `id` changes with the
 * email); reads go by `last_changed` (mailchimp.read.ts), writes by batch upsert (mailchimp.writes.ts).
 */
import {
  ConnectorError,
  checkBatchSize,
  systemClock,
  type AppRecord,
  type Capabilities,
  type ChangeHint,
  type Connector,
  type Cursor,
  type FieldInfo,
  type HttpConnectorOptions,
  type ReadPage,
  type WriteOp,
  type WriteResult,
} from '@tandem/connector-sdk';
import { MailchimpClient, subscriberHash, type McMember } from './mailchimp.client.js';
import { MEMBER_FIELDS, mergeFieldInfo, toAppRecord } from './mailchimp.fields.js';
import { MemberDirectory } from './mailchimp.members.js';
import { decodeCursor, encodeCursor, StreamReader, type McCursorState } from './mailchimp.read.js';
import { MailchimpWebhooks } from './mailchimp.webhooks.js';
import { MailchimpWriter } from './mailchimp.writes.js';

export const MAILCHIMP_OBJECT = 'members';
export const MAILCHIMP_MAX_BATCH = 500;

export interface MailchimpConnectorOptions extends HttpConnectorOptions {
  baseUrl: string;
  apiKey: string;
  listId: string;
  /** Secrets accepted in the webhook URL's `?secret=`; webhooks are off without one. */
  webhookSecrets?: string[];
  /** status_if_new for creates that name no status (e.g. from the sync's onCreate). */
  statusIfNew?: string;
  /** Requests in flight at once. Default 8: Mailchimp allows 10 per key, leaving room for other tools. */
  concurrency?: number;
  /** Members per list page (≤ 1000). Default 500. */
  pageSize?: number;
  /** The account's since_last_changed includes the given second. Default false (Mailchimp documents "after"). */
  sinceLastChangedInclusive?: boolean;
  /** Changes this recent are re-read by the next read (second-precision times, clock skew). Default 2000. */
  horizonLagMs?: number;
  maxBatch?: number;
  /** The app's clock as the read horizon sees it (tests pass the simulator's). Default: `clock`. */
  now?: () => number;
}

/** A read page; `hints` carries re-keys the read detected (a member back under a new contact_id). */
export interface MailchimpReadPage extends ReadPage {
  hints?: ChangeHint[];
}

export class MailchimpConnector implements Connector {
  readonly type = 'mailchimp';
  readonly client: MailchimpClient;
  readonly directory = new MemberDirectory();
  readonly webhooks?: MailchimpWebhooks;
  private readonly writer: MailchimpWriter;
  private readonly now: () => number;

  constructor(private readonly options: MailchimpConnectorOptions) {
    const clock = options.clock ?? systemClock;
    this.now = options.now ?? (() => clock.now());
    this.client = new MailchimpClient({
      baseUrl: options.baseUrl,
      apiKey: options.apiKey,
      listId: options.listId,
      concurrency: options.concurrency ?? 8,
      clock: options.clock,
      retries: options.retries,
      hooks: options.hooks,
    });
    const secrets = options.webhookSecrets ?? [];
    if (secrets.length > 0) this.webhooks = new MailchimpWebhooks(secrets, this.directory, MAILCHIMP_OBJECT);
    this.writer = new MailchimpWriter({
      client: this.client,
      directory: this.directory,
      object: MAILCHIMP_OBJECT,
      statusIfNew: options.statusIfNew,
    });
  }

  capabilities(): Capabilities {
    return {
      objects: [MAILCHIMP_OBJECT],
      incremental: true,
      webhooks: this.webhooks !== undefined,
      deletes: 'signal',
      maxBatch: this.maxBatch(),
      fieldTimestamps: false,
      // The read re-reads its own recent window (see mailchimp.read.ts); there is no index lag to declare.
      readLagMs: 0,
    };
  }

  async check(): Promise<void> {
    await this.client.ping();
    await this.client.getList();
  }

  async describe(object: string): Promise<FieldInfo[]> {
    this.assertObject(object);
    const merges = await this.client.mergeFields();
    return [...MEMBER_FIELDS.map((f) => ({ ...f })), ...merges.map(mergeFieldInfo)];
  }

  /** Changes since the cursor (from null: every member, archived ones as deleted), the last page of a full read complete. */
  async *read(object: string, cursor: Cursor | null): AsyncIterable<MailchimpReadPage> {
    this.assertObject(object);
    const state = decodeCursor(cursor);
    const horizonTs = Math.floor((this.now() - (this.options.horizonLagMs ?? 2000)) / 1000) * 1000;
    const common = {
      client: this.client,
      pageSize: this.options.pageSize ?? 500,
      sinceInclusive: this.options.sinceLastChangedInclusive ?? false,
      horizonTs,
    };
    const live = new StreamReader(state.live, common);
    const archived = new StreamReader(state.archived, { ...common, status: 'archived' });
    const position = (): Cursor => {
      const next: McCursorState = { v: 1, live: live.cursorPosition(), archived: archived.cursorPosition() };
      return encodeCursor(next);
    };
    // Each page is held until the next one exists, so the last page itself can say `complete`.
    let held: MailchimpReadPage | null = null;
    for (const reader of [live, archived]) {
      for await (const members of reader.pages()) {
        if (held) yield held;
        held = this.page(members, position());
      }
    }
    const last = held ?? { records: [], cursor: position() };
    yield cursor === null ? { ...last, complete: true } : last;
  }

  private page(members: McMember[], cursor: Cursor): MailchimpReadPage {
    const hints: ChangeHint[] = [];
    for (const member of members) {
      const hint = this.directory.learn(member, MAILCHIMP_OBJECT);
      if (hint) hints.push(hint);
    }
    const records = members.map(toAppRecord);
    return hints.length > 0 ? { records, cursor, hints } : { records, cursor };
  }

  async fetch(object: string, ids: string[]): Promise<AppRecord[]> {
    this.assertObject(object);
    const found = await Promise.all([...new Set(ids)].map((id) => this.fetchOne(id)));
    return found.filter((m): m is McMember => m !== null).map(toAppRecord);
  }

  /** By the last known hash, then by contact_id; only a member that still has this contact_id counts. */
  private async fetchOne(contactId: string): Promise<McMember | null> {
    const keys = [...new Set([this.directory.pathKey(contactId), contactId])];
    for (const key of keys) {
      const member = await this.client.getMember(key);
      if (member === null) continue;
      this.directory.learn(member, MAILCHIMP_OBJECT);
      if (member.contact_id === contactId) return member;
    }
    return null;
  }

  /** `email` / `email_address` by subscriber hash; `contact_id` as fetch. */
  async findByKey(object: string, key: string, values: string[]): Promise<AppRecord[]> {
    this.assertObject(object);
    if (key === 'contact_id') return this.fetch(object, values);
    if (key !== 'email' && key !== 'email_address') {
      throw new ConnectorError('CONNECTOR_KEY_UNSUPPORTED', `mailchimp members cannot be looked up by ${key}`, {
        details: { key },
      });
    }
    const hashes = [...new Set(values.filter((v) => v.trim() !== '').map(subscriberHash))];
    const members = await Promise.all(hashes.map((hash) => this.client.getMember(hash)));
    return members
      .filter((m): m is McMember => m !== null)
      .map((m) => (this.directory.learn(m, MAILCHIMP_OBJECT), toAppRecord(m)));
  }

  async write(object: string, ops: WriteOp[]): Promise<WriteResult[]> {
    this.assertObject(object);
    checkBatchSize(this.type, ops.length, this.maxBatch());
    return this.writer.write(ops);
  }

  /** Permanent deletion (`delete-permanent`); Mailchimp then refuses the address for good. Gone already is fine. */
  async erase(object: string, id: string): Promise<void> {
    this.assertObject(object);
    const key = this.directory.pathKey(id);
    if (!(await this.client.deletePermanent(key)) && key !== id) await this.client.deletePermanent(id);
    this.directory.forget(id);
  }

  private maxBatch(): number {
    return Math.min(this.options.maxBatch ?? MAILCHIMP_MAX_BATCH, MAILCHIMP_MAX_BATCH);
  }

  private assertObject(object: string): void {
    if (object !== MAILCHIMP_OBJECT) {
      throw new ConnectorError('CONNECTOR_UNKNOWN_OBJECT', `mailchimp serves ${MAILCHIMP_OBJECT}, not ${object}`, {
        details: { object },
      });
    }
  }
}
