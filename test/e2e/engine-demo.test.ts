/**
 * `npm start` end to end: the demo converges on its first cycle, a CRM edit reaches the email tool and the helpdesk
 * through webhooks long before the 5-minute schedule, the operations endpoints answer, and the logs of the whole run
 * hold none of the seeded people's emails, phones or names. On PGlite through the demo runner itself; on Postgres
 * (when reachable) through the same config on a fresh schema.
 */
// eslint-disable-next-line no-restricted-imports -- apps have no @tandem alias
import type { RunningEngine } from '../../apps/engine/src/engine.js';
import {
  converged,
  field,
  ledgerTargets,
  peopleByApp,
  pointWebhooksAt,
  startDemoStack,
  startStack,
  waitFor,
  type LedgerTarget,
  type Stack,
} from './engine-kit.js';

const targets = await ledgerTargets();

async function stackFor(target: LedgerTarget, listeners: string[]): Promise<Stack> {
  if (target === 'pglite') return startDemoStack(listeners);
  const stack = await startStack(target);
  const engine = await stack.startEngine();
  await pointWebhooksAt(stack, engine);
  return stack;
}

async function get(engine: RunningEngine, path: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${engine.url}${path}`);
  return { status: res.status, text: await res.text() };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe.each(targets)('the engine running the demo on %s', (target) => {
  const listeners: string[] = [];
  let stack: Stack;
  let engine: RunningEngine;

  beforeAll(async () => {
    stack = await stackFor(target, listeners);
    engine = stack.engines[0] as RunningEngine;
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
  }, 30_000);

  if (target === 'pglite') {
    it('prints one "listening on" line per listener, the simulators first', () => {
      expect(listeners.map((l) => l.split(' ')[0])).toEqual(['hubspot', 'mailchimp', 'zendesk', 'engine']);
      for (const line of listeners) expect(line).toMatch(/^(hubspot|mailchimp|zendesk|engine) listening on http:\/\/127\.0\.0\.1:\d+$/);
    });
  }

  it('converges the three apps on the first cycle, without waiting for the schedule', async () => {
    expect(stack.config.syncs[0]?.schedule).toBe('5m');
    await waitFor('the demo to converge', () => converged(stack), 30_000);
    const { crm, helpdesk } = await peopleByApp(stack);
    expect(helpdesk.size).toBe(crm.size);
  }, 40_000);

  it('answers /health, /ready and /metrics', async () => {
    await waitFor('a finished cycle', async () => engine.core.runner.lastRun('contacts') ?? undefined);
    const health = await get(engine, '/health');
    expect(health.status).toBe(200);
    expect(JSON.parse(health.text)).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
    const ready = await get(engine, '/ready');
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.text)).toMatchObject({ info: { migrations: { status: 'up' } } });
    const metrics = await get(engine, '/metrics');
    expect(metrics.text).toMatch(/tandem_records_read_total\{sync="contacts",app="crm"\} [1-9]/);
    expect(metrics.text).toMatch(/tandem_records_written_total\{sync="contacts",app="helpdesk",op="created"\} [1-9]/);
    expect(metrics.text).toMatch(/tandem_cycle_duration_seconds_count\{sync="contacts",trigger="startup",status="succeeded"\} [1-9]/);
    expect(metrics.text).toContain('tandem_retry_backlog{sync="contacts",state="live"} 0');
    expect(metrics.text).toContain('tandem_conflict_backlog{sync="contacts"}');
    expect(metrics.text).toContain('tandem_held_delete_runs{sync="contacts"} 0');
    expect(metrics.text).toContain('# TYPE tandem_webhook_lag_seconds histogram');
    expect(metrics.text).toContain('# TYPE tandem_rate_limit_wait_seconds_total counter');
  });

  it('carries a CRM edit to the email tool and the helpdesk through webhooks', async () => {
    await waitFor('the demo to converge', () => converged(stack), 30_000);
    const { crm, mail, helpdesk } = await peopleByApp(stack);
    const email = [...mail.keys()].find((e) => crm.has(e) && helpdesk.has(e));
    expect(email).toBeDefined();
    const contact = crm.get(email as string)!;
    const [result] = await stack.apps.crm!.write('contacts', [{ op: 'update', ref: 'e2e', id: contact.id, fields: { lastname: 'Webhookson' } }]);
    expect(result?.status).toBe('ok');
    const started = Date.now();
    await waitFor('the helpdesk and the email tool to show the edit', async () => {
      const now = await peopleByApp(stack);
      const user = now.helpdesk.get(email as string);
      const member = now.mail.get(email as string);
      return user && member && field(user, 'user_fields.last_name') === 'Webhookson' && field(member, 'merge_fields.LNAME') === 'Webhookson';
    }, 20_000);
    // Far sooner than the 5-minute schedule: a webhook-triggered cycle did it.
    expect(Date.now() - started).toBeLessThan(20_000);
    // The apps show the edit once written; the run that wrote it finishes after settling.
    await waitFor('the webhook run to finish', async () => {
      const runs = await engine.core.ledger.runs.recent('contacts', 50);
      return runs.some((r) => r.trigger === 'webhook' && r.status === 'succeeded');
    }, 10_000);
    const runs = await engine.core.ledger.runs.recent('contacts', 50);
    expect(runs.some((r) => r.trigger === 'schedule')).toBe(false);
  }, 40_000);

  it('writes none of the seeded emails, phones or names to its logs', async () => {
    const text = stack.logs.text();
    expect(stack.logs.lines.length).toBeGreaterThan(10);
    for (const line of stack.logs.lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
    const lower = text.toLowerCase();
    for (const person of stack.sandbox.people) {
      for (const variant of Object.values(person.apps)) {
        expect(lower).not.toContain(variant.email.trim().toLowerCase());
        if (variant.phone) expect(text).not.toContain(variant.phone);
        for (const name of [variant.firstName, variant.lastName]) {
          if (name) expect(text).not.toMatch(new RegExp(`(^|[^\\p{L}])${escapeRegex(name)}([^\\p{L}]|$)`, 'u'));
        }
      }
    }
    expect(text).not.toContain('Webhookson');
  });
});
