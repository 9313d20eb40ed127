import { randomUUID } from 'node:crypto';
import { RollingWindow } from '../common/limits.js';
import { Router, type Reply, type SimRequest } from '../common/http.js';
import type { Person } from '../common/people.js';
import { Simulator, type SimulatorOptions } from '../common/simulator.js';
import { WebhookEmitter } from '../common/webhook-emitter.js';
import { recordNotFound, tooMany, zdError } from './zendesk.errors.js';
import { normaliseTags } from './zendesk.fields.js';
import { JobQueue } from './zendesk.jobs.js';
import { registerUserRoutes } from './zendesk.routes.js';
import { registerExportRoutes } from './zendesk.incremental.js';
import { ZendeskStore, zdTime, type ZdUser } from './zendesk.store.js';
import { formatZendeskDelivery, type ZendeskEvent } from './zendesk.webhooks.js';

export interface ZendeskSettings {
  /** The agent whose API tokens are accepted (`{email}/token:{token}`). */
  agentEmail: string;
  apiTokens: string[];
  oauthTokens: string[];
  accountId: number;
  /** Account-wide requests per minute (X-Rate-Limit). */
  requestsPerMinute: number;
  /** Incremental export requests per minute. */
  incrementalPerMinute: number;
  /** create_or_update calls per minute for one user (0 = off). */
  perUserUpdatesPerMinute: number;
  /** Incremental exports never return changes newer than this (and refuse a start_time inside it). */
  incrementalMinAgeMs: number;
  incrementalPerPage: number;
  pageSizeMax: number;
  bulkLimit: number;
  jobQueuedMs: number;
  jobWorkingMs: number;
  jobStatusTtlMs: number;
  webhookMaxAttempts: number;
  webhookRetryBaseMs: number;
}

export const ZENDESK_DEFAULTS: ZendeskSettings = {
  agentEmail: 'demo@example.com',
  apiTokens: ['demo-token'],
  oauthTokens: ['sandbox-zendesk-oauth'],
  accountId: 12345,
  requestsPerMinute: 700,
  incrementalPerMinute: 10,
  perUserUpdatesPerMinute: 5,
  incrementalMinAgeMs: 60_000,
  incrementalPerPage: 1000,
  pageSizeMax: 100,
  bulkLimit: 100,
  jobQueuedMs: 20,
  jobWorkingMs: 30,
  jobStatusTtlMs: 86_400_000,
  webhookMaxAttempts: 4,
  webhookRetryBaseMs: 50,
};

/** The simulated Zendesk Support API v2 (users). */
export class ZendeskSimulator extends Simulator<ZendeskSettings> {
  readonly name = 'zendesk';
  readonly router = new Router();
  readonly store = new ZendeskStore();
  readonly jobs = new JobQueue(this);
  readonly accountWindow = new RollingWindow(() => 60_000);
  readonly exportWindow = new RollingWindow(() => 60_000);
  readonly userWindow = new RollingWindow(() => 60_000);
  protected readonly emitter: WebhookEmitter<ZendeskEvent>;
  private readonly ticker: NodeJS.Timeout;

  constructor(options: SimulatorOptions<ZendeskSettings> = {}) {
    super(ZENDESK_DEFAULTS, options);
    this.emitter = new WebhookEmitter<ZendeskEvent>({
      format: (events, _attempt, target) => formatZendeskDelivery(events, target, this.clock.now()),
      batchSize: 1,
      maxAttempts: () => this.settings.webhookMaxAttempts,
      retryBaseMs: () => this.settings.webhookRetryBaseMs,
      timeoutMs: 12_000,
      faults: () => this.faults,
      rng: this.rng,
      stats: this.stats,
    });
    if (options.webhook) this.emitter.configure(options.webhook);
    // Jobs finish on time even when nobody polls, so their webhooks go out.
    this.ticker = setInterval(() => this.jobs.pending() > 0 && this.jobs.advance(), 10);
    this.ticker.unref();
    registerExportRoutes(this.router, this);
    registerUserRoutes(this.router, this);
  }

  override dispose(): void {
    clearInterval(this.ticker);
  }

  override normalizePath(path: string): string {
    return path.endsWith('.json') ? path.slice(0, -5) : path;
  }

  override tooManyRequests(): Reply {
    return tooMany(60, 'Rate limit for the account exceeded');
  }

  override serverError(): Reply {
    return zdError(503, 'ServiceUnavailable', 'Server is temporarily unavailable');
  }

  override notFound(): Reply {
    return zdError(404, 'InvalidEndpoint', 'Not found');
  }

  override guard(req: SimRequest): Reply | undefined {
    if (!this.authenticated(req.headers.authorization ?? '')) return zdError(401, "Couldn't authenticate you", 'Authentication failed');
    this.jobs.advance();
    const now = this.clock.now();
    if (!this.accountWindow.tryHit('account', now, this.settings.requestsPerMinute)) {
      return tooMany(Math.ceil(this.accountWindow.retryAfterMs('account', now) / 1000), 'Rate limit for the account exceeded');
    }
    return undefined;
  }

  private authenticated(auth: string): boolean {
    if (auth.startsWith('Bearer ')) return this.settings.oauthTokens.includes(auth.slice(7).trim());
    if (!auth.startsWith('Basic ')) return false;
    const decoded = Buffer.from(auth.slice(6), 'base64').toString('utf8');
    const [user, token] = [decoded.slice(0, decoded.indexOf(':')), decoded.slice(decoded.indexOf(':') + 1)];
    return user.toLowerCase() === `${this.settings.agentEmail.toLowerCase()}/token` && this.settings.apiTokens.includes(token);
  }

  override decorate(_req: SimRequest, reply: Reply): void {
    const used = this.accountWindow.count('account', this.clock.now());
    reply.headers = { ...reply.headers, 'X-Rate-Limit': String(this.settings.requestsPerMinute), 'X-Rate-Limit-Remaining': String(Math.max(0, this.settings.requestsPerMinute - used)) };
  }

  protected override clearData(): void {
    this.store.clear();
    this.jobs.clear();
    this.accountWindow.clear();
    this.exportWindow.clear();
    this.userWindow.clear();
  }

  override seed(people: Person[]): number {
    let inserted = 0;
    for (const person of people) {
      const v = person.apps.zendesk;
      const email = v?.email.trim().toLowerCase();
      if (!v || !email || this.store.byEmail(email)) continue;
      const name = `${v.firstName} ${v.lastName}`.trim() || email;
      const user_fields = { first_name: v.firstName || null, last_name: v.lastName || null, plan: v.plan };
      const user = this.store.create({ name, email, phone: v.phone || null, tags: normaliseTags(v.tags), user_fields }, v.createdAt);
      user.updated_at = v.updatedAt;
      inserted += 1;
    }
    return inserted;
  }

  override dump(): unknown {
    return { users: [...this.store.users.values()], jobs: [...this.jobs.jobs.values()] };
  }

  notFoundRecord(): Reply {
    return recordNotFound();
  }

  /** Queues a `zen:event-type:user.*` event; ids in `detail` are strings, as Zendesk sends them. */
  event(kind: string, user: ZdUser, event: Record<string, unknown>): void {
    this.emitter.emit({
      account_id: this.settings.accountId,
      id: randomUUID(),
      time: new Date(this.clock.now()).toISOString(),
      type: `zen:event-type:${kind}`,
      zendesk_event_version: '2022-11-06',
      subject: `zen:user:${user.id}`,
      detail: {
        created_at: zdTime(user.created_at),
        email: user.email,
        external_id: user.external_id,
        default_group_id: null,
        id: String(user.id),
        organization_id: user.organization_id === null ? null : String(user.organization_id),
        role: user.role,
        updated_at: zdTime(user.updated_at),
      },
      event,
    });
  }
}
