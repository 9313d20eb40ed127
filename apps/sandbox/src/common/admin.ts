import { isManualClock } from './clock.js';
import { HttpError, isRecord, json, Router, type Reply, type SimRequest } from './http.js';
import { generatePeople } from './people.js';
import type { Simulator } from './simulator.js';

function body(req: SimRequest): Record<string, unknown> {
  if (req.rawBody.trim() === '') return {};
  try {
    const parsed = JSON.parse(req.rawBody) as unknown;
    if (isRecord(parsed)) return parsed;
  } catch {
    // fall through to the 400 below
  }
  throw new HttpError(json(400, { error: 'admin body must be a JSON object' }));
}

function guarded(run: () => Reply): Reply {
  try {
    return run();
  } catch (error) {
    if (error instanceof HttpError) throw error;
    return json(400, { error: (error as Error).message });
  }
}

/** `/__admin/*`: inspect, reset and seed state, set faults and settings, point webhooks, move a manual clock. */
export function adminRouter(sim: Simulator<object>): { dispatch(req: SimRequest): Promise<Reply> } {
  const router = new Router()
    .add('GET', '/__admin/stats', () => json(200, sim.stats.snapshot()))
    .add('POST', '/__admin/stats/reset', () => (sim.stats.reset(), json(204)))
    .add('GET', '/__admin/faults', () => json(200, sim.faults))
    .add('POST', '/__admin/faults', (req) => guarded(() => json(200, sim.setFaults(body(req)))))
    .add('DELETE', '/__admin/faults', () => (sim.clearFaults(), json(204)))
    .add('GET', '/__admin/settings', () => json(200, sim.settings))
    .add('POST', '/__admin/settings', (req) => guarded(() => json(200, sim.setSettings(body(req)))))
    .add('GET', '/__admin/state', () => json(200, sim.dump()))
    .add('POST', '/__admin/reset', () => (sim.reset(), json(204)))
    .add('POST', '/__admin/seed', (req) => seed(sim, body(req)))
    .add('GET', '/__admin/webhooks', () => json(200, { target: sim.webhookTarget(), log: sim.webhookLog() }))
    .add('POST', '/__admin/webhooks', (req) => configureWebhook(sim, body(req)))
    .add('POST', '/__admin/clock', (req) => moveClock(sim, body(req)));
  return {
    async dispatch(req) {
      const matched = router.match(req.method, req.path);
      if (!matched) return json(404, { error: 'no such admin endpoint' });
      req.params = matched.params;
      return matched.route.handler(req);
    },
  };
}

function seed(sim: Simulator<object>, input: Record<string, unknown>): Reply {
  const count = typeof input.count === 'number' ? input.count : 50;
  const randomSeed = typeof input.seed === 'number' ? input.seed : 42;
  const inserted = sim.seed(generatePeople(count, randomSeed, sim.clock.now()));
  return json(200, { inserted });
}

async function configureWebhook(sim: Simulator<object>, input: Record<string, unknown>): Promise<Reply> {
  if (input.url === null) {
    await sim.configureWebhook(null);
    return json(204);
  }
  if (typeof input.url !== 'string') return json(400, { error: 'url must be a string or null' });
  try {
    await sim.configureWebhook({ url: input.url, secret: typeof input.secret === 'string' ? input.secret : undefined });
  } catch (error) {
    return json(400, { error: (error as Error).message });
  }
  return json(200, { target: sim.webhookTarget() });
}

function moveClock(sim: Simulator<object>, input: Record<string, unknown>): Reply {
  const clock = sim.clock;
  if (!isManualClock(clock)) return json(409, { error: 'this sandbox runs on the system clock' });
  if (typeof input.nowMs === 'number') clock.set(input.nowMs);
  if (typeof input.advanceMs === 'number') clock.advance(input.advanceMs);
  return json(200, { nowMs: clock.now() });
}
