/**
 * End-to-end kit for the engine: a sandbox on free ports, the demo config pointed at it, and engines on an in-memory
 * PGlite or on their own schema of a real Postgres. Log lines are collected so tests can grep them.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { AppRecord, Connector } from '@tandem/connector-sdk';
import type { TandemConfig } from '@tandem/config';
import { buildConnectors, closeConnectors } from '@tandem/connectors';
// eslint-disable-next-line no-restricted-imports -- apps have no @tandem alias
import { startSandbox, type Sandbox } from '../../apps/sandbox/src/index.js';
// eslint-disable-next-line no-restricted-imports -- apps have no @tandem alias
import type { EngineTiming } from '../../apps/engine/src/core/engine-options.js';
// eslint-disable-next-line no-restricted-imports -- apps have no @tandem alias
import { demoConfigFor, pointSandboxWebhooks, startDemo } from '../../apps/engine/src/demo.js';
// eslint-disable-next-line no-restricted-imports -- apps have no @tandem alias
import { startEngine, type RunningEngine, type StartEngineOptions } from '../../apps/engine/src/engine.js';
// eslint-disable-next-line no-restricted-imports -- apps have no @tandem alias
import { createLogger } from '../../apps/engine/src/logging/logger.js';
import { TEST_DATABASE_URL, ledgerTargets, type LedgerTarget } from '../ledger/targets.js';

export { ledgerTargets, TEST_DATABASE_URL, type LedgerTarget };

/** Fast timers: tests must not wait for production intervals. */
export const FAST_TIMING: Partial<EngineTiming> = {
  pollingIntervalSeconds: 0.5,
  busyRetryMs: 300,
  recoveryCheckMs: 1000,
  staleRunMs: 3000,
  webhookSweepMs: 2000,
  shutdownTimeoutMs: 5000,
};

/** Collects every JSON log line an engine writes. */
export class LogSink {
  readonly lines: string[] = [];
  readonly stream = new Writable({
    write: (chunk: Buffer, _enc, done) => {
      this.lines.push(...chunk.toString('utf8').split('\n').filter((l) => l !== ''));
      done();
    },
  });
  text(): string {
    return this.lines.join('\n');
  }
}

/** Where an engine keeps its ledger: an in-memory PGlite, or a fresh schema on the test Postgres. */
export interface LedgerPlace {
  options: Pick<StartEngineOptions, 'databaseUrl' | 'dataDir' | 'schema'>;
  dispose(): Promise<void>;
}

export function ledgerPlace(target: LedgerTarget): LedgerPlace {
  if (target === 'pglite') return { options: { databaseUrl: null, dataDir: 'memory://' }, dispose: () => Promise.resolve() };
  const schema = `engine_e2e_${process.pid}_${randomBytes(4).toString('hex')}`;
  return { options: { databaseUrl: TEST_DATABASE_URL, schema }, dispose: () => dropSchemas(schema) };
}

/** Drops a test's ledger schema and its job-queue schema. */
export async function dropSchemas(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    for (const name of [schema, `${schema}_jobs`]) await client.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
  } finally {
    await client.end();
  }
}

export interface Stack {
  sandbox: Sandbox;
  config: TandemConfig;
  /** The test's own connectors, to look at and edit the apps as a user would. */
  apps: Record<string, Connector>;
  logs: LogSink;
  place: LedgerPlace;
  engines: RunningEngine[];
  startEngine(extra?: Partial<StartEngineOptions>): Promise<RunningEngine>;
  close(): Promise<void>;
}

export async function startStack(target: LedgerTarget, options: { seed?: number; configure?: (c: TandemConfig) => void } = {}): Promise<Stack> {
  const sandbox = await startSandbox({ seed: options.seed ?? 30 });
  const config = demoConfigFor(sandbox);
  options.configure?.(config);
  const logs = new LogSink();
  const place = ledgerPlace(target);
  const engines: RunningEngine[] = [];
  const stack: Stack = {
    sandbox,
    config,
    apps: buildConnectors(config.connections),
    logs,
    place,
    engines,
    async startEngine(extra = {}) {
      const engine = await startEngine({
        config,
        ...place.options,
        port: 0,
        logger: createLogger({ destination: logs.stream, level: 'debug' }),
        timing: FAST_TIMING,
        ...extra,
      });
      engines.push(engine);
      return engine;
    },
    async close() {
      for (const engine of engines) await engine.close();
      await closeConnectors(stack.apps);
      await sandbox.close();
      await place.dispose();
    },
  };
  return stack;
}

/**
 * The demo exactly as `npm start` runs it (sandbox, embedded ledger, demo.yaml, webhooks), on free ports and an
 * in-memory ledger, as a Stack. `listeners` receives the lines `npm start` prints.
 */
export async function startDemoStack(listeners: string[]): Promise<Stack> {
  const logs = new LogSink();
  const demo = await startDemo({
    ports: { hubspot: 0, mailchimp: 0, zendesk: 0 },
    port: 0,
    dataDir: 'memory://',
    seed: 30,
    logger: createLogger({ destination: logs.stream, level: 'debug' }),
    timing: FAST_TIMING,
    onListening: (name, url) => listeners.push(`${name} listening on ${url}`),
  });
  const apps = buildConnectors(demo.config.connections);
  return {
    sandbox: demo.sandbox,
    config: demo.config,
    apps,
    logs,
    place: { options: { databaseUrl: null, dataDir: 'memory://' }, dispose: () => Promise.resolve() },
    engines: [demo.engine],
    startEngine: () => Promise.reject(new Error('the demo runs one engine')),
    async close() {
      await demo.close();
      await closeConnectors(apps);
    },
  };
}

/** The first engine's webhooks: each simulator posts to it. */
export async function pointWebhooksAt(stack: Stack, engine: RunningEngine): Promise<void> {
  await pointSandboxWebhooks(stack.sandbox, stack.config, engine.url);
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

/** Every record of an app's object, read from scratch through the test's own connector. */
export async function readAll(stack: Stack, app: string, object: string): Promise<AppRecord[]> {
  const connector = stack.apps[app];
  if (!connector) throw new Error(`no connection ${app}`);
  const out: AppRecord[] = [];
  for await (const page of connector.read(object, null)) out.push(...page.records.filter((r) => !r.deleted));
  return out;
}

export function field(record: AppRecord, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), record.fields);
}

/** A text field as the reconciler compares it: null, absent and "" are one value. */
export function text(record: AppRecord | undefined, path: string): string {
  const value = record === undefined ? undefined : field(record, path);
  return value === null || value === undefined ? '' : String(value);
}

export function emailOf(record: AppRecord, path: string): string {
  return String(field(record, path) ?? '').trim().toLowerCase();
}

/** The demo's people per app, by normalised email, after the demo's filters. */
export async function peopleByApp(stack: Stack): Promise<{ crm: Map<string, AppRecord>; mail: Map<string, AppRecord>; helpdesk: Map<string, AppRecord> }> {
  const crm = await readAll(stack, 'crm', 'contacts');
  const mail = (await readAll(stack, 'mail', 'members')).filter((r) => ['subscribed', 'unsubscribed'].includes(String(field(r, 'status'))));
  const helpdesk = (await readAll(stack, 'helpdesk', 'users')).filter((r) => field(r, 'role') === 'end-user');
  return {
    crm: new Map(crm.map((r) => [emailOf(r, 'email'), r])),
    mail: new Map(mail.map((r) => [emailOf(r, 'email_address'), r])),
    helpdesk: new Map(helpdesk.map((r) => [emailOf(r, 'email'), r])),
  };
}

/** Converged: CRM and helpdesk hold the same people, everyone in the email tool is in both, with equal last names. */
export async function converged(stack: Stack): Promise<boolean> {
  const { crm, mail, helpdesk } = await peopleByApp(stack);
  if (crm.size === 0 || crm.size !== helpdesk.size) return false;
  for (const [email, record] of crm) {
    const other = helpdesk.get(email);
    if (!other || text(other, 'user_fields.last_name') !== text(record, 'lastname')) return false;
  }
  for (const [email, member] of mail) {
    const record = crm.get(email);
    if (!record || text(member, 'merge_fields.LNAME') !== text(record, 'lastname')) return false;
  }
  return true;
}

/** Succeeded runs of the sync in the engine's ledger. */
export async function finishedRuns(engine: RunningEngine, sync = 'contacts'): Promise<number> {
  const runs = await engine.core.ledger.runs.recent(sync, 200);
  return runs.filter((r) => r.status === 'succeeded').length;
}
