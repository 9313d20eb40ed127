import type { Command } from 'commander';
import type { Ledger } from '@tandem/ledger';
import { EXIT, type CliContext } from '../context.js';
import { ledgerOptions, withSession } from '../session.js';

/** Where the ledger lives, without credentials: `postgres` or the embedded data folder. */
function describeLedger(ledger: Ledger, dataDir: string | undefined): string {
  return ledger.kind === 'postgres' ? 'postgres' : `embedded PGlite in ${dataDir ?? '(default)'}`;
}

/** `tandem migrate [-c FILE]`: applies the ledger's pending migrations and lists them. */
export function registerMigrate(program: Command, ctx: CliContext): void {
  program
    .command('migrate')
    .description('apply pending ledger migrations ($DATABASE_URL, else the embedded store)')
    .option('-c, --config <file>', 'config file (default: $TANDEM_CONFIG or tandem.yaml)')
    .action((options: { config?: string }) =>
      withSession(
        options.config,
        ctx,
        async ({ config, ledger }) => {
          const applied = await ledger.migrate();
          const where = describeLedger(ledger, ledgerOptions(config, ctx.env).dataDir);
          for (const name of applied) ctx.stdout(`applied ${name}\n`);
          ctx.stdout(
            applied.length
              ? `${where}: ${applied.length} migration${applied.length === 1 ? '' : 's'} applied\n`
              : `${where}: up to date\n`,
          );
          ctx.exitCode = EXIT.ok;
        },
        { migrate: false, connectors: false },
      ),
    );
}
