/**
 * `npm start`. With `-c FILE` (or TANDEM_CONFIG): the engine for that config, on DATABASE_URL (or an embedded ledger
 * in `.tandem/pgdata`). Without: the demo — sandbox, embedded ledger, examples/demo.yaml.
 * Prints one `<name> listening on <url>` line per listener, and `admin token: <token>` once when it made the token.
 */
import { Command, Option } from 'commander';
import { ConfigError, TandemError } from '@tandem/core';
import { formatIssue, loadConfig } from '@tandem/config';
import type { EngineRole } from './core/engine-options.js';
import { startDemo } from './demo.js';
import { startEngine, type RunningEngine } from './engine.js';

interface CliOptions {
  config?: string;
  role: EngineRole;
  port?: string;
}

function parseArgs(argv: string[]): CliOptions {
  const program = new Command()
    .name('tandem-engine')
    .description('The Tandem sync engine: scheduler, webhook receiver, admin API')
    .option('-c, --config <file>', 'tandem.yaml to run (default: TANDEM_CONFIG; none: the demo)')
    .addOption(new Option('--role <role>', 'what this process does').choices(['api', 'worker', 'all']).default('all'))
    .option('-p, --port <port>', 'HTTP port (default: engine.port, PORT, 4010)')
    .showHelpAfterError();
  program.parse(argv);
  return program.opts<CliOptions>();
}

function port(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw new TandemError('ENGINE_BAD_PORT', `--port must be a port number, not ${text}`);
  return value;
}

function announce(engine: RunningEngine): void {
  if (engine.generatedToken) console.log(`admin token: ${engine.adminToken}`);
}

/** SIGINT/SIGTERM reach Nest's shutdown hooks; the demo's sandbox is closed after the engine. */
function closeOn(signals: NodeJS.Signals[], close: () => Promise<void>): void {
  let closing = false;
  for (const signal of signals) {
    process.on(signal, () => {
      if (closing) return;
      closing = true;
      close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
}

/**
 * A background promise that fails after start (a job-queue poll while the database restarts) must not take the whole
 * engine down: it is logged once as JSON, with its code, and the queue's own retry or the next tick recovers.
 */
function surviveBackgroundFailures(): void {
  process.on('unhandledRejection', (reason: unknown) => {
    const code = reason instanceof TandemError ? reason.code : ((reason as { code?: string } | null)?.code ?? 'UNHANDLED');
    console.error(JSON.stringify({ level: 50, service: 'tandem-engine', code, msg: 'background task failed' }));
  });
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv);
  surviveBackgroundFailures();
  const file = options.config ?? process.env.TANDEM_CONFIG;
  if (file === undefined || file === '') {
    const demo = await startDemo({
      ...(options.port !== undefined ? { port: port(options.port) } : {}),
      onListening: (name, url) => console.log(`${name} listening on ${url}`),
    });
    announce(demo.engine);
    closeOn(['SIGINT', 'SIGTERM'], () => demo.close());
    return;
  }
  const { config, warnings } = loadConfig(file);
  for (const warning of warnings) console.error(formatIssue(warning));
  const engine = await startEngine({ config, role: options.role, ...(options.port !== undefined ? { port: port(options.port) } : {}) });
  console.log(`engine listening on ${engine.url}`);
  announce(engine);
  closeOn(['SIGINT', 'SIGTERM'], () => engine.close());
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    for (const issue of error.issues) console.error(formatIssue(issue));
  }
  const code = error instanceof TandemError ? `${error.code}: ` : '';
  console.error(`engine failed to start: ${code}${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
