/**
 * HubSpot CRM v3 endpoints on the SDK's HttpClient, which owns retries, rate limiting and typed errors. Everything
 * here is one HTTP call; the decisions (paging, batching, result mapping) live in the connector's read and write
 * modules. Search has its own limiter: HubSpot budgets search per second, apart from the 10-second burst quota.
 */
import {
  HttpClient,
  RateLimiter,
  checkShape,
  fitShape,
  malformedResponse,
  type Classification,
  type HttpConnectorOptions,
  type HttpResponseInfo,
} from '@tandem/connector-sdk';
import type { HubspotObject, HubspotObjectRecord, HubspotProperty } from './hubspot.fields.js';
import { batchShape, errorBodyShape, pageShape, propertiesShape } from './hubspot.shapes.js';

export const HUBSPOT_BASE_URL = 'https://api.hubapi.com';

/** The waits HubSpot's own SDK uses for its two short rate-limit policies. */
export const POLICY_WAIT_MS: Record<string, number> = { SECONDLY: 1_000, TEN_SECONDLY_ROLLING: 10_000 };

/** HubSpot's error body; every field is optional (HubSpot says so). */
export interface HubspotErrorBody {
  status?: string;
  message?: string;
  category?: string;
  policyName?: string;
  errors?: Array<{ message?: string; code?: string; context?: Record<string, string[]> }>;
  context?: Record<string, string[]>;
}

export interface HubspotPage {
  results: HubspotObjectRecord[];
  paging?: { next?: { after?: string } };
  total?: number;
}

/** A batch answer (200/201, or 207 with per-record errors). */
export interface HubspotBatchResponse {
  results?: Array<HubspotObjectRecord & { objectWriteTraceId?: string }>;
  errors?: HubspotErrorBody[];
  numErrors?: number;
}

export interface SearchFilter {
  propertyName: string;
  operator: 'EQ' | 'GT' | 'GTE' | 'LT' | 'LTE' | 'IN';
  value?: string;
  values?: string[];
}

export interface SearchRequest {
  filterGroups: Array<{ filters: SearchFilter[] }>;
  sorts: Array<{ propertyName: string; direction: 'ASCENDING' | 'DESCENDING' }>;
  properties: string[];
  limit: number;
  after?: string;
}

export interface HubspotClientOptions extends HttpConnectorOptions {
  baseUrl: string;
  token: string;
  /** Burst quota: requests per window (HubSpot private apps: 100 or 190 per 10 s). */
  requestsPerWindow: number;
  windowMs: number;
  /** Part of the quota this connection may use, in (0, 1]. */
  share: number;
  /** Search requests per second (HubSpot: 4 per token). */
  searchPerSecond: number;
  timeoutMs?: number;
}

/** An error body as far as it has HubSpot's shape; an odd one says nothing. */
function errorBody(data: unknown): HubspotErrorBody {
  return fitShape(errorBodyShape, data) ?? {};
}

/** The property a validation error names, when HubSpot names one. */
export function errorField(body: HubspotErrorBody): string | undefined {
  for (const item of body.errors ?? []) {
    const name = item.context?.propertyName?.[0];
    if (name) return name;
  }
  return undefined;
}

/** ms until the next UTC midnight: HubSpot's daily quota resets at midnight in the portal's zone (unknown here). */
function untilMidnightUtc(nowMs: number): number {
  return 86_400_000 - (nowMs % 86_400_000);
}

/** Reads HubSpot's error categories and 429 policies; undefined falls back to the status code. */
export function classifyHubspot(info: HttpResponseInfo, nowMs: number): Classification | undefined {
  const body = errorBody(info.data);
  const appMessage = body.message;
  if (body.category === 'INVALID_AUTHENTICATION' || body.category === 'EXPIRED_AUTHENTICATION') {
    return { kind: 'auth', appMessage };
  }
  if (info.status === 429) {
    const policy = body.policyName ?? '';
    const wait = policy === 'DAILY' ? untilMidnightUtc(nowMs) : POLICY_WAIT_MS[policy];
    return wait === undefined ? undefined : { kind: 'rate-limited', retryAfterMs: wait, appMessage };
  }
  if (body.category === 'CONFLICT' || body.category === 'VALIDATION_ERROR') {
    return { kind: 'record', appMessage, appCode: body.category, field: errorField(body) };
  }
  if (body.category === 'OBJECT_NOT_FOUND') return { kind: 'not-found', appMessage };
  return undefined;
}

export class HubspotClient {
  readonly http: HttpClient;
  private readonly searchHttp: HttpClient;

  constructor(options: HubspotClientOptions) {
    const clock = options.clock;
    const now = () => (clock ?? { now: () => Date.now() }).now();
    const common = {
      baseURL: options.baseUrl.replace(/\/+$/, ''),
      app: 'hubspot',
      auth: { bearer: options.token },
      timeoutMs: options.timeoutMs,
      retries: options.retries,
      classify: (info: HttpResponseInfo) => classifyHubspot(info, now()),
      clock,
      hooks: options.hooks,
    };
    const burst = new RateLimiter({
      requests: options.requestsPerWindow,
      windowMs: options.windowMs,
      share: options.share,
      clock,
    });
    const search = new RateLimiter({ requests: options.searchPerSecond, windowMs: 1_000, share: options.share, clock });
    this.http = new HttpClient({ ...common, rateLimit: burst });
    this.searchHttp = new HttpClient({ ...common, rateLimit: search });
  }

  /** `GET /crm/v3/objects/{object}`: one page in id order; `archived` lists only archived records. */
  async list(
    object: HubspotObject,
    query: { limit: number; after?: string; properties?: string[]; archived?: boolean },
  ): Promise<HubspotPage> {
    const params: Record<string, unknown> = { limit: query.limit };
    if (query.after !== undefined) params.after = query.after;
    if (query.properties && query.properties.length > 0) params.properties = query.properties.join(',');
    if (query.archived) params.archived = true;
    const res = await this.http.request({ method: 'GET', url: `/crm/v3/objects/${object}`, params, shape: pageShape });
    return { results: res.data.results, paging: res.data.paging };
  }

  /** `POST …/search`: a read, so repeating it is harmless. */
  async search(object: HubspotObject, body: SearchRequest): Promise<HubspotPage> {
    const res = await this.searchHttp.request({
      method: 'POST',
      url: `/crm/v3/objects/${object}/search`,
      data: body,
      idempotent: true,
      shape: pageShape,
    });
    return { results: res.data.results, paging: res.data.paging, total: res.data.total };
  }

  /** `POST …/batch/read` (≤100 ids, ≤50 with history); ids HubSpot cannot find are left out. */
  async batchRead(
    object: HubspotObject,
    ids: string[],
    options: { properties?: string[]; idProperty?: string; propertiesWithHistory?: string[] } = {},
  ): Promise<HubspotObjectRecord[]> {
    const data: Record<string, unknown> = { inputs: ids.map((id) => ({ id })), properties: options.properties ?? [] };
    if (options.idProperty) data.idProperty = options.idProperty;
    if (options.propertiesWithHistory) data.propertiesWithHistory = options.propertiesWithHistory;
    const res = await this.http.request({
      method: 'POST',
      url: `/crm/v3/objects/${object}/batch/read`,
      data,
      idempotent: true,
      shape: batchShape,
    });
    return res.data.results ?? [];
  }

  /**
   * `POST …/batch/create` with one `objectWriteTraceId` per input, so HubSpot answers 207 with per-record results
   * instead of failing the batch. Not idempotent: a timeout may have created the records. A whole-batch 409 is
   * returned (its body names the existing id) rather than thrown.
   */
  async batchCreate(
    object: HubspotObject,
    inputs: Array<{ properties: Record<string, string>; objectWriteTraceId: string }>,
  ): Promise<{ status: number; data: HubspotBatchResponse & HubspotErrorBody }> {
    const path = `/crm/v3/objects/${object}/batch/create`;
    const res = await this.http.request({ method: 'POST', url: path, data: { inputs }, acceptStatus: [409], shape: batchShape });
    if (res.status !== 409) return { status: res.status, data: res.data };
    // The accepted 409 is not checked by the client: its body is an error body, read for the existing id.
    const conflict = checkShape(errorBodyShape, res.data, (problem) => malformedResponse('hubspot', 'POST', path, 409, problem));
    return { status: res.status, data: conflict };
  }

  /** `POST …/batch/update`: setting the same values again is harmless, so it may be retried. */
  async batchUpdate(
    object: HubspotObject,
    inputs: Array<{ id: string; properties: Record<string, string> }>,
  ): Promise<HubspotBatchResponse> {
    const res = await this.http.request({
      method: 'POST',
      url: `/crm/v3/objects/${object}/batch/update`,
      data: { inputs },
      idempotent: true,
      shape: batchShape,
    });
    return res.data;
  }

  /** `POST …/batch/archive` (204): archiving moves records to the recycle bin; archiving twice is harmless. */
  async batchArchive(object: HubspotObject, ids: string[]): Promise<void> {
    await this.http.request({
      method: 'POST',
      url: `/crm/v3/objects/${object}/batch/archive`,
      data: { inputs: ids.map((id) => ({ id })) },
      idempotent: true,
    });
  }

  /** `POST /crm/v3/objects/contacts/gdpr-delete`: permanent deletion (not an archive). */
  async gdprDelete(id: string): Promise<void> {
    await this.http.request({
      method: 'POST',
      url: '/crm/v3/objects/contacts/gdpr-delete',
      data: { objectId: id },
      idempotent: true,
    });
  }

  /** `GET /crm/v3/properties/{object}`: the portal's property definitions. */
  async properties(object: HubspotObject): Promise<HubspotProperty[]> {
    const res = await this.http.request({ method: 'GET', url: `/crm/v3/properties/${object}`, shape: propertiesShape });
    return res.data.results;
  }
}
