/**
 * The connector contract (DESIGN §3). A connector speaks one app's wire protocol and nothing else:
 * no ledger, no reconciliation, no retries of its own (the shared HTTP client retries).
 * It must fit a SaaS API, a database table and a YAML-described REST API alike.
 */

/** How the app signals deletes: explicit signals, ids missing from a complete read, or not at all. */
export type DeleteMode = 'signal' | 'complete-read' | 'none';

export interface Capabilities {
  objects: string[];
  incremental: boolean;
  webhooks: boolean;
  deletes: DeleteMode;
  /** Largest batch `write` accepts. */
  maxBatch: number;
  /** The app reports per-field modification times. */
  fieldTimestamps: boolean;
  /** How far the incremental read trails writes (search index lag); the runtime re-reads this window. */
  readLagMs: number;
}

export interface FieldInfo {
  path: string;
  type: 'string' | 'number' | 'boolean' | 'date' | 'datetime' | 'enum' | 'set';
  requiredOnCreate: boolean;
  setValued: boolean;
  readOnly: boolean;
  options?: string[];
}

/** One app record, raw, as the app stores it. */
export interface AppRecord {
  /** The app's stable id. */
  id: string;
  /** updatedAt (epoch ms as a decimal string) or an etag. */
  version: string | null;
  /** Raw fields as the app stores them (nested objects allowed). */
  fields: Record<string, unknown>;
  /** Record modification time, epoch ms. */
  updatedAt?: number;
  /** Per-field modification times by dotted path, epoch ms. */
  fieldUpdatedAt?: Record<string, number>;
  deleted?: boolean;
}

/** An opaque cursor; the engine stores and returns it unchanged. */
export type Cursor = string;

export interface ReadPage {
  records: AppRecord[];
  /** Cursor to resume after this page. */
  cursor: Cursor | null;
  /**
   * Set on the last page of a read that started from scratch and saw every record: only then may a
   * `complete-read` connector's missing ids become deletes.
   */
  complete?: boolean;
  /** Changes the page's records alone cannot say (a Mailchimp email change detected on read is a rekey). */
  hints?: ChangeHint[];
}

/**
 * One write. `fields` is keyed by dotted raw path (`merge_fields.FNAME`, `user_fields.plan`, `tags`), exactly the paths
 * the sync maps; a connector must accept dotted keys and must not clear sibling fields of a nested object.
 */
export type WriteOp =
  | { op: 'create'; ref: string; fields: Record<string, unknown> }
  | { op: 'update'; ref: string; id: string; fields: Record<string, unknown> }
  | { op: 'delete'; ref: string; id: string }
  | { op: 'archive'; ref: string; id: string };

export type WriteResult =
  /**
   * `record` is what the app stored. With `partial: true` its fields hold only what the app echoed back (HubSpot's batch
   * responses): the engine takes unechoed mapped fields as unchanged, and fields it wrote but that were not echoed as
   * stored as sent — so a connector must only mark a result partial when the app echoes at least the fields written.
   */
  | { ref: string; status: 'ok'; id: string; record?: AppRecord; partial?: boolean }
  | { ref: string; status: 'failed'; error: { code: string; message: string; retryable: boolean; field?: string } }
  | { ref: string; status: 'unknown'; id?: string };

export type ChangeHint =
  | { kind: 'changed'; object: string; id: string; eventId?: string; occurredAt?: number }
  | { kind: 'deleted'; object: string; id: string; eventId?: string; occurredAt?: number }
  | { kind: 'rekeyed'; object: string; id: string; newId: string; eventId?: string; occurredAt?: number }
  | { kind: 'merged'; object: string; id: string; intoId: string; eventId?: string; occurredAt?: number };

/** A received webhook request, as the engine hands it to a verifier (raw body kept for signatures). */
export interface WebhookRequest {
  method: string;
  /** Full URL as received, including the query string. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  rawBody: Buffer;
  /** Receive time, epoch ms (passed in so verification is testable). */
  receivedAt: number;
}

export interface WebhookHandler {
  /** Throws a WebhookSignatureError (401) or WebhookPayloadError (400). */
  verify(req: WebhookRequest): void;
  /** Provider event ids and the hints they carry. */
  parse(req: WebhookRequest): ChangeHint[];
}

export interface Connector {
  readonly type: string;
  capabilities(): Capabilities;
  check(): Promise<void>;
  describe(object: string): Promise<FieldInfo[]>;
  read(object: string, cursor: Cursor | null): AsyncIterable<ReadPage>;
  fetch(object: string, ids: string[]): Promise<AppRecord[]>;
  findByKey(object: string, key: string, values: string[]): Promise<AppRecord[]>;
  write(object: string, ops: WriteOp[]): Promise<WriteResult[]>;
  /** Permanent deletion for the right to be forgotten (not an archive). */
  erase?(object: string, id: string): Promise<void>;
  webhooks?: WebhookHandler;
  close?(): Promise<void>;
}

/** Callbacks a connector makes to whoever runs it (the engine's metrics); each is optional and must not throw. */
export interface ConnectorHooks {
  /** A request was held back `ms` by the connection's rate limit (its quota, or a pause the app asked for). */
  onRateLimitWait?(ms: number): void;
}

/** What a factory is told besides the settings: the connection's name and the runner's hooks. */
export interface ConnectorContext {
  name: string;
  hooks?: ConnectorHooks;
}

/** Builds a connector from its connection settings in tandem.yaml (secrets already interpolated). */
export type ConnectorFactory = (settings: Record<string, unknown>, context: ConnectorContext) => Connector;
