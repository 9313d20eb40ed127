/**
 * What processed webhooks write: duplicated and reordered webhooks make no second effective write (writes counted by
 * the simulators), and a webhook that arrives while another cycle holds the sync is processed once that cycle ends.
 */
import { setTimeout as sleep } from 'node:timers/promises';
// eslint-disable-next-line no-restricted-imports -- apps have no @tandem alias
import { noFaults } from '../../apps/sandbox/src/index.js';
// eslint-disable-next-line no-restricted-imports -- apps have no @tandem alias
import type { RunningEngine } from '../../apps/engine/src/engine.js';
import {
  converged,
  ledgerTargets,
  peopleByApp,
  pointWebhooksAt,
  startStack,
  text,
  waitFor,
  type Stack,
} from './engine-kit.js';

const targets = await ledgerTargets();

/** Nothing left to do: no webhook in flight, no event unprocessed, no cycle running. */
async function quiet(stack: Stack, engine: RunningEngine): Promise<void> {
  await waitFor('the engine to go quiet', async () => {
    await Promise.all([stack.sandbox.hubspot.webhooksIdle(), stack.sandbox.mailchimp.webhooksIdle(), stack.sandbox.zendesk.webhooksIdle()]);
    const pending = await engine.core.ledger.webhookEvents.listUnprocessed({ limit: 1 });
    return pending.length === 0 && !engine.core.runner.isRunning('contacts');
  }, 20_000);
  await sleep(1000);
}

describe.each(targets)('webhook-triggered cycles on %s', (target) => {
  let stack: Stack;
  let engine: RunningEngine;
  let contactId: string;
  let email: string;

  beforeAll(async () => {
    // A short debounce keeps the file quick; the two edits below still fall inside one debounce window.
    stack = await startStack(target, { seed: 20, configure: (config) => void (config.syncs[0]!.debounceMs = 800) });
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

  it('makes no second effective write for duplicated and reordered webhooks', async () => {
    await quiet(stack, engine);
    stack.sandbox.hubspot.setFaults({ ...noFaults(), webhookDuplicateRate: 1, webhookReorderRate: 0.5 });
    for (const app of [stack.sandbox.hubspot, stack.sandbox.mailchimp, stack.sandbox.zendesk]) app.sim.stats.reset();
    try {
      for (const lastname of ['Dupont', 'Durand']) {
        const [result] = await stack.apps.crm!.write('contacts', [{ op: 'update', ref: 'e2e', id: contactId, fields: { lastname } }]);
        expect(result?.status).toBe('ok');
      }
      await waitFor('the last edit everywhere', async () => {
        const now = await peopleByApp(stack);
        return text(now.helpdesk.get(email), 'user_fields.last_name') === 'Durand' && text(now.mail.get(email), 'merge_fields.LNAME') === 'Durand';
      });
      await quiet(stack, engine);
      expect(stack.sandbox.hubspot.stats().webhooks.duplicated).toBeGreaterThan(0);
      expect(stack.sandbox.hubspot.stats().writes.total).toBe(2);
      expect(stack.sandbox.zendesk.stats().writes.total).toBe(1);
      expect(stack.sandbox.mailchimp.stats().writes.total).toBe(1);
    } finally {
      stack.sandbox.hubspot.setFaults(noFaults());
    }
  }, 45_000);

  it('processes a webhook that arrived while another cycle held the sync, once that cycle ends', async () => {
    await quiet(stack, engine);
    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const holding = engine.core.ledger.locks.withSyncLock('contacts', () => held);
    try {
      await stack.apps.crm!.write('contacts', [{ op: 'update', ref: 'e2e', id: contactId, fields: { lastname: 'Lockwood' } }]);
      await stack.sandbox.hubspot.webhooksIdle();
      await sleep(2500);
      const during = await peopleByApp(stack);
      expect(text(during.helpdesk.get(email), 'user_fields.last_name')).not.toBe('Lockwood');
    } finally {
      release();
      await holding;
    }
    await waitFor('the edit after the lock was released', async () => {
      const now = await peopleByApp(stack);
      return text(now.helpdesk.get(email), 'user_fields.last_name') === 'Lockwood';
    });
  }, 40_000);
});
