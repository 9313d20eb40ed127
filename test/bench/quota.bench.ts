/**
 * Quota efficiency: HubSpot limits ON (sandbox and connector: 100 requests per 10 s, 100 records per batch). The
 * real `runCycle` syncs N people from a memory app (no limits, costs nothing) into an empty HubSpot, so HubSpot's
 * quota is the only bound: N ÷ (100 requests / 10 s × 100 records per request) seconds at best. The figure is the
 * measured throughput as a share of that bound.
 */
import type { Connector } from '@tandem/connector-sdk';
import { parseConfig } from '@tandem/config';
import type { SyncSpec } from '@tandem/core';
import { runCycle } from '@tandem/runtime';
import { HubspotConnector } from '@tandem/connectors/hubspot';
import { MemoryApp, MemoryConnector } from '@tandem/connectors/memory';
import { forkSandbox } from './remote-sandbox.js';
import { checked, info, type Figure } from './report.js';
import { benchLedger } from './sync.bench.js';

const SECTION = 'quota efficiency (HubSpot-like 100 req/10 s, 100/batch)';
const REQUESTS = 100;
const WINDOW_MS = 10_000;
const BATCH = 100;

const YAML = `
connections:
  crm: { type: hubspot, token: demo-token }
  source: { type: memory, app: source }
syncs:
  quota:
    members:
      crm: { object: contacts }
      source: { object: contacts }
    match: [email]
    authority: [source, crm]
    fields:
      email: { crm: email, source: email, transform: email }
      first_name: { crm: firstname, source: firstname }
      last_name: { crm: lastname, source: lastname }
`;

export async function quotaBench(people: number): Promise<Figure[]> {
  const spec = parseConfig(YAML, 'quota.yaml', {}).config.syncs[0] as SyncSpec;
  // HubSpot runs in a process of its own, as it would: its CPU is not the engine's.
  const sb = await forkSandbox({ seed: 0, hubspot: { settings: { burstLimit: REQUESTS, burstWindowMs: WINDOW_MS, dailyLimit: 1_000_000_000, searchLagMs: 0 } } });
  const db = await benchLedger();
  const ledger = db.ledger;
  try {
    const source = new MemoryApp();
    for (let i = 0; i < people; i += 1) source.userCreate({ email: `quota${i}@example.test`, firstname: `First${i}`, lastname: `Last${i}` });
    const connectors: Record<string, Connector> = {
      crm: new HubspotConnector({ token: sb.hubspot.credentials.token, baseUrl: sb.hubspot.url, requestsPerWindow: REQUESTS, windowMs: WINDOW_MS, searchLagMs: 0 }),
      source: new MemoryConnector(source),
    };
    const started = process.hrtime.bigint();
    const report = await runCycle(spec, { ledger, connectors }, { full: true });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const created = report.apps.crm?.created ?? 0;
    const stats = (await sb.stats()).requests.hubspot;
    const rejected = stats.byStatus['429'] ?? 0;
    const batches = Object.entries(stats.byRoute).filter(([route]) => route.includes('/batch/')).reduce((n, [, k]) => n + k, 0);
    const boundPerSecond = (REQUESTS / (WINDOW_MS / 1000)) * BATCH;
    const note = `${people.toLocaleString('en-US')} people from a memory app into an empty HubSpot through runCycle, limits ON in sandbox and connector; sandbox in its own process; ledger ${db.label}; status ${report.status}; ${created.toLocaleString('en-US')} created in ${seconds.toFixed(1)} s with ${stats.total} requests (${rejected} answered 429); bound ${boundPerSecond} records/s`;
    return [
      checked(SECTION, 'throughput ÷ quota bound', (100 * created) / seconds / boundPerSecond, '%', { min: 90 }, note),
      info(SECTION, 'HubSpot records created per second', created / seconds, 'records/s', ''),
      info(SECTION, 'HubSpot requests per 10 s', (stats.total / seconds) * 10, 'requests', `quota ${REQUESTS}`),
      info(SECTION, 'HubSpot batch requests per 100 records created', (100 * batches) / Math.max(1, created), 'requests', 'batch create plus read-back (batch/read) of what was written'),
    ];
  } finally {
    await db.dispose();
    await sb.close();
  }
}
