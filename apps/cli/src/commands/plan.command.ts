import type { Command } from 'commander';
import { runCycle, type CycleReport } from '@tandem/runtime';
import { EXIT, type CliContext } from '../context.js';
import { countsTable, cycleFailed, flagLines, PLAN_COLUMNS, sampleLines } from '../report-format.js';
import { selectSyncs, withSession } from '../session.js';

interface PlanOptions {
  config?: string;
  sync?: string;
  json?: boolean;
}

/** The `--json` entry of one planned sync: counts, sample ids and field names, flags. */
function planJson(report: CycleReport) {
  const { sync, status, apps, samples, flags, heldDeletes, error } = report;
  return { sync, status, apps, samples, flags, heldDeletes, ...(error ? { error } : {}) };
}

function printPlan(report: CycleReport, ctx: CliContext): void {
  ctx.stdout(`${report.sync}: plan (${report.status}) — nothing was written\n`);
  if (report.error) ctx.stdout(`  ${report.error.code}: ${report.error.message}\n`);
  ctx.stdout(countsTable(report, PLAN_COLUMNS));
  const samples = sampleLines(report);
  if (samples) ctx.stdout(`  examples:\n${samples.replace(/^ {2}/gm, '    ')}`);
  const flags = flagLines(report);
  if (flags) ctx.stdout(`  flags:\n${flags.replace(/^ {2}/gm, '    ')}`);
  if (report.heldDeletes > 0) ctx.stdout(`  ${report.heldDeletes} deletes would wait for approval\n`);
}

/** `tandem plan [-c FILE] [--sync NAME] [--json]`: a dry run of every sync that writes nothing anywhere. */
export function registerPlan(program: Command, ctx: CliContext): void {
  program
    .command('plan')
    .description('dry run: what a sync would link, create, update, delete and flag (writes nothing)')
    .option('-c, --config <file>', 'config file (default: $TANDEM_CONFIG or tandem.yaml)')
    .option('--sync <name>', 'plan only this sync')
    .option('--json', 'print one JSON object')
    .action((options: PlanOptions) =>
      withSession(options.config, ctx, async ({ config, env }) => {
        const reports: CycleReport[] = [];
        for (const spec of selectSyncs(config, options.sync)) reports.push(await runCycle(spec, env, { mode: 'plan' }));
        if (options.json) ctx.stdout(`${JSON.stringify({ syncs: reports.map(planJson) }, null, 2)}\n`);
        else for (const report of reports) printPlan(report, ctx);
        ctx.exitCode = reports.some(cycleFailed) ? EXIT.unexpected : EXIT.ok;
      }),
    );
}
