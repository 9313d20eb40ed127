/**
 * The webhook receiver end to end: forged, stale and replayed deliveries get 401, an unknown connection 404, a
 * malformed body 400, Mailchimp's validation GET 200; a redelivery is stored once (engine-webhook-effects.test.ts
 * covers what processed webhooks write).
 */
// eslint-disable-next-line no-restricted-imports -- apps have no @tandem alias
import { signHubspotV3, signZendesk } from '../../apps/sandbox/src/index.js';
// eslint-disable-next-line no-restricted-imports -- apps have no @tandem alias
import type { RunningEngine } from '../../apps/engine/src/engine.js';
import {
  converged,
  ledgerTargets,
  peopleByApp,
  pointWebhooksAt,
  startStack,
  waitFor,
  type Stack,
} from './engine-kit.js';

const targets = await ledgerTargets();

function secretOf(stack: Stack, connection: string): string {
  return String(stack.config.connections[connection]?.settings.webhookSecret);
}

function hubspotEvents(eventId: number, objectId: string, attemptNumber = 0): string {
  return JSON.stringify([
    { eventId, subscriptionId: 100002, portalId: 1, appId: 1, occurredAt: Date.now(), subscriptionType: 'contact.propertyChange', attemptNumber, objectId: Number(objectId), changeSource: 'CRM' },
  ]);
}

async function postHubspot(engine: RunningEngine, secret: string, body: string, timestamp = Date.now()): Promise<Response> {
  const url = `${engine.url}/webhooks/crm`;
  const stamp = String(timestamp);
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hubspot-request-timestamp': stamp, 'x-hubspot-signature-v3': signHubspotV3(secret, 'POST', url, body, stamp) },
    body,
  });
}

describe.each(targets)('the webhook receiver on %s', (target) => {
  let stack: Stack;
  let engine: RunningEngine;
  let contactId: string;
  let email: string;

  beforeAll(async () => {
    stack = await startStack(target, { seed: 20 });
    engine = await stack.startEngine();
    await pointWebhooksAt(stack, engine);
    await waitFor('the demo to converge', () => converged(stack), 30_000);
    const { crm, mail, helpdesk } = await peopleByApp(stack);
    email = [...mail.keys()].find((e) => crm.has(e) && helpdesk.has(e)) as string;
    contactId = crm.get(email)!.id;
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
  }, 30_000);

  it('refuses a forged signature with 401', async () => {
    const body = hubspotEvents(9_000_001, contactId);
    const res = await postHubspot(engine, 'not-the-secret', body);
    expect(res.status).toBe(401);
  });

  it('refuses a stale delivery with 401 even when its signature is right', async () => {
    const res = await postHubspot(engine, secretOf(stack, 'crm'), hubspotEvents(9_000_002, contactId), Date.now() - 10 * 60_000);
    expect(res.status).toBe(401);
  });

  it('refuses a replayed delivery with 401 and stores the first one once', async () => {
    const body = hubspotEvents(9_000_003, contactId);
    const first = await postHubspot(engine, secretOf(stack, 'crm'), body);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ received: true, duplicate: false });
    expect((await postHubspot(engine, secretOf(stack, 'crm'), body)).status).toBe(401);
    // HubSpot's own retry carries a higher attempt number: accepted, and recognised as the same event.
    const retry = await postHubspot(engine, secretOf(stack, 'crm'), hubspotEvents(9_000_003, contactId, 1));
    expect(retry.status).toBe(200);
    expect(await retry.json()).toEqual({ received: true, duplicate: true });
  });

  it('refuses a forged and a replayed Zendesk delivery with 401', async () => {
    const url = `${engine.url}/webhooks/helpdesk`;
    const body = JSON.stringify({ id: 'e2e-zd-1', time: new Date().toISOString(), type: 'zen:event-type:user.name_changed', subject: 'zen:user:1', detail: { id: '1' }, event: {} });
    const stamp = new Date().toISOString();
    const send = (signature: string) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-zendesk-webhook-signature-timestamp': stamp, 'x-zendesk-webhook-signature': signature }, body });
    expect((await send(signZendesk('wrong', stamp, body))).status).toBe(401);
    expect((await send(signZendesk(secretOf(stack, 'helpdesk'), stamp, body))).status).toBe(200);
    expect((await send(signZendesk(secretOf(stack, 'helpdesk'), stamp, body))).status).toBe(401);
  });

  it('answers 404 for a connection that does not exist', async () => {
    expect((await fetch(`${engine.url}/webhooks/nope`, { method: 'POST', body: '[]' })).status).toBe(404);
    expect((await fetch(`${engine.url}/webhooks/nope`)).status).toBe(404);
  });

  it('answers 400 for a body it cannot read, signed correctly', async () => {
    const res = await postHubspot(engine, secretOf(stack, 'crm'), '{"not": "an array"');
    expect(res.status).toBe(400);
  });

  it("answers Mailchimp's validation GET with 200 and a POST without the URL secret with 401", async () => {
    expect((await fetch(`${engine.url}/webhooks/mail`)).status).toBe(200);
    const res = await fetch(`${engine.url}/webhooks/mail`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'type=profile&fired_at=2026-01-01+00%3A00%3A00&data%5Bid%5D=abc',
    });
    expect(res.status).toBe(401);
  });

});
