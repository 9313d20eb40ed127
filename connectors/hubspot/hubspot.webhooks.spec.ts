import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebhookPayloadError, WebhookSignatureError, type WebhookRequest } from '@tandem/connector-sdk';
import { HubspotWebhooks } from './hubspot.webhooks.js';
import { hubspotKit } from './hubspot.test-kit.js';

const URL_SIGNED = 'https://sync.example.test/webhooks/hubspot';
const NOW = Date.parse('2025-03-01T12:00:00Z');

/** Signs independently of the connector: base64 HMAC-SHA256(secret, method + uri + body + timestamp). */
function sign(secret: string, body: string, timestamp: number, uri = URL_SIGNED): string {
  return createHmac('sha256', secret).update(`POST${uri}${body}${timestamp}`).digest('base64');
}

function delivery(events: unknown[], options: { secret?: string; timestamp?: number; receivedAt?: number; body?: string } = {}): WebhookRequest {
  const body = options.body ?? JSON.stringify(events);
  const timestamp = options.timestamp ?? NOW;
  return {
    method: 'POST',
    url: URL_SIGNED,
    headers: {
      'content-type': 'application/json',
      'x-hubspot-signature-v3': sign(options.secret ?? 'secret-new', JSON.stringify(events), timestamp),
      'x-hubspot-request-timestamp': String(timestamp),
    },
    rawBody: Buffer.from(body),
    receivedAt: options.receivedAt ?? NOW + 1_000,
  };
}

const event = (eventId: number, subscriptionType: string, objectId: number, extra: Record<string, unknown> = {}) => ({
  eventId,
  subscriptionId: 1,
  portalId: 62515,
  appId: 54321,
  occurredAt: NOW - 500,
  subscriptionType,
  attemptNumber: 0,
  objectId,
  changeSource: 'CRM_UI',
  ...extra,
});

const reason = (fn: () => void): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (error) {
    if (error instanceof WebhookSignatureError) return error.reason;
    throw error;
  }
};

describe('HubSpot webhook signatures (v3)', () => {
  const handler = () => new HubspotWebhooks({ secrets: ['secret-old', 'secret-new'] });

  it('accepts a delivery signed with the current secret', () => {
    expect(reason(() => handler().verify(delivery([event(1, 'contact.creation', 101)])))).toBeUndefined();
  });

  it('still accepts the old secret while a rotation is under way, and not after it', () => {
    const old = delivery([event(2, 'contact.creation', 101)], { secret: 'secret-old' });
    expect(reason(() => handler().verify(old))).toBeUndefined();
    expect(reason(() => new HubspotWebhooks({ secrets: ['secret-new'] }).verify(old))).toBe('mismatch');
  });

  it('refuses a forged signature and a body changed after signing', () => {
    expect(reason(() => handler().verify(delivery([event(3, 'contact.creation', 101)], { secret: 'guess' })))).toBe('mismatch');
    const tampered = delivery([event(4, 'contact.creation', 101)], { body: JSON.stringify([event(4, 'contact.deletion', 101)]) });
    expect(reason(() => handler().verify(tampered))).toBe('mismatch');
  });

  it('refuses a delivery stamped more than five minutes ago', () => {
    const stale = delivery([event(5, 'contact.creation', 101)], { timestamp: NOW - 301_000, receivedAt: NOW });
    expect(reason(() => handler().verify(stale))).toBe('stale');
    const recent = delivery([event(6, 'contact.creation', 101)], { timestamp: NOW - 299_000, receivedAt: NOW });
    expect(reason(() => handler().verify(recent))).toBeUndefined();
  });

  it('refuses a captured delivery sent again, but lets HubSpot retry with a higher attempt number', () => {
    const webhooks = handler();
    const first = delivery([event(7, 'contact.propertyChange', 101)]);
    webhooks.verify(first);
    expect(reason(() => webhooks.verify(first))).toBe('replayed');
    const retry = delivery([event(7, 'contact.propertyChange', 101, { attemptNumber: 1 })], { timestamp: NOW + 60_000, receivedAt: NOW + 60_500 });
    expect(reason(() => webhooks.verify(retry))).toBeUndefined();
  });

  it('refuses a delivery without a signature or with an unreadable timestamp', () => {
    const unsigned = delivery([event(8, 'contact.creation', 101)]);
    delete unsigned.headers['x-hubspot-signature-v3'];
    expect(reason(() => handler().verify(unsigned))).toBe('missing-signature');
    const garbled = delivery([event(9, 'contact.creation', 101)]);
    garbled.headers['x-hubspot-request-timestamp'] = 'yesterday';
    expect(reason(() => handler().verify(garbled))).toBe('missing-timestamp');
  });

  it('verifies against the configured public URL when the engine sits behind a proxy', () => {
    const req = { ...delivery([event(10, 'contact.creation', 101)]), url: 'http://10.0.0.5:3000/webhooks/hubspot' };
    expect(reason(() => handler().verify(req))).toBe('mismatch');
    const proxied = new HubspotWebhooks({ secrets: ['secret-new'], publicUrl: URL_SIGNED });
    expect(reason(() => proxied.verify(req))).toBeUndefined();
  });
});

describe('HubSpot webhook events', () => {
  const parse = (events: unknown[]) => new HubspotWebhooks({ secrets: ['s'] }).parse(delivery(events));

  it('turns creations and property changes into changed hints, deletions into deleted', () => {
    const hints = parse([
      event(1, 'contact.creation', 101),
      event(2, 'contact.propertyChange', 102, { propertyName: 'firstname', propertyValue: 'Ann' }),
      event(3, 'contact.deletion', 103),
      event(4, 'contact.privacyDeletion', 104),
      event(5, 'company.propertyChange', 9001),
    ]);
    expect(hints).toEqual([
      { kind: 'changed', object: 'contacts', id: '101', eventId: '1', occurredAt: NOW - 500 },
      { kind: 'changed', object: 'contacts', id: '102', eventId: '2', occurredAt: NOW - 500 },
      { kind: 'deleted', object: 'contacts', id: '103', eventId: '3', occurredAt: NOW - 500 },
      { kind: 'deleted', object: 'contacts', id: '104', eventId: '4', occurredAt: NOW - 500 },
      { kind: 'changed', object: 'companies', id: '9001', eventId: '5', occurredAt: NOW - 500 },
    ]);
  });

  it('reports a merge as the merged ids going into the primary, which changed', () => {
    const hints = parse([event(6, 'contact.merge', 201, { primaryObjectId: 201, mergedObjectIds: [202, 203] })]);
    expect(hints.map((h) => [h.kind, h.id, 'intoId' in h ? h.intoId : null])).toEqual([
      ['merged', '202', '201'],
      ['merged', '203', '201'],
      ['changed', '201', null],
    ]);
  });

  it('ignores subscription types the engine has no use for', () => {
    expect(parse([event(7, 'contact.associationChange', 101), event(8, 'deal.creation', 5)])).toEqual([]);
  });

  it('rejects a body that is not a JSON array of events', () => {
    const handler = new HubspotWebhooks({ secrets: ['s'] });
    expect(() => handler.parse(delivery([], { body: '{"not":"an array"}' }))).toThrow(WebhookPayloadError);
    expect(() => handler.parse(delivery([], { body: 'not json' }))).toThrow(WebhookPayloadError);
    expect(() => handler.parse(delivery([], { body: '[{"eventId":1}]' }))).toThrow(WebhookPayloadError);
  });

  it('rejects a merge whose mergedObjectIds is not a list with a WebhookPayloadError, not a TypeError', () => {
    const merge = event(9, 'contact.merge', 201, { primaryObjectId: 201, mergedObjectIds: 0 });
    expect(() => parse([merge])).toThrow(new WebhookPayloadError('hubspot webhook delivery: [0].mergedObjectIds is not a list'));
  });

  it('answers any value in any field of a real delivery with well-formed hints or a WebhookPayloadError only', () => {
    const merge = event(10, 'contact.merge', 201, { primaryObjectId: 201, mergedObjectIds: [202] });
    const keys = Object.keys(merge);
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.jsonValue({ maxDepth: 2 }), (key, value) => {
        let hints;
        try {
          hints = parse([{ ...merge, [key]: value }, event(11, 'contact.deletion', 7)]);
        } catch (error) {
          expect(error).toBeInstanceOf(WebhookPayloadError);
          return;
        }
        for (const hint of hints) {
          expect(typeof hint.id === 'string' && hint.id !== '').toBe(true);
          if (hint.kind === 'merged') expect(typeof hint.intoId === 'string' && hint.intoId !== '').toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('HubSpot webhooks from the simulator', () => {
  it('verifies and parses what the simulator sends when a contact is created', async () => {
    const received: Array<{ url: string; headers: IncomingHttpHeaders; body: Buffer }> = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const target = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/hubspot`;
    const kit = await hubspotKit();
    try {
      await kit.sb.hubspot.configureWebhook({ url: target, secret: 'client-secret' });
      const connector = kit.connect({ webhookSecrets: ['client-secret'], webhookUrl: target });
      const [created] = await connector.write('contacts', [{ op: 'create', ref: 'c', fields: { email: 'hook@example.test' } }]);
      await kit.sb.hubspot.webhooksIdle();
      expect(received).toHaveLength(1);
      const req: WebhookRequest = { method: 'POST', url: received[0].url, headers: received[0].headers, rawBody: received[0].body, receivedAt: kit.clock.now() };
      expect(() => connector.webhooks?.verify(req)).not.toThrow();
      expect(connector.webhooks?.parse(req)).toEqual([expect.objectContaining({ kind: 'changed', object: 'contacts', id: (created as { id: string }).id })]);
    } finally {
      await kit.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
