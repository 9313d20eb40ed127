/**
 * Zendesk Support API v2 user endpoints on the SDK's HttpClient. Two clients share the credentials: one under the
 * account's per-minute limit, and one for the incremental export, which has its own much tighter limit (10/min).
 */
import {
  HttpClient,
  type Classification,
  type HttpAuth,
  type HttpConnectorOptions,
  type HttpResponseInfo,
} from '@tandem/connector-sdk';
import { exportPageShape, jobStatusShape, listPageShape, oneUserShape, userFieldsShape, usersShape } from './zendesk.shapes.js';

/** A user as the connector reads it; the client has checked these parts (ids come back as strings). */
export interface ZdUser {
  id: string;
  name?: string;
  email: string | null;
  external_id: string | null;
  active?: boolean;
  updated_at: string;
  tags?: string[];
  user_fields?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface ZdListPage {
  users: ZdUser[];
  meta?: { has_more?: boolean; after_cursor?: string | null };
}

export interface ZdExportPage {
  users: ZdUser[];
  after_cursor: string | null;
  end_of_stream: boolean;
}

export interface ZdJobResult {
  id?: string;
  index?: number;
  success?: boolean;
  status?: string;
  error?: string;
  details?: unknown;
}

export interface ZdJobStatus {
  id: string;
  status: string;
  results?: ZdJobResult[] | null;
}

export interface ZdUserField {
  key: string;
  type: string;
  active?: boolean;
  custom_field_options?: { value: string }[];
}

export interface ZendeskClientOptions extends HttpConnectorOptions {
  baseUrl: string;
  auth: { email: string; token: string } | { oauthToken: string };
  requestsPerMinute: number;
  exportRequestsPerMinute: number;
}

/** `https://{subdomain}.zendesk.com/api/v2`. */
export function zendeskBaseUrl(subdomain: string): string {
  return `https://${subdomain}.zendesk.com/api/v2`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Zendesk's 422 `{error: RecordInvalid, details: {email: [{error: DuplicateValue, description}]}}` names the field. */
export function classifyZendesk(info: HttpResponseInfo): Classification | undefined {
  const body = isRecord(info.data) ? info.data : undefined;
  if (info.status !== 422 || !body) return undefined;
  const details = isRecord(body.details) ? body.details : {};
  const field = Object.keys(details)[0];
  const first = field !== undefined && Array.isArray(details[field]) ? (details[field] as unknown[])[0] : undefined;
  const item = isRecord(first) ? first : {};
  return {
    kind: 'record',
    field,
    appCode: typeof item.error === 'string' ? item.error : typeof body.error === 'string' ? body.error : undefined,
    appMessage: typeof item.description === 'string' ? item.description : undefined,
  };
}

export class ZendeskClient {
  readonly http: HttpClient;
  readonly exportHttp: HttpClient;

  constructor(options: ZendeskClientOptions) {
    const auth: HttpAuth =
      'oauthToken' in options.auth
        ? { bearer: options.auth.oauthToken }
        : { basic: { username: `${options.auth.email}/token`, password: options.auth.token } };
    const common = {
      baseURL: options.baseUrl.replace(/\/+$/, ''),
      app: 'zendesk',
      auth,
      classify: classifyZendesk,
      clock: options.clock,
      retries: options.retries,
      hooks: options.hooks,
    };
    const minute = 60_000;
    this.http = new HttpClient({
      ...common,
      rateLimit: { requests: options.requestsPerMinute, windowMs: minute, clock: options.clock },
    });
    this.exportHttp = new HttpClient({
      ...common,
      rateLimit: { requests: options.exportRequestsPerMinute, windowMs: minute, clock: options.clock },
    });
  }

  async me(): Promise<void> {
    await this.http.request({ method: 'GET', url: '/users/me.json' });
  }

  async userFields(): Promise<ZdUserField[]> {
    const res = await this.http.request({ method: 'GET', url: '/user_fields.json', shape: userFieldsShape });
    return res.data.user_fields;
  }

  /** One page of the live users list (cursor pagination). */
  async listUsers(pageSize: number, after: string | null): Promise<ZdListPage> {
    const params: Record<string, unknown> = { 'page[size]': pageSize };
    if (after !== null) params['page[after]'] = after;
    const res = await this.http.request({ method: 'GET', url: '/users.json', params, shape: listPageShape });
    return res.data;
  }

  /** One page of the incremental user export, from a start time (unix seconds) or an after_cursor. */
  async exportUsers(from: { startTime: number } | { cursor: string }): Promise<ZdExportPage> {
    const params = 'cursor' in from ? { cursor: from.cursor } : { start_time: from.startTime };
    const res = await this.exportHttp.request({
      method: 'GET',
      url: '/incremental/users/cursor.json',
      params,
      shape: exportPageShape,
    });
    return { users: res.data.users, after_cursor: res.data.after_cursor, end_of_stream: res.data.end_of_stream === true };
  }

  /** Users by id (≤ 100 per call); soft-deleted ones included, permanently deleted ones absent. */
  async showMany(ids: string[]): Promise<ZdUser[]> {
    const res = await this.http.request({
      method: 'GET',
      url: '/users/show_many.json',
      params: { ids: ids.join(',') },
      shape: usersShape,
    });
    return res.data.users;
  }

  async showManyByExternalIds(externalIds: string[]): Promise<ZdUser[]> {
    const res = await this.http.request({
      method: 'GET',
      url: '/users/show_many.json',
      params: { external_ids: externalIds.join(',') },
      shape: usersShape,
    });
    return res.data.users;
  }

  async searchByEmail(email: string): Promise<ZdUser[]> {
    const res = await this.http.request({
      method: 'GET',
      url: '/users/search.json',
      params: { query: `email:${email}` },
      shape: usersShape,
    });
    return res.data.users;
  }

  /** Queues a bulk upsert (≤ 100 users, matched by email or external_id); returns the job status. */
  async createOrUpdateMany(users: Record<string, unknown>[]): Promise<ZdJobStatus> {
    const res = await this.http.request({
      method: 'POST',
      url: '/users/create_or_update_many.json',
      data: { users },
      shape: jobStatusShape,
    });
    return res.data.job_status;
  }

  /** A job's status, or null once Zendesk no longer has it (expired or lost). */
  async jobStatus(id: string): Promise<ZdJobStatus | null> {
    const res = await this.http.request({
      method: 'GET',
      url: `/job_statuses/${encodeURIComponent(id)}.json`,
      acceptStatus: [404],
      shape: jobStatusShape,
    });
    return res.status === 404 ? null : res.data.job_status;
  }

  async updateUser(id: string, user: Record<string, unknown>): Promise<ZdUser> {
    const res = await this.http.request({
      method: 'PUT',
      url: `/users/${encodeURIComponent(id)}.json`,
      data: { user },
      shape: oneUserShape,
    });
    return res.data.user;
  }

  /** Soft delete (the user stays, `active: false`); false when there was no such user. */
  async deleteUser(id: string): Promise<boolean> {
    const res = await this.http.request({
      method: 'DELETE',
      url: `/users/${encodeURIComponent(id)}.json`,
      acceptStatus: [404],
    });
    return res.status !== 404;
  }

  /** Permanent deletion of a soft-deleted user; false when there was none. */
  async deleteDeletedUser(id: string): Promise<boolean> {
    const res = await this.http.request({
      method: 'DELETE',
      url: `/deleted_users/${encodeURIComponent(id)}.json`,
      acceptStatus: [404],
    });
    return res.status !== 404;
  }
}
