/**
 * Starting and stopping one engine process: ledger, connectors, job queue, Nest application, HTTP listener.
 * `main.ts` calls it for `npm start`; tests call it to run engines on port 0.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Logger } from 'pino';
import type { Connector } from '@tandem/connector-sdk';
import type { TandemConfig } from '@tandem/config';
import { buildConnectors, closeConnectors } from '@tandem/connectors';
import { openLedger, type Ledger } from '@tandem/ledger';
import { setupAdminDocs } from './admin/admin-docs.js';
import { AppModule } from './app.module.js';
import { EngineCore } from './core/engine-core.js';
import { DEFAULT_TIMING, type EngineRole, type EngineTiming } from './core/engine-options.js';
import { JobQueue, jobSchemaFor, queueDatabaseFor } from './jobs/job-queue.js';
import { createLogger, PinoNestLogger, runtimeLogger } from './logging/logger.js';
import { EngineMetrics } from './ops/metrics.js';
import { WEBHOOK_PATH_PREFIX } from './webhooks/webhooks.controller.js';

export const DEFAULT_PORT = 4010;

export interface StartEngineOptions {
  config: TandemConfig;
  /** Postgres URL; undefined: DATABASE_URL, else embedded PGlite; null: embedded whatever the environment says. */
  databaseUrl?: string | null;
  /** Embedded PGlite folder (default `.tandem/pgdata`; `memory://` for tests). */
  dataDir?: string;
  /** Postgres schema of the ledger (the job queue uses `<schema>_jobs`). */
  schema?: string;
  /** 0 picks a free port. Default: engine.port, else PORT, else 4010. */
  port?: number;
  host?: string;
  /** Default: TANDEM_ADMIN_TOKEN, else engine.adminToken, else a random one (`generatedToken` is then true). */
  adminToken?: string;
  logger?: Logger;
  role?: EngineRole;
  timing?: Partial<EngineTiming>;
  /** Connectors to use instead of building them from the config (tests). */
  connectors?: Record<string, Connector>;
}

export interface RunningEngine {
  url: string;
  port: number;
  core: EngineCore;
  adminToken: string;
  generatedToken: boolean;
  app: NestExpressApplication;
  logger: Logger;
  /** Graceful stop: jobs, running cycle (within the shutdown timeout), HTTP, connectors, ledger. */
  close(): Promise<void>;
}

function resolvePort(options: StartEngineOptions): number {
  if (options.port !== undefined) return options.port;
  if (options.config.engine?.port !== undefined) return options.config.engine.port;
  const env = Number(process.env.PORT);
  return process.env.PORT !== undefined && Number.isInteger(env) && env >= 0 ? env : DEFAULT_PORT;
}

function resolveToken(options: StartEngineOptions): { token: string; generated: boolean } {
  const given = options.adminToken ?? process.env.TANDEM_ADMIN_TOKEN ?? options.config.engine?.adminToken;
  if (given !== undefined && given !== '') return { token: given, generated: false };
  return { token: randomBytes(24).toString('base64url'), generated: true };
}

export async function startEngine(options: StartEngineOptions): Promise<RunningEngine> {
  const logger = options.logger ?? createLogger();
  const log = runtimeLogger(logger);
  const timing: EngineTiming = { ...DEFAULT_TIMING, ...options.timing };
  const ledger = await openEngineLedger(options);
  const parts = await assemble(options, ledger, log, timing).catch(async (error: unknown) => {
    await ledger.close();
    throw error;
  });
  const { token, generated } = resolveToken(options);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(parts, token), {
    bodyParser: false,
    logger: new PinoNestLogger(logger),
  });
  installBodyParsers(app);
  setupAdminDocs(app);
  app.enableShutdownHooks();
  const host = options.host ?? options.config.engine?.host ?? '127.0.0.1';
  try {
    await app.listen(resolvePort(options), host);
  } catch (error) {
    await app.close();
    throw error;
  }
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://${host}:${address.port}`;
  log.info({ port: address.port, role: parts.role, ledger: ledger.kind }, 'engine listening');
  let closing: Promise<void> | null = null;
  return {
    url,
    port: address.port,
    core: parts,
    adminToken: token,
    generatedToken: generated,
    app,
    logger,
    close: () => (closing ??= app.close()),
  };
}

/**
 * The ledger, migrated. Embedded, it gets one connection: the embedded wire-protocol server interleaves the protocol
 * messages of concurrent connections. Ledger.migrate holds a connection while migrating through another, so with one
 * connection the migrations run here, the same way (PGlite needs no migration lock: it has one process).
 */
async function openEngineLedger(options: StartEngineOptions): Promise<Ledger> {
  return openLedger({
    ...(options.databaseUrl !== undefined ? { databaseUrl: options.databaseUrl } : {}),
    ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
    ...(options.schema !== undefined ? { schema: options.schema } : {}),
    ...(process.env.TANDEM_KEY_SECRET ? { keySecret: process.env.TANDEM_KEY_SECRET } : {}),
  });
}

/** Everything the Nest app needs, built before it so a bad connection setting fails fast with a clear error. */
async function assemble(options: StartEngineOptions, ledger: Ledger, log: ReturnType<typeof runtimeLogger>, timing: EngineTiming): Promise<EngineCore> {
  const metrics = new EngineMetrics(ledger, options.config.syncs.map((s) => s.name), { defaultMetrics: true });
  const connectors = options.connectors ?? buildConnectors(options.config.connections, { hooks: metrics.connectorHooks() });
  const queue = new JobQueue({
    database: queueDatabaseFor(ledger),
    schema: jobSchemaFor(ledger),
    pollingIntervalSeconds: timing.pollingIntervalSeconds,
    logger: log,
  });
  try {
    await queue.start();
  } catch (error) {
    if (!options.connectors) await closeConnectors(connectors);
    throw error;
  }
  const core = new EngineCore({ config: options.config, ledger, connectors, queue, metrics, logger: log, timing, role: options.role ?? 'all' });
  await core.refreshPaused();
  return core;
}

/**
 * Webhook bodies stay raw Buffers whatever their content type (signatures cover the exact bytes, and a body that is
 * not JSON must reach the verifier before anything answers 400); the admin API gets JSON and forms parsed.
 */
function installBodyParsers(app: NestExpressApplication): void {
  app.useBodyParser('raw', { type: (req: IncomingMessage) => (req.url ?? '').startsWith(WEBHOOK_PATH_PREFIX), limit: '2mb' });
  app.useBodyParser('json', { limit: '1mb' });
  app.useBodyParser('urlencoded', { extended: true, limit: '1mb' });
}
