import { Command, CommanderError } from 'commander';
import { registerApprove } from './commands/approve.command.js';
import { registerErase } from './commands/erase.command.js';
import { registerExplain } from './commands/explain.command.js';
import { registerMigrate } from './commands/migrate.command.js';
import { registerPause } from './commands/pause.command.js';
import { registerPlan } from './commands/plan.command.js';
import { registerResume } from './commands/resume.command.js';
import { registerResync } from './commands/resync.command.js';
import { registerStatus } from './commands/status.command.js';
import { registerSync } from './commands/sync.command.js';
import { registerValidate } from './commands/validate.command.js';
import { EXIT, type CliContext } from './context.js';

/**
 * Every command registers itself from its own file in ./commands; add new ones (erase, resync, status) to
 * this list.
 */
const COMMANDS: ((program: Command, ctx: CliContext) => void)[] = [
  registerValidate,
  registerMigrate,
  registerPlan,
  registerSync,
  registerExplain,
  registerApprove,
  registerStatus,
  registerResync,
  registerPause,
  registerResume,
  registerErase,
];

/** The `tandem` command tree, writing through `ctx` and never calling process.exit. */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command('tandem')
    .description('Tandem keeps customer records identical across apps')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({ writeOut: (text) => ctx.stdout(text), writeErr: (text) => ctx.stderr(text) });
  for (const register of COMMANDS) register(program, ctx);
  for (const command of program.commands) command.exitOverride().configureOutput(program.configureOutput());
  return program;
}

/**
 * Runs the command line and returns the exit code. Usage mistakes exit 2 with commander's one-line message;
 * an unexpected error prints one line (no stack trace) and exits 1.
 */
export async function runCli(argv: readonly string[], ctx: CliContext): Promise<number> {
  const program = buildProgram(ctx);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ctx.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.user;
    ctx.stderr(`tandem: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.unexpected;
  }
}
