import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebhookPayloadError, WebhookSignatureError, type WebhookRequest } from '@tandem/connector-sdk';
import { ZendeskWebhooks } from './zendesk.webhooks.js';
import { zendeskKit, type ZdKit } from './zendesk.test-kit.js';

const NOW = Date.parse('2025-03-01T12:00:00Z');

/** Signed the way Zendesk documents it, independently of the connector: base64 HMAC-SHA256 over timestamp + body. */
function signed(body: object, secret: string, stamp = new Date(NOW).toISOString(), receivedAt = NOW): WebhookRequest {
  const raw = JSON.stringify(body);
  const signature = createHmac('sha256', secret)
    .update(stamp + raw)
    .digest('base64');
  return {
    method: 'POST',
    url: '/webhooks/zd',
    headers: { 'x-zendesk-webhook-signature': signature, 'x-zendesk-webhook-signature-timestamp': stamp },
    rawBody: Buffer.from(raw),
    receivedAt,
  };
}

let n = 0;
const event = (type: string, extra: Record<string, unknown> = {}) => ({
  account_id: 1,
  id: `evt-${++n}`,
  time: '2025-03-01T11:59:58Z',
  type: `zen:event-type:${type}`,
  zendesk_event_version: '2022-11-06',
  subject: 'zen:user:360001',
  detail: { id: '360001', email: 'x@example.test' },
  event: {},
  ...extra,
});

function reason(hooks: ZendeskWebhooks, req: WebhookRequest): string {
  try {
    hooks.verify(req);
    return 'accepted';
  } catch (error) {
    return error instanceof WebhookSignatureError ? error.reason : 'other';
  }
}

describe('ZendeskWebhooks verification', () => {
  it('accepts a good signature, and both secrets during a rotation', () => {
    const hooks = new ZendeskWebhooks(['new', 'old']);
    expect(reason(hooks, signed(event('user.created'), 'new'))).toBe('accepted');
    expect(reason(hooks, signed(event('user.created'), 'old'))).toBe('accepted');
  });

  it('rejects a forged signature, a body changed after signing, and missing headers', () => {
    const hooks = new ZendeskWebhooks(['s3cret']);
    expect(reason(hooks, signed(event('user.created'), 'guess'))).toBe('mismatch');
    const tampered = signed(event('user.created'), 's3cret');
    tampered.rawBody = Buffer.from(tampered.rawBody.toString().replace('360001', '360002'));
    expect(reason(hooks, tampered)).toBe('mismatch');
    const bare = signed(event('user.created'), 's3cret');
    bare.headers = {};
    expect(reason(hooks, bare)).toBe('missing-signature');
  });

  it('rejects a stale timestamp and a replayed event id', () => {
    const hooks = new ZendeskWebhooks(['s3cret'], { toleranceMs: 5 * 60_000 });
    const old = new Date(NOW - 10 * 60_000).toISOString();
    expect(reason(hooks, signed(event('user.created'), 's3cret', old))).toBe('stale');
    const once = event('user.created');
    expect(reason(hooks, signed(once, 's3cret'))).toBe('accepted');
    expect(reason(hooks, signed(once, 's3cret', new Date(NOW + 1000).toISOString(), NOW + 1000))).toBe('replayed');
  });
});

describe('ZendeskWebhooks parsing', () => {
  const hooks = new ZendeskWebhooks(['s3cret']);
  const parse = (body: object) => hooks.parse(signed(body, 's3cret'));

  it('reads the string id in detail and the event id and time of the envelope', () => {
    const body = event('user.name_changed');
    expect(parse(body)).toEqual([
      {
        kind: 'changed',
        object: 'users',
        id: '360001',
        eventId: body.id,
        occurredAt: Date.parse('2025-03-01T11:59:58Z'),
      },
    ]);
  });

  it('turns a merge into merged, a deactivation into deleted, and ignores ticket events', () => {
    expect(parse(event('user.merged', { event: { current: { id: '360009' } } }))[0]).toMatchObject({
      kind: 'merged',
      id: '360001',
      intoId: '360009',
    });
    expect(parse(event('user.active_changed', { event: { previous: true, current: false } }))[0]).toMatchObject({
      kind: 'deleted',
    });
    expect(parse(event('user.active_changed', { event: { previous: false, current: true } }))[0]).toMatchObject({
      kind: 'changed',
    });
    expect(parse(event('ticket.status_changed'))).toEqual([]);
    expect(parse(event('user.identity_changed', { type: 'zen:event-type/user.identity_changed' }))[0]).toMatchObject({
      kind: 'changed',
    });
  });

  it('refuses a user event without a user id and a body that is not JSON', () => {
    expect(() => parse(event('user.created', { detail: {}, subject: 'zen:user:' }))).toThrow(WebhookPayloadError);
    const req = signed({}, 's3cret');
    req.rawBody = Buffer.from('not json');
    expect(() => hooks.parse(req)).toThrow(WebhookPayloadError);
  });
});

describe('ZendeskWebhooks on simulator deliveries', () => {
  let kit: ZdKit;
  let close: () => Promise<void>;
  afterEach(async () => {
    await kit.close();
    await close();
  });

  it('verifies and parses what the simulator signs and sends for user writes', async () => {
    kit = await zendeskKit({ webhookSecrets: ['hook-secret'], webhookToleranceMs: 60 * 60_000 });
    const received: WebhookRequest[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({
          method: 'POST',
          url: req.url ?? '',
          headers: req.headers,
          rawBody: Buffer.concat(chunks),
          receivedAt: kit.simClock.now(),
        });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    close = () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve())));
    await kit.sb.zendesk.configureWebhook({
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/zd`,
      secret: 'hook-secret',
    });
    const [created] = await kit.drive(
      kit.connector.write('users', [{ op: 'create', ref: 'c', fields: { name: 'Hook', email: 'hook@example.test' } }]),
    );
    const id = created.status === 'ok' ? created.id : '';
    await kit.drive(kit.connector.write('users', [{ op: 'delete', ref: 'd', id }]));
    await kit.sb.zendesk.webhooksIdle();
    const handler = kit.connector.webhooks!;
    const hints = received.flatMap((req) => (handler.verify(req), handler.parse(req)));
    expect(hints.map((h) => [h.kind, h.id])).toEqual([
      ['changed', id],
      ['deleted', id],
    ]);
    expect(() => handler.verify(received[0])).toThrow(expect.objectContaining({ reason: 'replayed' }));
  });
});
