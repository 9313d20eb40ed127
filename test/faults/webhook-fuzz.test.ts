/**
 * Malformed webhooks: random bodies and headers, and correctly signed deliveries whose bodies are random or
 * mangled, go into each connector's webhook handler. verify() throws only WebhookSignatureError; parse() returns
 * well-formed hints or throws only WebhookPayloadError. Nothing else escapes.
 */
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { WebhookPayloadError, WebhookSignatureError, type ChangeHint, type Connector, type WebhookRequest } from '@tandem/connector-sdk';
import { HubspotConnector } from '@tandem/connectors/hubspot';
import { MailchimpConnector } from '@tandem/connectors/mailchimp';
import { MemoryApp, MemoryConnector, signMemoryWebhook } from '@tandem/connectors/memory';
import { ZendeskConnector } from '@tandem/connectors/zendesk';
import { FUZZ_RUNS, SEED, Tally } from './fault-size.js';

const SECRET = 'fuzz-secret';
const NOW = Date.parse('2026-03-01T09:00:00Z');
const URL_BASE = 'https://engine.test/webhooks/app';
/** Per target, replaced at the start of each describe block. */
let tally = new Tally();

interface Target {
  name: string;
  connector: Connector;
  /** Headers (and URL) that make `body` authentic for this app. */
  sign(body: Buffer): { url: string; headers: Record<string, string> };
  /** Real-looking deliveries to mangle. */
  samples: string[];
}

const hubspotEvent = { eventId: 101, subscriptionId: 7, portalId: 62515, appId: 1, occurredAt: NOW, subscriptionType: 'contact.propertyChange', attemptNumber: 0, objectId: 1001, propertyName: 'firstname', propertyValue: 'Ada', changeSource: 'CRM' };
const zendeskEvent = { type: 'zen:event-type:user.name_changed', account_id: 1, id: 'evt-1', time: '2026-03-01T09:00:00Z', zendesk_event_version: '2022-11-06', subject: 'zen:user:501', detail: { id: '501', role: 'end-user' }, event: { current: 'Ada', previous: 'Ad' } };

const TARGETS: Target[] = [
  {
    name: 'hubspot',
    connector: new HubspotConnector({ token: 't', baseUrl: 'http://127.0.0.1:9', webhookSecrets: [SECRET] }),
    sign(body) {
      const ts = String(NOW);
      const sig = createHmac('sha256', SECRET).update(`POST${URL_BASE}${body.toString('utf8')}${ts}`, 'utf8').digest('base64');
      return { url: URL_BASE, headers: { 'x-hubspot-signature-v3': sig, 'x-hubspot-request-timestamp': ts, 'content-type': 'application/json' } };
    },
    samples: [JSON.stringify([hubspotEvent]), JSON.stringify([{ ...hubspotEvent, subscriptionType: 'contact.merge', primaryObjectId: 1001, mergedObjectIds: [1002, 1003] }, { ...hubspotEvent, eventId: 102, subscriptionType: 'contact.deletion' }])],
  },
  {
    name: 'mailchimp',
    connector: new MailchimpConnector({ baseUrl: 'http://127.0.0.1:9/3.0', apiKey: 'k-us21', listId: 'a1b2c3', webhookSecrets: [SECRET] }),
    sign: () => ({ url: `${URL_BASE}?secret=${SECRET}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
    samples: [
      'type=profile&fired_at=2026-03-01+09%3A00%3A00&data%5Bid%5D=8a25ff1d98&data%5Blist_id%5D=a1b2c3&data%5Bemail%5D=ada%40example.test&data%5Bmerges%5D%5BFNAME%5D=Ada',
      'type=upemail&fired_at=2026-03-01+09%3A00%3A00&data%5Blist_id%5D=a1b2c3&data%5Bnew_id%5D=51aa6d6&data%5Bnew_email%5D=b%40example.test&data%5Bold_email%5D=a%40example.test',
      'type=unsubscribe&data%5Baction%5D=delete&data%5Bemail%5D=ada%40example.test',
    ],
  },
  {
    name: 'zendesk',
    connector: new ZendeskConnector({ baseUrl: 'http://127.0.0.1:9/api/v2', auth: { oauthToken: 't' }, webhookSecrets: [SECRET] }),
    sign(body) {
      const ts = new Date(NOW).toISOString();
      const sig = createHmac('sha256', SECRET).update(`${ts}${body.toString('utf8')}`, 'utf8').digest('base64');
      return { url: URL_BASE, headers: { 'x-zendesk-webhook-signature': sig, 'x-zendesk-webhook-signature-timestamp': ts, 'content-type': 'application/json' } };
    },
    samples: [JSON.stringify(zendeskEvent), JSON.stringify({ ...zendeskEvent, type: 'zen:event-type:user.merged', event: { current: { id: 777 } } })],
  },
  {
    name: 'memory',
    connector: new MemoryConnector(new MemoryApp(), { webhookSecret: SECRET }),
    sign: (body) => ({ url: URL_BASE, headers: { 'x-memory-signature': signMemoryWebhook(SECRET, NOW, body), 'x-memory-timestamp': String(NOW) } }),
    samples: [JSON.stringify({ events: [{ eventId: 'e1', type: 'changed', object: 'contacts', id: 'm-1', occurredAt: NOW }, { eventId: 'e2', type: 'rekeyed', object: 'contacts', id: 'm-1', newId: 'm-2', occurredAt: NOW }] })],
  },
];

/** Replaces one node of a JSON sample by random data (or cuts the text when it is not JSON). */
function mangle(sample: string, pick: number, value: unknown, cut: number): string {
  let doc: unknown;
  try {
    doc = JSON.parse(sample);
  } catch {
    return sample.slice(0, cut % (sample.length + 1));
  }
  const nodes: { parent: Record<string | number, unknown>; key: string | number }[] = [];
  const walk = (node: unknown) => {
    if (node === null || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      nodes.push({ parent: node as Record<string | number, unknown>, key: Array.isArray(node) ? Number(k) : k });
      walk(v);
    }
  };
  walk(doc);
  const at = nodes[pick % Math.max(1, nodes.length)];
  if (at) at.parent[at.key] = value;
  return JSON.stringify(doc);
}

const headerValue = fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 3 }), fc.constant(undefined));
const headerName = fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('x-hubspot-signature-v3', 'X-HubSpot-Request-Timestamp', 'x-zendesk-webhook-signature', 'x-zendesk-webhook-signature-timestamp', 'x-memory-signature', 'x-memory-timestamp', 'content-type'));
const randomHeaders = fc.dictionary(headerName, headerValue, { maxKeys: 6 });

function bodyFor(target: Target): fc.Arbitrary<Buffer> {
  return fc.oneof(
    fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
    fc.jsonValue({ maxDepth: 3 }).map((v) => Buffer.from(JSON.stringify(v) ?? '')),
    fc.string({ maxLength: 200 }).map((s) => Buffer.from(s)),
    fc.tuple(fc.constantFrom(...target.samples), fc.nat(), fc.jsonValue({ maxDepth: 2 }), fc.nat()).map(([s, pick, value, cut]) => Buffer.from(mangle(s, pick, value, cut))),
    fc.tuple(fc.constantFrom(...target.samples), fc.nat()).map(([s, cut]) => Buffer.from(s.slice(0, cut % (s.length + 1)))),
  );
}

function request(rawBody: Buffer, url: string, headers: WebhookRequest['headers'], receivedAt = NOW): WebhookRequest {
  return { method: 'POST', url, headers, rawBody, receivedAt };
}

function expectOnly(run: () => unknown, allowed: (new (...args: never[]) => Error)[]): unknown {
  try {
    return run();
  } catch (err) {
    if (!allowed.some((type) => err instanceof type)) tally.crashes += 1;
    expect(allowed.some((type) => err instanceof type) ? 'typed' : err).toBe('typed');
    return undefined;
  }
}

function expectWellFormed(hints: ChangeHint[]): void {
  expect(Array.isArray(hints)).toBe(true);
  for (const hint of hints) {
    expect(['changed', 'deleted', 'rekeyed', 'merged']).toContain(hint.kind);
    expect(typeof hint.id === 'string' && hint.id !== '').toBe(true);
    expect(typeof hint.object === 'string' && hint.object !== '').toBe(true);
    if (hint.kind === 'rekeyed') expect(typeof hint.newId === 'string' && hint.newId !== '').toBe(true);
    if (hint.kind === 'merged') expect(typeof hint.intoId === 'string' && hint.intoId !== '').toBe(true);
  }
}

describe.each(TARGETS)('$name webhooks under malformed deliveries', (target) => {
  const handler = target.connector.webhooks;

  beforeAll(() => {
    tally = new Tally();
  });
  afterAll(() => tally.print(`webhook fuzz, ${target.name}`));

  it('has a webhook handler to fuzz', () => {
    expect(handler).toBeDefined();
  });

  it('refuses random unsigned requests with a WebhookSignatureError only', () => {
    fc.assert(
      fc.property(bodyFor(target), randomHeaders, fc.string({ maxLength: 60 }), fc.integer(), (body, headers, path, skew) => {
        tally.scenarios += 1;
        expectOnly(() => handler?.verify(request(body, `${URL_BASE}/${path}`, headers, NOW + skew)), [WebhookSignatureError]);
      }),
      { numRuns: FUZZ_RUNS, seed: SEED },
    );
  });

  it('parses authentic deliveries with random or mangled bodies into well-formed hints or a WebhookPayloadError', () => {
    fc.assert(
      fc.property(bodyFor(target), (body) => {
        tally.scenarios += 1;
        const { url, headers } = target.sign(body);
        const req = request(body, url, headers);
        // A repeated body may be refused as a replay: that is a signature error, which is allowed.
        expectOnly(() => handler?.verify(req), [WebhookSignatureError]);
        const hints = expectOnly(() => handler?.parse(req), [WebhookPayloadError]);
        if (hints !== undefined) expectWellFormed(hints as ChangeHint[]);
      }),
      { numRuns: FUZZ_RUNS, seed: SEED },
    );
  });

  it('accepts its own untouched sample deliveries, so the mangling starts from valid input', () => {
    for (const sample of target.samples) {
      const body = Buffer.from(sample);
      const { url, headers } = target.sign(body);
      const req = request(body, url, headers, NOW + 1);
      expect(() => target.connector.webhooks?.parse(req)).not.toThrow();
    }
  });
});
