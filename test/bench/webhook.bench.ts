/**
 * Webhook latency: the engine service (startEngine, deployment timings, the demo sync with its `debounce`) with the
 * sandbox's webhooks pointed at it, limits off. A user edits a HubSpot contact's last name through HubSpot's API at
 * `rate` edits/s for `seconds`; the time until both Zendesk and Mailchimp show the value (polled through their
 * APIs) is the latency. Each person has at most one edit in flight, so every edit is a separate, observable change.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Writable } from 'node:stream';
import { performance } from 'node:perf_hooks';
import type { AppRecord, Connector } from '@tandem/connector-sdk';
import { buildConnectors, closeConnectors } from '@tandem/connectors';
import pg from 'pg';
// eslint-disable-next-line no-restricted-imports -- apps have no @tandem alias
import { demoConfigFor, pointSandboxWebhooks } from '../../apps/engine/src/demo.js';
// eslint-disable-next-line no-restricted-imports -- apps have no @tandem alias
import { startEngine, type RunningEngine } from '../../apps/engine/src/engine.js';
// eslint-disable-next-line no-restricted-imports -- apps have no @tandem alias
import type { EngineTiming } from '../../apps/engine/src/core/engine-options.js';
// eslint-disable-next-line no-restricted-imports -- apps have no @tandem alias
import { createLogger } from '../../apps/engine/src/logging/logger.js';
import { postgresReachable } from '@tandem/ledger';
import { BENCH_DATABASE_URL } from './ledger.bench.js';
import { checked, info, type Figure } from './report.js';
import { sandboxLimitsOff } from './sync.bench.js';
import { LatencyProbe, percentile, type Tracked } from './webhook-probe.js';

const SECTION = 'webhook latency';

/**
 * Collects the engine's warn/error lines (counted in the note) instead of printing them over the bench output. With
 * TANDEM_BENCH_ENGINE_LOG=<file> every engine line from info up also goes to that file (cycle durations, to attribute
 * the latency); the count stays warn/error only.
 */
function quietLogger(): { logger: ReturnType<typeof createLogger>; problems: () => number } {
  let problems = 0;
  const logFile = process.env.TANDEM_BENCH_ENGINE_LOG;
  const file = logFile ? createWriteStream(logFile) : null;
  const stream = new Writable({
    write: (chunk: Buffer, _enc, done) => {
      const lines = chunk.toString('utf8').split('\n').filter((l) => l.trim() !== '');
      problems += lines.filter((l) => Number(/"level":(\d+)/.exec(l)?.[1] ?? 50) >= 40).length;
      file?.write(chunk);
      done();
    },
  });
  return { logger: createLogger({ destination: stream, level: file ? 'info' : 'warn' }), problems: () => problems };
}

async function dropSchemas(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: BENCH_DATABASE_URL });
  await client.connect();
  try {
    for (const name of [schema, `${schema}_jobs`]) await client.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
  } finally {
    await client.end();
  }
}

async function readAll(connector: Connector, object: string): Promise<AppRecord[]> {
  const out: AppRecord[] = [];
  for await (const page of connector.read(object, null)) out.push(...page.records.filter((r) => !r.deleted));
  return out;
}

const field = (r: AppRecord, path: string): string => {
  const v = path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), r.fields);
  return v === null || v === undefined ? '' : String(v).trim().toLowerCase();
};

/** People the demo sync keeps in all three apps once the initial sync is done. */
async function trackable(apps: Record<string, Connector>): Promise<Tracked[]> {
  const mail = new Set((await readAll(apps.mail!, 'members')).filter((r) => ['subscribed', 'unsubscribed'].includes(field(r, 'status'))).map((r) => field(r, 'email_address')));
  const desk = new Map((await readAll(apps.helpdesk!, 'users')).filter((r) => field(r, 'role') === 'end-user').map((r) => [field(r, 'email'), r.id]));
  return (await readAll(apps.crm!, 'contacts')).flatMap((r) => {
    const email = field(r, 'email');
    const deskId = desk.get(email);
    return mail.has(email) && deskId !== undefined ? [{ email, crmId: r.id, deskId }] : [];
  });
}

async function waitUntil(what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** No webhook queued in the sandbox, none unprocessed in the engine, no cycle running. */
async function quiet(engine: RunningEngine, sb: Awaited<ReturnType<typeof sandboxLimitsOff>>): Promise<boolean> {
  await Promise.all([sb.hubspot.webhooksIdle(), sb.mailchimp.webhooksIdle(), sb.zendesk.webhooksIdle()]);
  const open = await engine.core.ledger.webhookEvents.listUnprocessed({ limit: 1 });
  return open.length === 0 && !engine.core.runner.isRunning('contacts');
}

export interface WebhookBenchOptions {
  rate: number;
  seconds: number;
  people: number;
  /** Engine timings (default: the deployment's); a diagnostic run can shorten queue polling and busy retries. */
  timing?: Partial<EngineTiming>;
}

export async function webhookLatencyBench(options: WebhookBenchOptions): Promise<Figure[]> {
  const sb = await sandboxLimitsOff(options.people);
  const config = demoConfigFor(sb);
  // Limits off in the connectors too (the sandbox's are off): the figure is the engine's, not a quota's.
  Object.assign(config.connections.crm!.settings, { requestsPerWindow: 100_000, searchPerSecond: 1000, searchLagMs: 0 });
  Object.assign(config.connections.helpdesk!.settings, { requestsPerMinute: 1_000_000, incrementalPerMinute: 1_000_000 });
  const debounceMs = config.syncs[0]!.debounceMs;
  const usePostgres = await postgresReachable(BENCH_DATABASE_URL);
  const schema = `bench_webhook_${process.pid}_${randomBytes(3).toString('hex')}`;
  const { logger, problems } = quietLogger();
  const apps = buildConnectors(config.connections);
  let engine: RunningEngine | undefined;
  try {
    engine = await startEngine({
      config,
      ...(usePostgres ? { databaseUrl: BENCH_DATABASE_URL, schema } : { databaseUrl: null, dataDir: 'memory://' }),
      port: 0,
      logger,
      ...(options.timing ? { timing: options.timing } : {}),
    });
    const running = engine;
    // A few seeded people have no name, which Zendesk refuses: the initial sync may end `failed` for them alone.
    let initial = '';
    await waitUntil('the initial sync', async () => {
      initial = (await running.core.ledger.runs.recent('contacts', 10)).find((r) => r.status === 'succeeded' || r.status === 'failed')?.status ?? '';
      return initial !== '';
    }, 120_000);
    await pointSandboxWebhooks(sb, config, engine.url);
    await waitUntil('the engine to go quiet', () => quiet(running, sb), 60_000);
    const pool = await trackable(apps);
    const probe = new LatencyProbe(sb);
    probe.start();
    const started = performance.now();
    const total = Math.round(options.rate * options.seconds);
    let sent = 0;
    let starved = 0;
    while (sent < total) {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * options.rate) + 1);
      for (; sent < due; sent += 1) {
        const idle = pool.filter((p) => !probe.busy(p.email));
        if (idle.length === 0) {
          starved += 1;
          continue;
        }
        const person = idle[Math.floor(Math.random() * idle.length)]!;
        probe.edit(person, `Lat${sent}x${randomBytes(2).toString('hex')}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const offeredSeconds = (performance.now() - started) / 1000;
    await waitUntil('the last edits to show', () => Promise.resolve(probe.pending() === 0), 30_000).catch(() => undefined);
    await probe.stop();
    const unseen = probe.unseen().length;
    const seen = probe.done.filter((c) => !c.failed && c.seenDesk !== null && c.seenMail !== null);
    const failed = probe.done.filter((c) => c.failed).length;
    const both = seen.map((c) => Math.max(c.seenDesk!, c.seenMail!) - c.t0).sort((a, b) => a - b);
    const desk = seen.map((c) => c.seenDesk! - c.t0).sort((a, b) => a - b);
    const mail = seen.map((c) => c.seenMail! - c.t0).sort((a, b) => a - b);
    const s = (ms: number) => ms / 1000;
    const debounce = s(debounceMs);
    const changes = sent - starved;
    const where =
      `debounce ${debounce} s (the demo sync's setting); ${changes} HubSpot edits at ${(changes / offeredSeconds).toFixed(1)}/s for ${offeredSeconds.toFixed(1)} s over ${pool.length} people in all three apps ` +
      `(≤ 1 edit in flight per person${starved > 0 ? `; ${starved} edits skipped, no idle person` : ''}); visible = both Zendesk and Mailchimp show it (APIs polled every 50 ms); ` +
      `limits OFF in sandbox and connectors; engine in-process, ${options.timing ? `timings ${JSON.stringify(options.timing)}` : 'deployment timings'}; initial sync ${initial}; ledger ${usePostgres ? 'Postgres' : 'PGlite'}; ${seen.length} seen, ${unseen} not visible after 30 s, ${failed} edits refused; engine warn/error lines ${problems()}`;
    const missing = unseen + failed;
    const p95 = checked(SECTION, 'p95 change → visible in the other apps', s(percentile(both, 95)), 's', { max: 1 + debounce }, where);
    const p99 = checked(SECTION, 'p99 change → visible in the other apps', s(percentile(both, 99)), 's', { max: 2 + debounce }, 'same run');
    // A change that never showed is beyond every percentile it would fall in.
    if (missing > 0.01 * changes) p99.verdict = 'missed';
    if (missing > 0.05 * changes) p95.verdict = 'missed';
    return [
      info(SECTION, 'debounce setting', debounce, 's', 'targets are p95 ≤ 1 s + debounce, p99 ≤ 2 s + debounce'),
      info(SECTION, 'p50 change → visible in the other apps', s(percentile(both, 50)), 's', `Zendesk p50/p95 ${s(percentile(desk, 50)).toFixed(2)}/${s(percentile(desk, 95)).toFixed(2)} s; Mailchimp p50/p95 ${s(percentile(mail, 50)).toFixed(2)}/${s(percentile(mail, 95)).toFixed(2)} s`),
      p95,
      p99,
      info(SECTION, 'max change → visible', s(both.at(-1) ?? Number.NaN), 's', `min ${s(both[0] ?? Number.NaN).toFixed(2)} s; ` + `${missing} of ${changes} changes never visible (counted as missed above 1 % / 5 %)`),
    ];
  } finally {
    await engine?.close();
    await closeConnectors(apps);
    await sb.close();
    if (usePostgres) await dropSchemas(schema);
  }
}
