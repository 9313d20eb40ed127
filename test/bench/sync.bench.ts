/**
 * The engine end to end through `runCycle` against the three sandbox simulators on 127.0.0.1: an initial sync of
 * N generated people, a quiet full cycle over everything linked, and (limits on) HubSpot quota efficiency.
 */
import { randomBytes } from 'node:crypto';
import type { Connector } from '@tandem/connector-sdk';
import type { SyncSpec } from '@tandem/core';
import { openLedger, type Ledger } from '@tandem/ledger';
import { runCycle, type CycleReport } from '@tandem/runtime';
import { HubspotConnector } from '@tandem/connectors/hubspot';
import { MailchimpConnector } from '@tandem/connectors/mailchimp';
import { ZendeskConnector } from '@tandem/connectors/zendesk';
// The sandbox is an app with no path alias; the bench reaches it by path, as the connector test kits do.
// eslint-disable-next-line no-restricted-imports
import { startSandbox, type Sandbox, type SandboxOptions } from '../../apps/sandbox/src/index.js';
import { benchSpec } from './bench-spec.js';
import { rssSampler } from './gc.js';
import { forkSandbox, type RemoteApps } from './remote-sandbox.js';
import { postgresReachable } from '@tandem/ledger';
import { BENCH_DATABASE_URL } from './ledger.bench.js';
import { checked, info, type Figure } from './report.js';

const MB = 2 ** 20;
const UNLIMITED = 1_000_000_000;

/** Sandbox options with every rate limit off (engine figures are measured without quotas). */
export function limitsOff(people: number): SandboxOptions {
  return {
    seed: people,
    hubspot: { settings: { burstLimit: 0, searchPerSecond: 0, dailyLimit: UNLIMITED, searchLagMs: 0 } },
    mailchimp: { settings: { maxConcurrent: 1000 } },
    zendesk: { settings: { requestsPerMinute: UNLIMITED, incrementalPerMinute: UNLIMITED, perUserUpdatesPerMinute: 0 } },
  };
}

/** The same sandbox in this process (the webhook bench needs its in-process handles). */
export function sandboxLimitsOff(people: number): Promise<Sandbox> {
  return startSandbox(limitsOff(people));
}

/** Connectors to the sandbox with their own rate limits off too (the quota bench builds its limited HubSpot itself). */
function connectors(sb: RemoteApps): Record<string, Connector> {
  return {
    crm: new HubspotConnector({
      token: sb.hubspot.credentials.token,
      baseUrl: sb.hubspot.url,
      requestsPerWindow: UNLIMITED,
      windowMs: 10_000,
      searchPerSecond: 1000,
      searchLagMs: 0,
    }),
    mail: new MailchimpConnector({ baseUrl: `${sb.mailchimp.url}/3.0`, apiKey: sb.mailchimp.credentials.apiKey, listId: sb.mailchimp.credentials.listId, statusIfNew: 'subscribed' }),
    desk: new ZendeskConnector({
      baseUrl: `${sb.zendesk.url}/api/v2`,
      auth: { email: sb.zendesk.credentials.email, token: sb.zendesk.credentials.token },
      requestsPerMinute: UNLIMITED,
      incrementalPerMinute: UNLIMITED,
      jobPollMs: 25,
    }),
  };
}

/** A fresh ledger: Postgres in its own schema when reachable (dropped after), else embedded PGlite in memory. */
export async function benchLedger(): Promise<{ ledger: Ledger; label: string; dispose(): Promise<void> }> {
  if (await postgresReachable(BENCH_DATABASE_URL)) {
    const schema = `bench_sync_${process.pid}_${randomBytes(3).toString('hex')}`;
    const ledger = await openLedger({ databaseUrl: BENCH_DATABASE_URL, schema });
    return { ledger, label: 'Postgres', dispose: async () => { await ledger.dataSource.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`); await ledger.close(); } };
  }
  const ledger = await openLedger({ databaseUrl: null, dataDir: 'memory://' });
  return { ledger, label: 'PGlite', dispose: () => ledger.close() };
}

function total(report: CycleReport, count: 'read' | 'created' | 'updated' | 'deleted' | 'failed'): number {
  return Object.values(report.apps).reduce((n, c) => n + c[count], 0);
}

/** Flag kinds and how often each was raised (ids only, never values). */
function flagSummary(report: CycleReport): string {
  const counts = new Map<string, number>();
  for (const f of report.flags) counts.set(f.kind, (counts.get(f.kind) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${k} ${n}`).join(', ') || 'none';
}

const writes = (r: CycleReport) => total(r, 'created') + total(r, 'updated') + total(r, 'deleted');

/** A cycle timed as a whole and by stage (when each stage was first reported, from `onProgress`). */
async function timedCycle(spec: SyncSpec, ledger: Ledger, conns: Record<string, Connector>, full: boolean): Promise<{ report: CycleReport; seconds: number; stages: string }> {
  const started = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
  const firstSeen = new Map<string, number>();
  const report = await runCycle(spec, { ledger, connectors: conns }, {
    full,
    onProgress: (e) => {
      // Chunks interleave reconcile, write and settle: they are one stage here.
      const stage = e.stage === 'read' || e.stage === 'match' ? e.stage : e.stage === 'done' ? '' : 'reconcile + write + settle';
      if (stage !== '' && !firstSeen.has(stage)) firstSeen.set(stage, elapsed());
    },
  });
  const seconds = elapsed();
  const marks = [...firstSeen].sort((a, b) => a[1] - b[1]);
  const stages = marks.map(([stage, at], i) => `${stage} ${((marks[i + 1]?.[1] ?? seconds) - at).toFixed(1)} s`).join(', ');
  return { report, seconds, stages };
}

/** Initial sync and quiet cycle at `people` generated people, limits off; the sandbox runs in a child process. */
export async function syncBench(people: number): Promise<Figure[]> {
  const section = `engine, ${people.toLocaleString('en-US')} people`;
  const sb = await forkSandbox(limitsOff(people));
  const db = await benchLedger();
  try {
    const spec = benchSpec({ hubspot: sb.hubspot.url, mailchimp: sb.mailchimp.url, zendesk: sb.zendesk.url });
    const conns = connectors(sb);
    const rss = rssSampler();
    const first = await timedCycle(spec, db.ledger, conns, true);
    const peak = rss.stop();
    const { requests, rss: sandboxRss } = await sb.stats();
    const calls = { hubspot: requests.hubspot.total, mailchimp: requests.mailchimp.total, zendesk: requests.zendesk.total };
    const read = total(first.report, 'read');
    const where = `limits OFF in sandbox and connectors; sandbox in its own process (its RSS ${Math.round(sandboxRss / MB)} MB is not counted); ledger ${db.label}; status ${first.report.status}${first.report.error ? ` (${first.report.error.code}: ${first.report.error.message})` : ''}; ${read.toLocaleString('en-US')} records read, ${writes(first.report).toLocaleString('en-US')} written, ${total(first.report, 'failed')} failed; flags: ${flagSummary(first.report)}; stages (time from first report): ${first.stages}`;
    const wallTarget = people >= 100_000 ? { max: 60 } : {};
    const figures: Figure[] = [
      people >= 100_000 ? checked(section, 'initial sync wall time', first.seconds, 's', wallTarget, where) : info(section, 'initial sync wall time', first.seconds, 's', `${where} (target ≤ 60 s applies at 100k)`),
      info(section, 'initial sync records/s', read / first.seconds, 'records/s', 'records read ÷ wall time'),
      info(section, 'API calls (hubspot / mailchimp / zendesk)', calls.hubspot + calls.mailchimp + calls.zendesk, 'requests', `${calls.hubspot} / ${calls.mailchimp} / ${calls.zendesk}`),
      people >= 100_000 ? checked(section, 'peak RSS during initial sync', peak / MB, 'MB', { max: 512 }, 'the engine process (runCycle, connectors, ledger client)') : info(section, 'peak RSS during initial sync', peak / MB, 'MB', 'the engine process; target ≤ 512 MB applies at 100k; printed to show growth'),
    ];
    const quiet = await timedCycle(spec, db.ledger, conns, true);
    const quietNote = `full re-read of every member, status ${quiet.report.status}; ${total(quiet.report, 'read').toLocaleString('en-US')} records read; stages: ${quiet.stages}`;
    const quietFailed = total(quiet.report, 'failed');
    const quietFigure = checked(section, 'quiet cycle writes', writes(quiet.report), 'writes', { max: 0 }, `${quietNote}, ${quietFailed} failed${quiet.report.error ? ` (${quiet.report.error.code}: ${quiet.report.error.message})` : ''}`);
    // A quiet cycle that did not succeed proves nothing, whatever it wrote.
    if (quiet.report.status !== 'succeeded' || total(quiet.report, 'read') === 0) quietFigure.verdict = 'missed';
    figures.push(quietFigure);
    figures.push(people >= 100_000 ? checked(section, 'quiet cycle time', quiet.seconds, 's', { max: 5 }) : info(section, 'quiet cycle time', quiet.seconds, 's', 'target ≤ 5 s applies at 100k'));
    return figures;
  } finally {
    await db.dispose();
    await sb.close();
  }
}
