/**
 * Mailchimp Marketing API v3 endpoints for one audience's members, on the SDK's HttpClient (which owns retries,
 * the concurrency cap and typed errors). Everything here is one HTTP call; decisions live in the connector.
 */
import { createHash } from 'node:crypto';
import {
  HttpClient,
  type Classification,
  type HttpConnectorOptions,
  type HttpResponseInfo,
} from '@tandem/connector-sdk';
import { batchShape, memberPageShape, memberShape, mergeFieldsShape } from './mailchimp.shapes.js';

/** A member as Mailchimp returns it (only the parts the connector reads are typed). */
export interface McMember {
  id: string;
  email_address: string;
  contact_id: string;
  web_id?: number;
  status: string;
  last_changed: string;
  merge_fields?: Record<string, unknown>;
  tags?: { id?: number; name: string }[];
  [key: string]: unknown;
}

export interface McMemberPage {
  members: McMember[];
  total_items: number;
}

export interface McBatchError {
  email_address: string;
  error: string;
  error_code?: string;
  field?: string;
  field_message?: string;
}

export interface McBatchResponse {
  new_members: McMember[];
  updated_members: McMember[];
  errors: McBatchError[];
}

export interface McMergeField {
  tag: string;
  name?: string;
  type: string;
  required?: boolean;
  options?: { choices?: string[] };
}

export interface MailchimpClientOptions extends HttpConnectorOptions {
  baseUrl: string;
  apiKey: string;
  listId: string;
  /** Requests in flight at once; Mailchimp refuses more than 10 simultaneous connections per key. */
  concurrency: number;
}

export interface ListQuery {
  count: number;
  offset?: number;
  sinceLastChanged?: string;
  beforeLastChanged?: string;
  status?: string;
}

/** Mailchimp's subscriber hash: MD5 of the trimmed, lowercased address. */
export function subscriberHash(email: string): string {
  return createHash('md5').update(email.trim().toLowerCase()).digest('hex');
}

/** The data-centre host an API key belongs to (`…-us21` → `https://us21.api.mailchimp.com/3.0`). */
export function mailchimpBaseUrl(apiKey: string): string | undefined {
  const dc = /-([a-z]{2,4}\d+)$/.exec(apiKey.trim())?.[1];
  return dc === undefined ? undefined : `https://${dc}.api.mailchimp.com/3.0`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const RECORD_TITLES = new Set(['Member Exists', 'Forgotten Email Not Subscribed', 'Invalid Resource']);

/**
 * Reads Mailchimp's problem+json errors. At very high volume Mailchimp answers 429 or 403 with no body at all: that is
 * the connection limit, not a permission problem, so a bodiless 403 is a rate limit.
 */
export function classifyMailchimp(info: HttpResponseInfo): Classification | undefined {
  const body = isRecord(info.data) ? info.data : undefined;
  const title = typeof body?.title === 'string' ? body.title : undefined;
  const detail = typeof body?.detail === 'string' ? body.detail : undefined;
  if (info.status === 429 || (info.status === 403 && title === undefined)) {
    return { kind: 'rate-limited', appMessage: title };
  }
  if (title === undefined) return undefined;
  if (info.status === 401 || info.status === 403) return { kind: 'auth', appMessage: title };
  if (info.status === 404) return { kind: 'not-found', appMessage: title };
  if (info.status === 400) {
    const first = Array.isArray(body?.errors) && isRecord(body.errors[0]) ? body.errors[0] : undefined;
    const field = typeof first?.field === 'string' && first.field !== '' ? first.field : undefined;
    if (RECORD_TITLES.has(title) || field !== undefined) {
      return { kind: 'record', appCode: title, appMessage: detail, field };
    }
    return { kind: 'request', appCode: title, appMessage: detail };
  }
  return undefined;
}

export class MailchimpClient {
  readonly http: HttpClient;
  private readonly members: string;

  constructor(readonly options: MailchimpClientOptions) {
    this.http = new HttpClient({
      baseURL: options.baseUrl.replace(/\/+$/, ''),
      app: 'mailchimp',
      auth: { basic: { username: 'tandem', password: options.apiKey } },
      rateLimit: { maxConcurrent: options.concurrency, clock: options.clock },
      classify: classifyMailchimp,
      clock: options.clock,
      retries: options.retries,
      hooks: options.hooks,
      // Mailchimp cancels calls after 120 s itself.
      timeoutMs: 120_000,
    });
    this.members = `/lists/${encodeURIComponent(options.listId)}/members`;
  }

  async ping(): Promise<void> {
    await this.http.request({ method: 'GET', url: '/ping' });
  }

  async getList(): Promise<void> {
    await this.http.request({ method: 'GET', url: `/lists/${encodeURIComponent(this.options.listId)}` });
  }

  async mergeFields(): Promise<McMergeField[]> {
    const res = await this.http.request({
      method: 'GET',
      url: `/lists/${encodeURIComponent(this.options.listId)}/merge-fields`,
      params: { count: 1000 },
      shape: mergeFieldsShape,
    });
    return res.data.merge_fields;
  }

  /** Members ordered by last_changed ascending (ties in the app's own order). */
  async listMembers(query: ListQuery): Promise<McMemberPage> {
    const params: Record<string, unknown> = {
      count: query.count,
      offset: query.offset ?? 0,
      sort_field: 'last_changed',
      sort_dir: 'ASC',
      exclude_fields: 'members._links,members.stats,members.location,_links',
    };
    if (query.sinceLastChanged !== undefined) params.since_last_changed = query.sinceLastChanged;
    if (query.beforeLastChanged !== undefined) params.before_last_changed = query.beforeLastChanged;
    if (query.status !== undefined) params.status = query.status;
    const res = await this.http.request({ method: 'GET', url: this.members, params, shape: memberPageShape });
    return { members: res.data.members, total_items: res.data.total_items };
  }

  /** One member by subscriber hash, raw email or contact_id (the path accepts all three); null when absent. */
  async getMember(key: string): Promise<McMember | null> {
    const res = await this.http.request({ method: 'GET', url: this.memberUrl(key), acceptStatus: [404], shape: memberShape });
    return res.status === 404 ? null : res.data;
  }

  /**
   * Batch subscribe/update (≤ 500) with update_existing; answers 200 with per-address `errors` even when some were
   * rejected. `syncTags` makes each member's tags exactly the `tags` it is sent with.
   */
  async batchUpsert(members: Record<string, unknown>[], options: { syncTags?: boolean } = {}): Promise<McBatchResponse> {
    const res = await this.http.request({
      method: 'POST',
      url: `/lists/${encodeURIComponent(this.options.listId)}`,
      data: { members, update_existing: true, ...(options.syncTags ? { sync_tags: true } : {}) },
      // With update_existing an upsert keyed by email is safe to repeat.
      idempotent: true,
      shape: batchShape,
    });
    return {
      new_members: res.data.new_members ?? [],
      updated_members: res.data.updated_members ?? [],
      errors: res.data.errors ?? [],
    };
  }

  async patchMember(key: string, body: Record<string, unknown>): Promise<McMember> {
    const res = await this.http.request({ method: 'PATCH', url: this.memberUrl(key), data: body, shape: memberShape });
    return res.data;
  }

  /** Adds (`active`) and removes (`inactive`) tags; Mailchimp answers 204. */
  async updateTags(key: string, tags: { name: string; status: 'active' | 'inactive' }[]): Promise<void> {
    await this.http.request({
      method: 'POST',
      url: `${this.memberUrl(key)}/tags`,
      data: { tags },
      idempotent: true,
    });
  }

  /** Archives (Mailchimp's DELETE). False when the member was not found; an already archived member (405) is fine. */
  async archive(key: string): Promise<boolean> {
    const res = await this.http.request({ method: 'DELETE', url: this.memberUrl(key), acceptStatus: [404, 405] });
    return res.status !== 404;
  }

  /** Permanent deletion; false when the member was not found. */
  async deletePermanent(key: string): Promise<boolean> {
    const res = await this.http.request({
      method: 'POST',
      url: `${this.memberUrl(key)}/actions/delete-permanent`,
      acceptStatus: [404],
      idempotent: true,
    });
    return res.status !== 404;
  }

  private memberUrl(key: string): string {
    return `${this.members}/${encodeURIComponent(key)}`;
  }
}
