import type { RuntimeLogger } from '@tandem/runtime';
import type { CliContext } from './context.js';

/** `key=value` pairs of the primitive fields of a log object (the runtime logs ids and codes there). */
function fields(obj: Record<string, unknown>): string {
  const pairs = Object.entries(obj)
    .filter(([, value]) => ['string', 'number', 'boolean'].includes(typeof value))
    .map(([key, value]) => `${key}=${String(value)}`);
  return pairs.length ? ` (${pairs.join(' ')})` : '';
}

/**
 * The runtime's logger for one-shot commands: warnings and errors as one line each on stderr (stdout stays clean
 * for `--json`); info lines only with TANDEM_LOG=info.
 */
export function cliLogger(ctx: CliContext): RuntimeLogger {
  const verbose = ctx.env.TANDEM_LOG === 'info';
  return {
    info: (obj, msg) => {
      if (verbose) ctx.stderr(`tandem: ${msg}${fields(obj)}\n`);
    },
    warn: (obj, msg) => ctx.stderr(`tandem: warning: ${msg}${fields(obj)}\n`),
    error: (obj, msg) => ctx.stderr(`tandem: error: ${msg}${fields(obj)}\n`),
  };
}
