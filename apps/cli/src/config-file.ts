import { ConfigError, type ConfigIssue } from '@tandem/core';
import { formatIssue, loadConfig, type TandemConfig } from '@tandem/config';
import { EXIT, type CliContext } from './context.js';

/** The config file a command uses: `-c FILE`, else $TANDEM_CONFIG, else ./tandem.yaml. */
export function configFile(option: string | undefined, env: Record<string, string | undefined>): string {
  return option ?? (env.TANDEM_CONFIG || 'tandem.yaml');
}

/** Prints config issues one per line (`file:line:col: path: message`), as `tandem validate` does. */
export function printIssues(issues: readonly ConfigIssue[], ctx: CliContext): void {
  for (const issue of issues) ctx.stderr(`${formatIssue(issue)}\n`);
}

/**
 * Loads the config for a command that goes on to use it: warnings go to stderr; an invalid file prints every issue
 * and the summary like `tandem validate`, sets exit code 2, and returns undefined.
 */
export function loadCommandConfig(file: string, ctx: CliContext): TandemConfig | undefined {
  try {
    const { config, warnings } = loadConfig(file, ctx.env);
    printIssues(warnings, ctx);
    return config;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    printIssues(error.issues, ctx);
    ctx.stderr(`${error.message}\n`);
    ctx.exitCode = EXIT.user;
    return undefined;
  }
}
