/**
 * What the commands that touch the ledger share: load the config, open the ledger, build the connectors, run the
 * command, and always close both. Config mistakes exit 2; Tandem's own errors print one line and exit 1.
 */
import { DEFAULT_DATA_DIR, openLedger, type Ledger, type OpenLedgerOptions } from '@tandem/ledger';
import type { TandemConfig } from '@tandem/config';
import { didYouMean } from '@tandem/config';
import { TandemError, type SyncSpec } from '@tandem/core';
import type { Connector } from '@tandem/connector-sdk';
import type { SyncEnvironment } from '@tandem/runtime';
import { buildConnectors, closeConnectors } from '@tandem/connectors';
import { configFile, loadCommandConfig } from './config-file.js';
import { EXIT, type CliContext } from './context.js';
import { cliLogger } from './logger.js';

export interface Session {
  config: TandemConfig;
  ledger: Ledger;
  connectors: Record<string, Connector>;
  env: SyncEnvironment;
}

/** Error codes that mean "fix your config or command line", not "something broke": exit 2 like a validation error. */
const USER_ERROR_CODES = new Set([
  'TANDEM_CONFIG_INVALID',
  'CONNECTOR_UNKNOWN_TYPE',
  'CONNECTOR_CONFIG_INVALID',
  'CLI_USAGE',
  'RUN_NOT_HELD',
]);

/** A mistake in how the command was called (unknown sync name, malformed record reference): exit 2. */
export class CliUsageError extends TandemError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('CLI_USAGE', message, details);
  }
}

/**
 * Ledger location: `engine.database`, else $DATABASE_URL (Postgres); otherwise embedded PGlite in `engine.dataDir`,
 * else $TANDEM_DATA_DIR, else `.tandem/pgdata`. The environment comes from the context, never from process.env.
 */
export function ledgerOptions(config: TandemConfig, env: Record<string, string | undefined>): OpenLedgerOptions {
  const databaseUrl = config.engine?.database || env.DATABASE_URL || null;
  const options: OpenLedgerOptions = { databaseUrl };
  if (!databaseUrl) options.dataDir = config.engine?.dataDir || env.TANDEM_DATA_DIR || DEFAULT_DATA_DIR;
  if (env.TANDEM_KEY_SECRET) options.keySecret = env.TANDEM_KEY_SECRET;
  return options;
}

/** Every sync of the config, or the one named by `--sync` (a usage error naming the known ones otherwise). */
export function selectSyncs(config: TandemConfig, name: string | undefined): SyncSpec[] {
  if (name === undefined) return config.syncs;
  const found = config.syncs.find((sync) => sync.name === name);
  if (found) return [found];
  const names = config.syncs.map((sync) => sync.name);
  throw new CliUsageError(`no sync named "${name}"${didYouMean(name, names)} (syncs: ${names.join(', ')})`, { sync: name });
}

export interface SessionOptions {
  /** Apply pending migrations on open (default true); `tandem migrate` applies them itself. */
  migrate?: boolean;
  /** Build the config's connectors (default true); `tandem migrate` needs none. */
  connectors?: boolean;
}

/** Opens the ledger and the connectors for `config`. */
export async function openSession(config: TandemConfig, ctx: CliContext, options: SessionOptions = {}): Promise<Session> {
  const connectors = options.connectors === false ? {} : buildConnectors(config.connections);
  let ledger: Ledger;
  try {
    ledger = await openLedger({ ...ledgerOptions(config, ctx.env), runMigrations: options.migrate ?? true });
  } catch (error) {
    await closeConnectors(connectors);
    throw error;
  }
  return { config, ledger, connectors, env: { ledger, connectors, logger: cliLogger(ctx) } };
}

/**
 * Runs `work` with an open session and closes it whatever happens. Returns without calling `work` when the config is
 * invalid (exit 2 already set). Tandem errors become one line on stderr (exit 2 for config codes, else 1).
 */
export async function withSession(
  configOption: string | undefined,
  ctx: CliContext,
  work: (session: Session) => Promise<void>,
  options: SessionOptions = {},
): Promise<void> {
  const config = loadCommandConfig(configFile(configOption, ctx.env), ctx);
  if (!config) return;
  let session: Session | undefined;
  try {
    session = await openSession(config, ctx, options);
    await work(session);
  } catch (error) {
    if (!(error instanceof TandemError)) throw error;
    ctx.stderr(`tandem: ${error.message} (${error.code})\n`);
    ctx.exitCode = USER_ERROR_CODES.has(error.code) ? EXIT.user : EXIT.unexpected;
  } finally {
    if (session) {
      await closeConnectors(session.connectors);
      await session.ledger.close();
    }
  }
}
