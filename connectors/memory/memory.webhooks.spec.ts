import type { WebhookRequest } from '@tandem/connector-sdk';
import { MemoryClock, MemoryApp } from './memory.app.js';
import { MemoryConnector } from './memory.connector.js';
import {
  MEMORY_SIGNATURE_HEADER,
  MEMORY_TIMESTAMP_HEADER,
  memoryWebhookRequest,
  MemoryWebhooks,
} from './memory.webhooks.js';

const secret = 'shh-test-secret';
const now = 1_700_000_000_000;

function appWithEvents() {
  const clock = new MemoryClock(now);
  const app = new MemoryApp({ clock: clock.now, idFromField: 'email' });
  const a = app.userCreate({ email: 'a@example.test' });
  const b = app.userCreate({ email: 'b@example.test' });
  app.userEdit(a, { firstname: 'Ada' });
  app.userEdit(b, { email: 'b2@example.test' });
  return { app, a, b };
}

describe('memory webhooks', () => {
  const handler = new MemoryWebhooks({ secret });

  it('verifies a delivery signed with the shared secret and parses every event into a hint', () => {
    const { app, a, b } = appWithEvents();
    const req = memoryWebhookRequest(app.takeEvents(), { secret, timestamp: now });
    expect(() => handler.verify(req)).not.toThrow();
    const hints = handler.parse(req);
    expect(hints.map((h) => [h.kind, h.id])).toEqual([
      ['changed', a],
      ['changed', b],
      ['changed', a],
      ['rekeyed', b],
    ]);
    expect(hints[3]).toMatchObject({
      newId: app.events[3].newId,
      eventId: 'ev-4',
      object: 'contacts',
      occurredAt: now,
    });
  });

  it('rejects a body altered after signing', () => {
    const { app } = appWithEvents();
    const req = memoryWebhookRequest(app.takeEvents(), { secret, timestamp: now });
    const tampered: WebhookRequest = {
      ...req,
      rawBody: Buffer.from(req.rawBody.toString().replace('changed', 'deleted')),
    };
    expect(() => handler.verify(tampered)).toThrow(
      expect.objectContaining({ code: 'CONNECTOR_WEBHOOK_SIGNATURE_INVALID', reason: 'mismatch', httpStatus: 401 }),
    );
  });

  it('rejects a replayed delivery whose timestamp was moved forward', () => {
    const { app } = appWithEvents();
    const req = memoryWebhookRequest(app.takeEvents(), { secret, timestamp: now });
    const replayed = {
      ...req,
      headers: { ...req.headers, [MEMORY_TIMESTAMP_HEADER]: String(now + 3_600_000) },
      receivedAt: now + 3_600_000,
    };
    expect(() => handler.verify(replayed)).toThrow(/signature does not match/);
  });

  it('rejects a delivery outside the timestamp tolerance, or without its headers', () => {
    const { app } = appWithEvents();
    const req = memoryWebhookRequest(app.takeEvents(), { secret, timestamp: now, receivedAt: now + 6 * 60_000 });
    expect(() => handler.verify(req)).toThrow(expect.objectContaining({ reason: 'stale' }));
    const bare = {
      ...req,
      receivedAt: now,
      headers: { [MEMORY_SIGNATURE_HEADER]: req.headers[MEMORY_SIGNATURE_HEADER] },
    };
    expect(() => handler.verify(bare)).toThrow(expect.objectContaining({ reason: 'missing-timestamp' }));
    const unsigned = { ...req, receivedAt: now, headers: { [MEMORY_TIMESTAMP_HEADER]: String(now) } };
    expect(() => handler.verify(unsigned)).toThrow(expect.objectContaining({ reason: 'missing-signature' }));
    expect(() => new MemoryWebhooks({ secret: 'other' }).verify({ ...req, receivedAt: now })).toThrow(/does not match/);
  });

  it('rejects a body that is not the memory app event shape', () => {
    const bad = (body: string): WebhookRequest => ({
      method: 'POST',
      url: '/',
      headers: {},
      rawBody: Buffer.from(body),
      receivedAt: now,
    });
    expect(() => handler.parse(bad('not json'))).toThrow(
      expect.objectContaining({ code: 'CONNECTOR_WEBHOOK_PAYLOAD_INVALID', httpStatus: 400 }),
    );
    expect(() =>
      handler.parse(bad('{"events":[{"eventId":"e","type":"rekeyed","object":"contacts","id":"x"}]}')),
    ).toThrow(/newId/);
    expect(() =>
      handler.parse(bad('{"events":[{"eventId":"e","type":"exploded","object":"contacts","id":"x"}]}')),
    ).toThrow(/unknown type/);
  });

  it('is offered by a connector configured with a webhook secret', () => {
    const { app } = appWithEvents();
    expect(new MemoryConnector(app).webhooks).toBeUndefined();
    const connector = new MemoryConnector(app, { webhookSecret: secret });
    const req = memoryWebhookRequest(app.takeEvents(), { secret, timestamp: now });
    expect(connector.webhooks!.parse(req)).toHaveLength(4);
  });
});
