/**
 * Malformed API responses: each connector talks to a sandbox app through a proxy that damages its responses
 * (wrong statuses, cut bodies, random JSON, swapped nodes, garbage, dropped connections). Every read, fetch,
 * findByKey and write either succeeds or fails with a typed TandemError — never a TypeError, never an unhandled rejection.
 */
import fc from 'fast-check';
import type { Clock, Connector, WriteOp } from '@tandem/connector-sdk';
import { TandemError } from '@tandem/core';
import { HubspotConnector } from '@tandem/connectors/hubspot';
import { MailchimpConnector } from '@tandem/connectors/mailchimp';
import { ZendeskConnector } from '@tandem/connectors/zendesk';
// The sandbox is an app with no path alias; tests reach it by path, as the connector test kits do.
// eslint-disable-next-line no-restricted-imports
import { startSandbox, type Sandbox } from '../../apps/sandbox/src/index.js';
import { FUZZ_RUNS, SEED, Tally } from './fault-size.js';
import { startManglingProxy, type Damage, type ManglingProxy } from './mangling-proxy.js';

/** Sleeps take no real time, so backoff, Retry-After and job polling run at full speed. */
function jumpClock(): Clock {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    sleep: async (ms) => {
      offset += Math.max(0, ms);
    },
  };
}

const RETRIES = { count: 1, minTimeout: 1, maxTimeout: 2 };

interface Case {
  name: string;
  object: string;
  key: string;
  connect(url: string, sb: Sandbox): Connector;
  proxy?: ManglingProxy;
  connector?: Connector;
  ids: string[];
}

const CASES: Case[] = [
  { name: 'hubspot', object: 'contacts', key: 'email', ids: [], connect: (url, sb) => new HubspotConnector({ token: sb.hubspot.credentials.token, baseUrl: url, requestsPerWindow: 1_000_000, searchPerSecond: 1000, searchLagMs: 0, clock: jumpClock(), retries: RETRIES, timeoutMs: 5000 }) },
  { name: 'mailchimp', object: 'members', key: 'email_address', ids: [], connect: (url, sb) => new MailchimpConnector({ baseUrl: `${url}/3.0`, apiKey: sb.mailchimp.credentials.apiKey, listId: sb.mailchimp.credentials.listId, statusIfNew: 'subscribed', clock: jumpClock(), retries: RETRIES }) },
  { name: 'zendesk', object: 'users', key: 'email', ids: [], connect: (url, sb) => new ZendeskConnector({ baseUrl: `${url}/api/v2`, auth: { email: sb.zendesk.credentials.email, token: sb.zendesk.credentials.token }, requestsPerMinute: 1_000_000, incrementalPerMinute: 1_000_000, jobPollMs: 5, jobTimeoutMs: 2000, clock: jumpClock(), retries: RETRIES }) },
];

const damageArb: fc.Arbitrary<Damage> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ kind: 'pass' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('status' as const), status: fc.constantFrom(200, 201, 204, 207, 301, 400, 401, 403, 404, 409, 410, 422, 429, 500, 502, 503, 504), retryAfter: fc.option(fc.oneof(fc.constantFrom('0', '1', '-5', 'soon', '1e309'), fc.string({ maxLength: 8 })), { nil: undefined }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('replace' as const), body: fc.jsonValue({ maxDepth: 3 }) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('node' as const), pick: fc.nat(), value: fc.jsonValue({ maxDepth: 2 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('garbage' as const), bytes: fc.uint8Array({ maxLength: 64 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }) },
);

type Op = { kind: 'read' } | { kind: 'fetch' } | { kind: 'findByKey' } | { kind: 'update'; first: string } | { kind: 'create'; n: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.constant({ kind: 'read' as const }),
  fc.constant({ kind: 'fetch' as const }),
  fc.constant({ kind: 'findByKey' as const }),
  fc.record({ kind: fc.constant('update' as const), first: fc.constantFrom('Ada', 'Grace', '') }),
  fc.record({ kind: fc.constant('create' as const), n: fc.nat({ max: 1_000_000 }) }),
);

async function runOp(c: Case, op: Op): Promise<void> {
  const conn = c.connector as Connector;
  const first = c.name === 'hubspot' ? 'firstname' : c.name === 'mailchimp' ? 'merge_fields.FNAME' : 'user_fields.first_name';
  switch (op.kind) {
    case 'read': {
      let pages = 0;
      for await (const page of conn.read(c.object, null)) if (++pages >= 3 || page.records.length < 0) break;
      return;
    }
    case 'fetch':
      await conn.fetch(c.object, c.ids.slice(0, 3));
      return;
    case 'findByKey':
      await conn.findByKey(c.object, c.key, ['nobody@example.test']);
      return;
    case 'update': {
      const ops: WriteOp[] = c.ids.slice(0, 2).map((id, i) => ({ op: 'update', ref: `u${i}`, id, fields: { [first]: op.first } }));
      await conn.write(c.object, ops);
      return;
    }
    case 'create': {
      const fields: Record<string, unknown> = { [c.key]: `fuzz${op.n}@example.test`, [first]: 'Fuzz' };
      if (c.name === 'zendesk') fields.name = 'Fuzz Person';
      await conn.write(c.object, [{ op: 'create', ref: 'c0', fields }]);
      return;
    }
  }
}

describe('connectors under damaged API responses', () => {
  let sb: Sandbox;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    sb = await startSandbox({
      seed: 40,
      hubspot: { settings: { burstLimit: 0, searchPerSecond: 0, searchLagMs: 0 } },
      mailchimp: { settings: { maxConcurrent: 1000 } },
      zendesk: { settings: { requestsPerMinute: 1_000_000, incrementalPerMinute: 1_000_000, perUserUpdatesPerMinute: 0, jobQueuedMs: 0, jobWorkingMs: 0 } },
    });
    const urls: Record<string, string> = { hubspot: sb.hubspot.url, mailchimp: sb.mailchimp.url, zendesk: sb.zendesk.url };
    for (const c of CASES) {
      c.proxy = await startManglingProxy(urls[c.name] as string);
      c.connector = c.connect(c.proxy.url, sb);
      // Real ids, read once undamaged, so fetches and updates aim at records that exist.
      for await (const page of c.connector.read(c.object, null)) c.ids.push(...page.records.map((r) => r.id));
    }
  });

  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    for (const c of CASES) await c.proxy?.close();
    await sb?.close();
  });

  it.each(CASES)('$name: every call succeeds or fails with a typed TandemError', async (c) => {
    const tally = new Tally();
    expect(c.ids.length).toBeGreaterThan(0);
    await fc.assert(
      fc.asyncProperty(opArb, fc.array(damageArb, { minLength: 1, maxLength: 4 }), async (op, damages) => {
        tally.scenarios += 1;
        c.proxy?.script(damages);
        try {
          await runOp(c, op);
        } catch (err) {
          if (!(err instanceof TandemError)) tally.crashes += 1;
          expect(err instanceof TandemError ? 'typed' : err).toBe('typed');
        } finally {
          c.proxy?.script([]);
        }
      }),
      { numRuns: FUZZ_RUNS, seed: SEED },
    );
    tally.print(`api fuzz, ${c.name}`);
  }, 170_000);

  it('left no unhandled promise rejection behind', async () => {
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(unhandled.map((r) => (r instanceof Error ? `${r.name}: ${r.message}` : String(r)))).toEqual([]);
  });
});
