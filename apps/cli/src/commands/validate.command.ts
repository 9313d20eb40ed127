import type { Command } from 'commander';
import { ConfigError, type ConfigIssue } from '@tandem/core';
import { loadConfig, type TandemConfig } from '@tandem/config';
import { EXIT, type CliContext } from '../context.js';
import { configFile, printIssues } from '../config-file.js';

/** `tandem validate [-c FILE]`: schema and semantic checks; exit 0 when valid, 2 with every issue when not. */
export function registerValidate(program: Command, ctx: CliContext): void {
  program
    .command('validate')
    .description('check tandem.yaml: every error with file:line:col, warnings, and a summary')
    .option('-c, --config <file>', 'config file (default: $TANDEM_CONFIG or tandem.yaml)')
    .action((options: { config?: string }) => {
      const file = configFile(options.config, ctx.env);
      try {
        const { config, warnings } = loadConfig(file, ctx.env);
        printIssues(warnings, ctx);
        ctx.stdout(`${file}: ok — ${summary(config)}${warningCount(warnings)}\n`);
        ctx.exitCode = EXIT.ok;
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        printIssues(error.issues, ctx);
        ctx.stderr(`${error.message}\n`);
        ctx.exitCode = EXIT.user;
      }
    });
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function summary(config: TandemConfig): string {
  const fields = config.syncs.reduce((sum, sync) => sum + sync.fields.length, 0);
  return [plural(Object.keys(config.connections).length, 'connection'), plural(config.syncs.length, 'sync'), plural(fields, 'field')].join(', ');
}

function warningCount(warnings: readonly ConfigIssue[]): string {
  return warnings.length ? ` (${plural(warnings.length, 'warning')})` : '';
}
