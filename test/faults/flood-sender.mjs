/**
 * The webhook flood's sender, a process of its own so the engine under test keeps its event loop (and a core) to
 * itself: `node flood-sender.mjs '<plan JSON>'` posts correctly signed HubSpot and Zendesk deliveries, one event
 * each, open-loop at `rate` per second for `seconds`, some of them redelivered (a HubSpot retry: same eventId,
 * attemptNumber + 1), and prints one JSON line with what it sent and how the engine answered.
 */
import { createHmac } from 'node:crypto';
import http from 'node:http';

const plan = JSON.parse(process.argv[2] ?? '{}');
const agent = new http.Agent({ keepAlive: true, maxSockets: plan.sockets ?? 64 });

let seed = plan.seed >>> 0;
function random() {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (list) => list[Math.floor(random() * list.length)];

/** HubSpot v3: base64 HMAC-SHA256 of method + URL + body + timestamp. */
function hubspot(eventId, objectId, attemptNumber) {
  const url = `${plan.engineUrl}/webhooks/${plan.hubspot.connection}`;
  const now = Date.now();
  const body = JSON.stringify([{ eventId, subscriptionId: 100002, portalId: 1, appId: 1, occurredAt: now, subscriptionType: 'contact.propertyChange', attemptNumber, objectId: Number(objectId), changeSource: 'CRM', propertyName: 'lastname', propertyValue: '' }]);
  const stamp = String(now);
  const signature = createHmac('sha256', plan.hubspot.secret).update(`POST${url}${body}${stamp}`, 'utf8').digest('base64');
  return { url, body, headers: { 'content-type': 'application/json', 'x-hubspot-request-timestamp': stamp, 'x-hubspot-signature-v3': signature } };
}

/** Zendesk: base64 HMAC-SHA256 of timestamp + body. */
function zendesk(eventId, userId) {
  const url = `${plan.engineUrl}/webhooks/${plan.zendesk.connection}`;
  const time = new Date().toISOString();
  const body = JSON.stringify({ account_id: 1, id: eventId, time, type: 'zen:event-type:user.name_changed', zendesk_event_version: '2022-11-06', subject: `zen:user:${userId}`, detail: { id: String(userId), role: 'end-user' }, event: {} });
  const stamp = `${time.slice(0, 19)}Z`;
  const signature = createHmac('sha256', plan.zendesk.secret).update(`${stamp}${body}`, 'utf8').digest('base64');
  return { url, body, headers: { 'content-type': 'application/json', 'x-zendesk-webhook-signature-timestamp': stamp, 'x-zendesk-webhook-signature': signature } };
}

function post({ url, body, headers }) {
  return new Promise((resolve) => {
    const started = performance.now();
    const req = http.request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started }));
    });
    req.on('error', (error) => resolve({ status: 'error', text: error.code ?? error.message, ms: performance.now() - started }));
    req.end(body);
  });
}

const statuses = {};
const answers = { duplicate: 0, new: 0 };
const times = [];
const distinct = new Set();
const sentHubspot = [];
let sent = 0;
let redeliveries = 0;
let inFlight = 0;
let maxInFlight = 0;

async function one(index) {
  let delivery;
  const redeliver = sentHubspot.length > 0 && random() < plan.redeliveryRate;
  if (redeliver) {
    // Each retry of an event carries the next attempt number, as HubSpot's do (the same attempt twice is a replay).
    const earlier = pick(sentHubspot);
    earlier.attempt += 1;
    delivery = hubspot(earlier.eventId, earlier.objectId, earlier.attempt);
    redeliveries += 1;
  } else if (index % 2 === 0) {
    const event = { eventId: plan.firstEventId + index, objectId: pick(plan.hubspot.ids), attempt: 0 };
    sentHubspot.push(event);
    distinct.add(`hubspot:${event.eventId}`);
    delivery = hubspot(event.eventId, event.objectId, 0);
  } else {
    const id = `flood-${plan.seed}-${index}`;
    distinct.add(`zendesk:${id}`);
    delivery = zendesk(id, pick(plan.zendesk.ids));
  }
  sent += 1;
  inFlight += 1;
  maxInFlight = Math.max(maxInFlight, inFlight);
  const res = await post(delivery);
  inFlight -= 1;
  statuses[res.status] = (statuses[res.status] ?? 0) + 1;
  times.push(res.ms);
  if (res.status === 200) {
    const duplicate = /"duplicate"\s*:\s*true/.test(res.text);
    answers[duplicate ? 'duplicate' : 'new'] += 1;
  }
}

const total = Math.round(plan.rate * plan.seconds);
const started = performance.now();
const pending = [];
while (sent < total) {
  const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * plan.rate) + 1);
  while (sent < due) pending.push(one(sent));
  await new Promise((resolve) => setTimeout(resolve, 2));
}
const sendMs = performance.now() - started;
await Promise.all(pending);
const doneMs = performance.now() - started;
times.sort((a, b) => a - b);
const pct = (p) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))] ?? 0;
process.stdout.write(
  `${JSON.stringify({ sent, distinct: distinct.size, redeliveries, statuses, answers, sendMs, doneMs, maxInFlight, p50: pct(50), p99: pct(99), max: times.at(-1) ?? 0 })}\n`,
);
agent.destroy();
