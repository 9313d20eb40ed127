import { Router, type Reply, type SimRequest } from '../common/http.js';
import type { Person } from '../common/people.js';
import { Simulator, type SimulatorOptions } from '../common/simulator.js';
import { WebhookEmitter, type WebhookTarget } from '../common/webhook-emitter.js';
import { problem, resourceNotFound } from './mailchimp.errors.js';
import { registerListRoutes } from './mailchimp.lists.js';
import { registerMemberRoutes } from './mailchimp.routes.js';
import { MailchimpStore, type Member } from './mailchimp.store.js';
import { formatMailchimpDelivery, type MailchimpEvent, type MailchimpEventType } from './mailchimp.webhooks.js';
import { renderMergeFields } from './mailchimp.merge-fields.js';

export interface MailchimpSettings {
  /** Accepted API keys (`<key>-<dc>`, e.g. `demo-key-us1`), sent as the Basic-auth password with any user name. */
  apiKeys: string[];
  oauthTokens: string[];
  listIds: string[];
  /** Simultaneous requests allowed; one more gets 429. */
  maxConcurrent: number;
  /** `problem` = 429 problem+json; `bare403` = 403 without a body (seen at very high volume). */
  concurrencyReply: string;
  /** Whether a member keeps its contact_id when its email changes (unconfirmed upstream). */
  contactIdSurvivesEmailChange: boolean;
  /** Whether archived members appear in an unfiltered member list (unconfirmed upstream). */
  listIncludesArchived: boolean;
  /** since_last_changed keeps members changed at exactly that second (docs say "after"). */
  sinceLastChangedInclusive: boolean;
  /** POST of an archived address answers "Member Exists" (reported in the wild) instead of re-adding. */
  postOnArchivedIsMemberExists: boolean;
  batchLimit: number;
  countMax: number;
  webhookMaxAttempts: number;
  webhookRetryBaseMs: number;
}

export const MAILCHIMP_DEFAULTS: MailchimpSettings = {
  apiKeys: ['demo-key-us1'],
  oauthTokens: [],
  listIds: ['a1b2c3'],
  maxConcurrent: 10,
  concurrencyReply: 'problem',
  contactIdSurvivesEmailChange: true,
  listIncludesArchived: false,
  sinceLastChangedInclusive: false,
  postOnArchivedIsMemberExists: true,
  batchLimit: 500,
  countMax: 1000,
  webhookMaxAttempts: 4,
  webhookRetryBaseMs: 50,
};

// Real keys are 32 hex digits; the sandbox's demo key is not, so only the data-centre suffix is required.
const KEY_FORMAT = /^[0-9a-z-]+-[a-z]{2,4}\d+$/;

export interface HookConfig {
  id: string;
  listId: string;
  url: string;
  events: Record<string, boolean>;
  sources: Record<string, boolean>;
}

/** The simulated Mailchimp Marketing API v3 (audience members). */
export class MailchimpSimulator extends Simulator<MailchimpSettings> {
  readonly name = 'mailchimp';
  readonly router = new Router();
  readonly store = new MailchimpStore(this.rng);
  protected readonly emitter: WebhookEmitter<MailchimpEvent>;
  hook: HookConfig | null = null;

  constructor(options: SimulatorOptions<MailchimpSettings> = {}) {
    super(MAILCHIMP_DEFAULTS, options);
    this.emitter = new WebhookEmitter<MailchimpEvent>({
      format: (events) => formatMailchimpDelivery(events),
      batchSize: 1,
      maxAttempts: () => this.settings.webhookMaxAttempts,
      retryBaseMs: () => this.settings.webhookRetryBaseMs,
      timeoutMs: 10_000,
      faults: () => this.faults,
      rng: this.rng,
      stats: this.stats,
    });
    if (options.webhook) this.setHook(options.webhook);
    registerMemberRoutes(this.router, this);
    registerListRoutes(this.router, this);
  }

  override tooManyRequests(): Reply {
    return problem(429, 'Too Many Requests', `You have exceeded the limit of ${this.settings.maxConcurrent} simultaneous connections.`);
  }

  override serverError(): Reply {
    return problem(503, 'Service Unavailable', 'The service is temporarily unavailable.');
  }

  override notFound(): Reply {
    return resourceNotFound();
  }

  override gate(): Reply | undefined {
    if (this.inFlight <= this.settings.maxConcurrent) return undefined;
    return this.settings.concurrencyReply === 'bare403' ? { status: 403 } : this.tooManyRequests();
  }

  override guard(req: SimRequest): Reply | undefined {
    const auth = req.headers.authorization ?? '';
    if (auth.startsWith('Bearer ') && this.settings.oauthTokens.includes(auth.slice(7).trim())) return undefined;
    if (!auth.startsWith('Basic ')) return problem(401, 'API Key Missing', 'Your request did not include an API key.');
    const decoded = Buffer.from(auth.slice(6), 'base64').toString('utf8');
    const key = decoded.slice(decoded.indexOf(':') + 1);
    if (!KEY_FORMAT.test(key) || !this.settings.apiKeys.includes(key)) {
      return problem(401, 'API Key Invalid', "Your API key may be invalid, or you've attempted to access the wrong datacenter.");
    }
    return undefined;
  }

  protected override clearData(): void {
    this.store.clear();
  }

  override seed(people: Person[]): number {
    const listId = this.settings.listIds[0];
    if (!listId) return 0;
    let inserted = 0;
    for (const person of people) {
      const v = person.apps.mailchimp;
      if (!v || this.store.find(listId, v.email.trim())) continue;
      const status = person.index % 7 === 3 ? 'unsubscribed' : person.index % 11 === 5 ? 'pending' : 'subscribed';
      const member = this.store.add(listId, v.email, status, v.createdAt, 'Import');
      member.merge_fields = { FNAME: v.firstName, LNAME: v.lastName, PHONE: v.phone, COMPANY: v.company, PLAN: v.plan };
      member.tags = v.tags.map((name) => ({ tag: this.store.tag(listId, name, true)!, added: v.createdAt }));
      member.last_changed = v.updatedAt;
      inserted += 1;
    }
    return inserted;
  }

  override dump(): unknown {
    return { members: [...this.store.members.values()].flatMap((m) => [...m.values()]), hook: this.hook };
  }

  /** Checks the URL with Mailchimp's GET validator ping before accepting it. */
  override async configureWebhook(target: WebhookTarget | null): Promise<void> {
    if (target) await this.ping(target.url);
    this.setHook(target);
  }

  async ping(url: string): Promise<void> {
    const res = await fetch(url, { method: 'GET', headers: { 'User-Agent': 'MailChimp.com WebHook Validator' }, signal: AbortSignal.timeout(10_000) }).catch(() => null);
    if (!res || res.status < 200 || res.status >= 300) throw new Error('webhook URL did not answer the validation GET with 2xx');
    await res.arrayBuffer();
  }

  setHook(target: WebhookTarget | null, config?: Partial<HookConfig>): void {
    const all = { subscribe: true, unsubscribe: true, profile: true, upemail: true, cleaned: true, campaign: true };
    this.hook = target ? { id: config?.id ?? this.rng.hex(10), listId: config?.listId ?? this.settings.listIds[0] ?? '', url: target.url, events: config?.events ?? all, sources: config?.sources ?? { user: true, admin: true, api: true } } : null;
    this.emitter.configure(target);
  }

  /** Queues a webhook if the configured hook listens to this type and source. */
  event(type: MailchimpEventType, member: Member, extra: Record<string, unknown> = {}, source: 'api' | 'user' | 'admin' = 'api'): void {
    const hook = this.hook;
    if (!hook || hook.listId !== member.listId || !hook.events[type] || !hook.sources[source]) return;
    const merges = { EMAIL: member.email_address, ...renderMergeFields(member.merge_fields) };
    const data: Record<string, unknown> =
      type === 'upemail'
        ? { list_id: member.listId, ...extra }
        : { id: member.id, list_id: member.listId, email: member.email_address, email_type: member.email_type, merges, ip_opt: '', web_id: member.web_id, ...extra };
    this.emitter.emit({ type, firedAt: this.clock.now(), data });
  }
}
