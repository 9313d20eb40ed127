import type { Clock } from './clock.js';
import { systemClock } from './clock.js';
import { BurstCounter, mergeFaults, noFaults, reformat, type Faults } from './faults.js';
import type { Reply, Router, SimRequest } from './http.js';
import { isRecord } from './http.js';
import type { Person } from './people.js';
import { Prng } from './prng.js';
import { Stats } from './stats.js';
import type { EmitterControl, WebhookTarget } from './webhook-emitter.js';

export interface SimulatorOptions<S> {
  clock?: Clock;
  settings?: Partial<S>;
  faults?: Partial<Faults>;
  /** Seeds the fault and id generators so a run replays. */
  randomSeed?: number;
  webhook?: WebhookTarget;
}

/**
 * State and behaviour every simulator shares: clock, settings, faults, stats, a seeded PRNG and a webhook emitter.
 * Subclasses supply the routes and the app's own error bodies.
 */
export abstract class Simulator<S extends object> {
  abstract readonly name: string;
  abstract readonly router: Router;
  readonly clock: Clock;
  readonly stats = new Stats();
  readonly rng: Prng;
  readonly burst = new BurstCounter();
  settings: S;
  faults: Faults;
  inFlight = 0;
  protected abstract readonly emitter: EmitterControl;

  protected constructor(defaults: S, options: SimulatorOptions<S>) {
    this.clock = options.clock ?? systemClock;
    this.rng = new Prng(options.randomSeed ?? 1);
    this.settings = { ...defaults };
    if (options.settings) this.setSettings(options.settings);
    this.faults = options.faults ? mergeFaults(noFaults(), options.faults) : noFaults();
  }

  /** The app's 429 for the burst429 fault. */
  abstract tooManyRequests(): Reply;
  /** The app's 5xx for the errorRate5xx fault. */
  abstract serverError(): Reply;
  abstract notFound(req: SimRequest): Reply;
  /** Auth and the app's own rate limits; a reply stops the request. */
  abstract guard(req: SimRequest): Reply | undefined;
  /** Clears records, jobs and limiter windows. */
  protected abstract clearData(): void;
  /** Loads this app's share of the generated people, without webhooks or write stats. */
  abstract seed(people: Person[]): number;
  abstract dump(): unknown;

  /** Runs before latency: Mailchimp's concurrency limiter lives here. */
  gate(_req: SimRequest): Reply | undefined {
    return undefined;
  }

  /** Adds headers every answer carries (rate-limit headers). */
  decorate(_req: SimRequest, _reply: Reply): void {}

  /** Stops timers; called when the server closes. */
  dispose(): void {}

  normalizePath(path: string): string {
    return path;
  }

  setFaults(patch: unknown): Faults {
    this.faults = mergeFaults(this.faults, patch);
    return this.faults;
  }

  clearFaults(): void {
    this.faults = noFaults();
    this.burst.reset();
  }

  /** Shallow-merges settings; each key must exist in the defaults and keep its type. */
  setSettings(patch: unknown): S {
    if (!isRecord(patch)) throw new Error('settings must be a JSON object');
    const next = { ...this.settings } as Record<string, unknown>;
    for (const [key, value] of Object.entries(patch)) {
      if (!(key in next)) throw new Error(`unknown setting ${key}`);
      const expected = next[key];
      if (expected !== null && value !== null && typeof expected !== typeof value) throw new Error(`setting ${key} has the wrong type`);
      next[key] = value;
    }
    this.settings = next as S;
    return this.settings;
  }

  reset(): void {
    this.clearData();
    this.stats.reset();
    this.clearFaults();
    this.emitter.reset();
  }

  /** Points webhooks at a URL (null = off). Mailchimp overrides this to ping the URL first. */
  configureWebhook(target: WebhookTarget | null): Promise<void> {
    this.emitter.configure(target);
    return Promise.resolve();
  }

  webhookTarget(): WebhookTarget | null {
    return this.emitter.current();
  }

  webhooksIdle(): Promise<void> {
    return this.emitter.idle();
  }

  webhookLog(): unknown {
    return this.emitter.log;
  }

  /** Applies the reformat-on-write fault to one field value, if it names this field. */
  reformatField(field: string, value: string | null | undefined): string | null | undefined {
    const rule = this.faults.reformatOnWrite;
    if (!rule || rule.field !== field || typeof value !== 'string' || value === '') return value;
    return reformat(value, rule.style);
  }
}
