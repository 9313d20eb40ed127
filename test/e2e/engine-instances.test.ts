/**
 * Several processes: a process killed mid-cycle (after an app applied its write, before the answer came back) has its
 * run taken over and finished by the next engine with no second record; on Postgres, two engines share the work —
 * one cycle per scheduled tick, and each webhook's effect written once.
 */
import { jest } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Connector, WriteOp } from '@tandem/connector-sdk';
import { buildConnectors, closeConnectors } from '@tandem/connectors';
import { openLedger } from '@tandem/ledger';
import { runCycle } from '@tandem/runtime';
// eslint-disable-next-line no-restricted-imports -- apps have no @tandem alias
import type { RunningEngine } from '../../apps/engine/src/engine.js';
import {
  converged,
  emailOf,
  field,
  ledgerTargets,
  peopleByApp,
  pointWebhooksAt,
  readAll,
  startStack,
  TEST_DATABASE_URL,
  text,
  waitFor,
  type Stack,
} from './engine-kit.js';

const targets = await ledgerTargets();

/** The helpdesk's writes reach the app, but the answer never comes back: the process "dies" right there. */
function dyingAfterWrite(connectors: Record<string, Connector>, reached: () => void): Record<string, Connector> {
  const helpdesk = connectors.helpdesk as Connector;
  const wrapped: Connector = Object.create(helpdesk) as Connector;
  wrapped.write = async (object: string, ops: WriteOp[]) => {
    await helpdesk.write(object, ops);
    reached();
    return new Promise(() => undefined);
  };
  return { ...connectors, helpdesk: wrapped };
}

describe.each(targets)('a process killed mid-cycle on %s', (target) => {
  let stack: Stack;
  let dataDir: string | undefined;

  beforeAll(async () => {
    stack = await startStack(target);
    if (target === 'pglite') {
      dataDir = await mkdtemp(join(tmpdir(), 'tandem-e2e-'));
      stack.place.options = { databaseUrl: null, dataDir };
    }
  }, 30_000);

  afterAll(async () => {
    await stack?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }, 30_000);

  it("has its run finished by the next engine, with no helpdesk user created twice", async () => {
    const spec = stack.config.syncs[0]!;
    const dead = await openLedger(stack.place.options);
    const deadConnectors = buildConnectors(stack.config.connections);
    let reached = (): void => undefined;
    const writeApplied = new Promise<void>((resolve) => {
      reached = resolve;
    });
    void runCycle(spec, { ledger: dead, connectors: dyingAfterWrite(deadConnectors, reached) }, { trigger: 'schedule' }).catch(() => undefined);
    await writeApplied;
    const [orphan] = await dead.runs.findRunning('contacts');
    expect(orphan).toBeDefined();
    // The "kill": its connections (and so its locks) go away; the cycle never resumes.
    await dead.close();
    await closeConnectors(deadConnectors);

    const engine = await stack.startEngine();
    await pointWebhooksAt(stack, engine);
    await waitFor('the next engine to finish a cycle', async () => engine.core.runner.lastRun('contacts') ?? undefined);
    expect((await engine.core.ledger.runs.get(orphan!.id))?.status).toBe('abandoned');
    await waitFor('the next engine to converge the apps', () => converged(stack), 20_000);
    const users = (await readAll(stack, 'helpdesk', 'users')).filter((u) => field(u, 'role') === 'end-user');
    const emails = users.map((u) => emailOf(u, 'email'));
    expect(new Set(emails).size).toBe(emails.length);
  }, 55_000);
});

if (targets.includes('postgres')) {
  describe('two engines on one Postgres', () => {
    let stack: Stack;
    let a: RunningEngine;
    let b: RunningEngine;

    beforeAll(async () => {
      stack = await startStack('postgres', { configure: (config) => void (config.syncs[0]!.schedule = '2s') });
      a = await stack.startEngine();
      b = await stack.startEngine();
      await pointWebhooksAt(stack, a);
      // The helpdesk posts to the other engine: the work is shared through the job queue either way.
      await stack.sandbox.zendesk.configureWebhook({ url: `${b.url}/webhooks/helpdesk`, secret: String(stack.config.connections.helpdesk?.settings.webhookSecret) });
      await waitFor('the demo to converge', () => converged(stack), 30_000);
    }, 45_000);

    afterAll(async () => {
      await stack?.close();
    }, 30_000);

    it('runs one cycle per scheduled tick, whichever engine enqueues it', async () => {
      const spyA = jest.spyOn(a.core.cycles, 'enqueueTick');
      const spyB = jest.spyOn(b.core.cycles, 'enqueueTick');
      await waitFor('three ticks', async () => spyA.mock.calls.length >= 3 && spyB.mock.calls.length >= 3, 15_000);
      const ticksA = spyA.mock.calls.map((c) => c[1]);
      const shared = spyB.mock.calls.map((c) => c[1]).filter((t) => ticksA.includes(t));
      expect(shared.length).toBeGreaterThanOrEqual(2);
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      try {
        // Per tick: jobs enqueued (re-sends of a busy tick excluded), and jobs that ran a cycle.
        const { rows } = await client.query<{ tick: string; enqueued: string; cycles: string }>(
          `SELECT data->>'tick' AS tick,
                  count(*) FILTER (WHERE NOT data ? 'retry') AS enqueued,
                  count(*) FILTER (WHERE output->>'runId' IS NOT NULL) AS cycles
           FROM "${stack.place.options.schema}_jobs".job
           WHERE name = 'tandem-cycle-contacts' AND data->>'reason' = 'schedule' AND state = 'completed' GROUP BY 1`,
        );
        const done = shared.map((tick) => rows.find((r) => Number(r.tick) === tick)).filter((r) => r !== undefined);
        expect(done.length).toBeGreaterThanOrEqual(2);
        for (const row of done) {
          expect(row.enqueued).toBe('1');
          expect(Number(row.cycles)).toBeLessThanOrEqual(1);
        }
        expect(done.some((r) => r.cycles === '1')).toBe(true);
      } finally {
        await client.end();
      }
    }, 25_000);

    it("writes each webhook's effect once", async () => {
      const { crm, mail, helpdesk } = await peopleByApp(stack);
      const email = [...mail.keys()].find((e) => crm.has(e) && helpdesk.has(e)) as string;
      for (const app of [stack.sandbox.hubspot, stack.sandbox.mailchimp, stack.sandbox.zendesk]) app.sim.stats.reset();
      await stack.apps.crm!.write('contacts', [{ op: 'update', ref: 'e2e', id: crm.get(email)!.id, fields: { lastname: 'Twice-Never' } }]);
      await waitFor('the edit everywhere', async () => {
        const now = await peopleByApp(stack);
        return text(now.helpdesk.get(email), 'user_fields.last_name') === 'Twice-Never' && text(now.mail.get(email), 'merge_fields.LNAME') === 'Twice-Never';
      });
      // Give both engines time to (not) write again: echoes, retries and the next ticks.
      await new Promise((resolve) => setTimeout(resolve, 4000));
      expect(stack.sandbox.zendesk.stats().writes.total).toBe(1);
      expect(stack.sandbox.mailchimp.stats().writes.total).toBe(1);
    }, 30_000);
  });
}
