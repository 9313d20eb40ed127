import type { Command } from 'commander';
import { TandemError, type SyncSpec } from '@tandem/core';
import { emptyCounts, runCycle, type CycleReport, type SyncEnvironment } from '@tandem/runtime';
import { EXIT, type CliContext } from '../context.js';
import { progressView, type ProgressView } from '../progress.js';
import { countsTable, cycleFailed, flagLines, jsonSync, statusLine, SYNC_COLUMNS } from '../report-format.js';
import { CliUsageError, selectSyncs, withSession } from '../session.js';

interface SyncOptions {
  once?: boolean;
  config?: string;
  sync?: string;
  json?: boolean;
  full?: boolean;
}

/**
 * A cycle that threw instead of reporting (a connector that cannot authenticate, a lost ledger) still gets an entry,
 * so `--json` prints one complete object and the other syncs run.
 */
function thrownReport(spec: SyncSpec, error: TandemError, startedAt: number): CycleReport {
  const apps = Object.fromEntries(Object.keys(spec.members).map((app) => [app, emptyCounts()]));
  return {
    runId: null,
    sync: spec.name,
    mode: 'sync',
    status: 'aborted',
    apps,
    samples: [],
    flags: [],
    heldDeletes: 0,
    startedAt,
    finishedAt: Date.now(),
    error: { code: error.code, message: error.message },
  };
}

async function runOne(spec: SyncSpec, env: SyncEnvironment, options: SyncOptions, progress: ProgressView) {
  const startedAt = Date.now();
  progress.begin(spec.name, Object.keys(spec.members));
  try {
    return await runCycle(spec, env, {
      mode: 'sync',
      trigger: 'manual',
      full: options.full === true,
      onProgress: (event) => progress.update(event),
    });
  } catch (error) {
    if (!(error instanceof TandemError)) throw error;
    return thrownReport(spec, error, startedAt);
  } finally {
    progress.end();
  }
}

/** Prints a finished cycle: status line, per-app counts, flags. Shared with `tandem approve`. */
export function printCycle(report: CycleReport, ctx: CliContext): void {
  ctx.stdout(statusLine(report));
  ctx.stdout(countsTable(report, SYNC_COLUMNS));
  const flags = flagLines(report);
  if (flags) ctx.stdout(`  flags:\n${flags.replace(/^ {2}/gm, '    ')}`);
}

/** `tandem sync --once [-c FILE] [--sync NAME] [--full] [--json]`: one cycle per sync, then exit. */
export function registerSync(program: Command, ctx: CliContext): void {
  program
    .command('sync')
    .description('run one cycle of every sync now (progress, then a summary); the engine (npm start) runs them on schedule')
    .option('--once', 'run one cycle per sync and exit (required)')
    .option('-c, --config <file>', 'config file (default: $TANDEM_CONFIG or tandem.yaml)')
    .option('--sync <name>', 'run only this sync')
    .option('--full', 'read every member from scratch, ignoring cursors')
    .option('--json', 'print one JSON object instead of the table')
    .action(async (options: SyncOptions) => {
      if (!options.once) {
        ctx.stderr('tandem: sync runs one cycle and exits: add --once (the scheduled engine is `npm start`)\n');
        ctx.exitCode = EXIT.user;
        return;
      }
      await withSession(options.config, ctx, async ({ config, env }) => {
        const specs = selectSyncs(config, options.sync);
        if (specs.length === 0) throw new CliUsageError('the config has no syncs');
        const progress = progressView(ctx, options.json === true);
        const reports: CycleReport[] = [];
        for (const spec of specs) reports.push(await runOne(spec, env, options, progress));
        if (options.json) ctx.stdout(`${JSON.stringify({ syncs: reports.map(jsonSync) })}\n`);
        else for (const report of reports) printCycle(report, ctx);
        ctx.exitCode = reports.some(cycleFailed) ? EXIT.unexpected : EXIT.ok;
      });
    });
}
