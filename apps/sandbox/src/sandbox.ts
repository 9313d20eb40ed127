import type { Clock } from './common/clock.js';
import type { Faults } from './common/faults.js';
import { generatePeople, type Person } from './common/people.js';
import { serve, type RunningServer } from './common/server.js';
import type { Simulator, SimulatorOptions } from './common/simulator.js';
import type { StatsSnapshot } from './common/stats.js';
import type { WebhookTarget } from './common/webhook-emitter.js';
import { HubspotSimulator, type HubspotSettings } from './hubspot/hubspot.simulator.js';
import { MailchimpSimulator, type MailchimpSettings } from './mailchimp/mailchimp.simulator.js';
import { ZendeskSimulator, type ZendeskSettings } from './zendesk/zendesk.simulator.js';

export interface SandboxOptions {
  /** Ports per app; 0 (the default) picks a free one. Always bound to 127.0.0.1. */
  ports?: { hubspot?: number; mailchimp?: number; zendesk?: number };
  /** How many people to generate and spread over the three apps (default 50; 0 = empty apps). */
  seed?: number;
  /** PRNG seed for people, ids and faults (default 42). */
  randomSeed?: number;
  /** Shared clock; pass a ManualClock for deterministic lag, windows and jobs. */
  clock?: Clock;
  hubspot?: Omit<SimulatorOptions<HubspotSettings>, 'clock'>;
  mailchimp?: Omit<SimulatorOptions<MailchimpSettings>, 'clock'>;
  zendesk?: Omit<SimulatorOptions<ZendeskSettings>, 'clock'>;
}

/** One running simulator with in-process admin handles (the same things `/__admin/*` offers over HTTP). */
export interface SandboxApp<S extends object, Sim extends Simulator<S>> {
  name: string;
  url: string;
  port: number;
  sim: Sim;
  stats(): StatsSnapshot;
  setFaults(patch: Partial<Faults>): Faults;
  setSettings(patch: Partial<S>): S;
  reset(): void;
  configureWebhook(target: WebhookTarget | null): Promise<void>;
  /** Resolves when no webhook is queued or in flight. */
  webhooksIdle(): Promise<void>;
}

export interface Sandbox {
  hubspot: SandboxApp<HubspotSettings, HubspotSimulator> & { credentials: { token: string } };
  mailchimp: SandboxApp<MailchimpSettings, MailchimpSimulator> & { credentials: { apiKey: string; listId: string } };
  zendesk: SandboxApp<ZendeskSettings, ZendeskSimulator> & { credentials: { email: string; token: string; oauthToken: string } };
  people: Person[];
  close(): Promise<void>;
}

function handle<S extends object, Sim extends Simulator<S>>(sim: Sim, server: RunningServer): SandboxApp<S, Sim> {
  return {
    name: sim.name,
    url: server.url,
    port: server.port,
    sim,
    stats: () => sim.stats.snapshot(),
    setFaults: (patch) => sim.setFaults(patch),
    setSettings: (patch) => sim.setSettings(patch),
    reset: () => sim.reset(),
    configureWebhook: (target) => sim.configureWebhook(target),
    webhooksIdle: () => sim.webhooksIdle(),
  };
}

/** Starts the three simulators on 127.0.0.1, seeded with the same generated people. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const randomSeed = options.randomSeed ?? 42;
  const clock = options.clock;
  const hubspot = new HubspotSimulator({ randomSeed, ...options.hubspot, clock });
  const mailchimp = new MailchimpSimulator({ randomSeed: randomSeed + 1, ...options.mailchimp, clock });
  const zendesk = new ZendeskSimulator({ randomSeed: randomSeed + 2, ...options.zendesk, clock });
  const people = generatePeople(options.seed ?? 50, randomSeed, hubspot.clock.now());
  for (const sim of [hubspot, mailchimp, zendesk] as Simulator<object>[]) sim.seed(people);
  const servers: RunningServer[] = [];
  try {
    servers.push(await serve(hubspot, options.ports?.hubspot ?? 0));
    servers.push(await serve(mailchimp, options.ports?.mailchimp ?? 0));
    servers.push(await serve(zendesk, options.ports?.zendesk ?? 0));
  } catch (error) {
    await Promise.all(servers.map((s) => s.close()));
    zendesk.dispose();
    throw error;
  }
  const [hs, mc, zd] = servers as [RunningServer, RunningServer, RunningServer];
  return {
    hubspot: { ...handle<HubspotSettings, HubspotSimulator>(hubspot, hs), credentials: { token: hubspot.settings.tokens[0] ?? '' } },
    mailchimp: { ...handle<MailchimpSettings, MailchimpSimulator>(mailchimp, mc), credentials: { apiKey: mailchimp.settings.apiKeys[0] ?? '', listId: mailchimp.settings.listIds[0] ?? '' } },
    zendesk: {
      ...handle<ZendeskSettings, ZendeskSimulator>(zendesk, zd),
      credentials: { email: zendesk.settings.agentEmail, token: zendesk.settings.apiTokens[0] ?? '', oauthToken: zendesk.settings.oauthTokens[0] ?? '' },
    },
    people,
    close: async () => {
      await Promise.all(servers.map((s) => s.close()));
    },
  };
}
