import { randomUUID } from 'node:crypto';
import { DailyCounter, RollingWindow } from '../common/limits.js';
import { Router, type Reply, type SimRequest } from '../common/http.js';
import type { Person } from '../common/people.js';
import { Simulator, type SimulatorOptions } from '../common/simulator.js';
import { WebhookEmitter } from '../common/webhook-emitter.js';
import { hsError, rateLimited } from './hubspot.errors.js';
import { registerBatchRoutes } from './hubspot.batch.js';
import { registerObjectRoutes } from './hubspot.routes.js';
import { backdate, HubspotStore, type HsRecord } from './hubspot.store.js';
import { formatHubspotDelivery, subscriptionId, type HubspotEvent } from './hubspot.webhooks.js';
import { coerceProperties, type HsObjectType } from './hubspot.properties.js';

export interface HubspotSettings {
  /** Accepted private-app / OAuth tokens. */
  tokens: string[];
  /** Tokens answered with EXPIRED_AUTHENTICATION. */
  expiredTokens: string[];
  /** Search sees a write only this many ms after it happened. */
  searchLagMs: number;
  /** Search requests per second per token (0 = unlimited). */
  searchPerSecond: number;
  searchMaxLimit: number;
  /** A search may page through at most this many results; asking past it is a 400. */
  searchResultCap: number;
  /** Requests per rolling window per token (0 = off). */
  burstLimit: number;
  burstWindowMs: number;
  dailyLimit: number;
  listMaxLimit: number;
  batchLimit: number;
  historyBatchLimit: number;
  portalId: number;
  appId: number;
  /** Properties that raise propertyChange events; empty = all writable ones. */
  webhookProperties: string[];
  webhookMaxAttempts: number;
  webhookRetryBaseMs: number;
}

export const HUBSPOT_DEFAULTS: HubspotSettings = {
  tokens: ['demo-token'],
  expiredTokens: [],
  searchLagMs: 0,
  searchPerSecond: 4,
  searchMaxLimit: 200,
  searchResultCap: 10_000,
  burstLimit: 100,
  burstWindowMs: 10_000,
  dailyLimit: 250_000,
  listMaxLimit: 100,
  batchLimit: 100,
  historyBatchLimit: 50,
  portalId: 62515,
  appId: 54321,
  webhookProperties: [],
  webhookMaxAttempts: 4,
  webhookRetryBaseMs: 50,
};

const tokenOf = new WeakMap<SimRequest, string>();

/** The simulated HubSpot CRM v3 (contacts and companies). */
export class HubspotSimulator extends Simulator<HubspotSettings> {
  readonly name = 'hubspot';
  readonly router = new Router();
  readonly store = new HubspotStore();
  protected readonly emitter: WebhookEmitter<HubspotEvent>;
  private readonly burstWindow = new RollingWindow(() => this.settings.burstWindowMs);
  private readonly searchWindow = new RollingWindow(() => 1000);
  private readonly daily = new DailyCounter();
  private eventId = 1;

  constructor(options: SimulatorOptions<HubspotSettings> = {}) {
    super(HUBSPOT_DEFAULTS, options);
    this.emitter = new WebhookEmitter<HubspotEvent>({
      format: (events, attempt, target) => formatHubspotDelivery(events, attempt, target, this.clock.now()),
      batchSize: 100,
      maxAttempts: () => this.settings.webhookMaxAttempts,
      retryBaseMs: () => this.settings.webhookRetryBaseMs,
      timeoutMs: 5000,
      faults: () => this.faults,
      rng: this.rng,
      stats: this.stats,
    });
    if (options.webhook) this.emitter.configure(options.webhook);
    registerBatchRoutes(this.router, this);
    registerObjectRoutes(this.router, this);
  }

  override tooManyRequests(): Reply {
    return rateLimited('You have reached your ten_secondly_rolling limit.', 'TEN_SECONDLY_ROLLING');
  }

  override serverError(): Reply {
    return hsError(502, 'INTERNAL_ERROR', 'Bad Gateway');
  }

  override notFound(): Reply {
    return hsError(404, 'OBJECT_NOT_FOUND', 'resource not found');
  }

  override guard(req: SimRequest): Reply | undefined {
    const auth = req.headers.authorization ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice(7).trim() : '';
    if (this.settings.expiredTokens.includes(token)) return hsError(401, 'EXPIRED_AUTHENTICATION', 'The OAuth token used to make this call expired 1 second(s) ago.');
    if (!this.settings.tokens.includes(token)) {
      return hsError(401, 'INVALID_AUTHENTICATION', 'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview');
    }
    tokenOf.set(req, token);
    const now = this.clock.now();
    if (req.path.endsWith('/search') && req.method === 'POST') {
      if (this.settings.searchPerSecond > 0 && !this.searchWindow.tryHit(token, now, this.settings.searchPerSecond)) {
        return rateLimited('You have reached your secondly limit.', 'SECONDLY');
      }
      return undefined;
    }
    if (this.daily.hit(token, now) > this.settings.dailyLimit) return rateLimited('You have reached your daily limit.', 'DAILY');
    if (this.settings.burstLimit > 0 && !this.burstWindow.tryHit(token, now, this.settings.burstLimit)) return this.tooManyRequests();
    return undefined;
  }

  override decorate(req: SimRequest, reply: Reply): void {
    const token = tokenOf.get(req);
    const headers = (reply.headers ??= {});
    headers['X-HubSpot-Correlation-Id'] = randomUUID();
    if (token === undefined) return;
    const now = this.clock.now();
    headers['X-HubSpot-RateLimit-Daily'] = String(this.settings.dailyLimit);
    headers['X-HubSpot-RateLimit-Daily-Remaining'] = String(Math.max(0, this.settings.dailyLimit - this.daily.count(token, now)));
    if (this.settings.burstLimit > 0) {
      headers['X-HubSpot-RateLimit-Interval-Milliseconds'] = String(this.settings.burstWindowMs);
      headers['X-HubSpot-RateLimit-Max'] = String(this.settings.burstLimit);
      headers['X-HubSpot-RateLimit-Remaining'] = String(Math.max(0, this.settings.burstLimit - this.burstWindow.count(token, now)));
    }
    if (this.settings.searchPerSecond > 0) {
      headers['X-HubSpot-RateLimit-Secondly'] = String(this.settings.searchPerSecond);
      headers['X-HubSpot-RateLimit-Secondly-Remaining'] = String(Math.max(0, this.settings.searchPerSecond - this.searchWindow.count(token, now)));
    }
  }

  protected override clearData(): void {
    this.store.clear();
    this.burstWindow.clear();
    this.searchWindow.clear();
    this.daily.clear();
    this.eventId = 1;
  }

  override seed(people: Person[]): number {
    let inserted = 0;
    for (const person of people) {
      const v = person.apps.hubspot;
      if (!v) continue;
      const raw = { email: v.email, firstname: v.firstName, lastname: v.lastName, phone: v.phone, company: v.company, plan_tier: v.plan, customer_tags: v.tags.join(';') };
      const { values } = coerceProperties('contacts', raw);
      if (values.email && this.store.findBy('contacts', 'email', values.email)) continue;
      backdate(this.store.create('contacts', values, v.createdAt, 0), v.createdAt, v.updatedAt);
      inserted += 1;
    }
    return inserted;
  }

  override dump(): unknown {
    const view = (rec: HsRecord) => ({ id: rec.id, properties: rec.properties, createdAt: rec.createdAt, updatedAt: rec.updatedAt, archived: rec.archived });
    return { contacts: this.store.sorted('contacts').map(view), companies: this.store.sorted('companies').map(view), blocklist: [...this.store.blocklist] };
  }

  /** Queues one webhook event of `<object>.<kind>` for a record. */
  event(objectType: HsObjectType, kind: string, objectId: string, extra: Partial<HubspotEvent> = {}): void {
    const subscriptionType = `${objectType === 'contacts' ? 'contact' : 'company'}.${kind}`;
    if (kind === 'propertyChange' && this.settings.webhookProperties.length > 0 && !this.settings.webhookProperties.includes(extra.propertyName ?? '')) return;
    this.emitter.emit({
      eventId: this.eventId++,
      subscriptionId: subscriptionId(subscriptionType),
      portalId: this.settings.portalId,
      appId: this.settings.appId,
      occurredAt: this.clock.now(),
      subscriptionType,
      attemptNumber: 0,
      objectId: Number(objectId),
      changeSource: 'API',
      ...extra,
    });
  }
}
