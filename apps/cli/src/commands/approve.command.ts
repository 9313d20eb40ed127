import type { Command } from 'commander';
import { approveRun } from '@tandem/runtime';
import { EXIT, type CliContext } from '../context.js';
import { cycleFailed, jsonSync } from '../report-format.js';
import { CliUsageError, withSession } from '../session.js';
import { printCycle } from './sync.command.js';

const RUN_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `tandem approve <runId> [-c FILE] [--json]`: carries out the deletes a held run was waiting to make. */
export function registerApprove(program: Command, ctx: CliContext): void {
  program
    .command('approve <runId>')
    .description('approve the deletes a held run is waiting for (above maxDeletes) and carry them out')
    .option('-c, --config <file>', 'config file (default: $TANDEM_CONFIG or tandem.yaml)')
    .option('--json', 'print one JSON object')
    .action((runId: string, options: { config?: string; json?: boolean }) =>
      withSession(options.config, ctx, async ({ config, ledger, env }) => {
        if (!RUN_ID.test(runId)) throw new CliUsageError(`"${runId}" is not a run id (tandem sync prints it)`);
        const run = await ledger.runs.get(runId);
        if (!run) throw new CliUsageError(`no run ${runId} in the ledger`, { runId });
        const spec = config.syncs.find((sync) => sync.name === run.sync);
        if (!spec) throw new CliUsageError(`run ${runId} belongs to sync "${run.sync}", which the config no longer has`, { runId });
        const report = await approveRun(runId, spec, env);
        if (options.json) ctx.stdout(`${JSON.stringify({ syncs: [jsonSync(report)] })}\n`);
        else printCycle(report, ctx);
        ctx.exitCode = cycleFailed(report) ? EXIT.unexpected : EXIT.ok;
      }),
    );
}
