import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { adminAction, adminRequest, AdminUsageError, segment } from './admin-client.js';

interface ResyncOptions {
  records?: string;
  since?: string;
}

/** The request body: nothing (full), `{records}` or `{since}`; wrong input is a usage error. */
export function resyncBody(options: ResyncOptions): Record<string, unknown> {
  if (options.records !== undefined && options.since !== undefined)
    throw new AdminUsageError('give --records or --since, not both');
  if (options.since !== undefined) {
    if (!/^\d{4}-\d{2}-\d{2}/.test(options.since) || Number.isNaN(Date.parse(options.since))) {
      throw new AdminUsageError(`--since "${options.since}" is not an ISO 8601 time (e.g. 2026-11-01T00:00:00Z)`);
    }
    return { since: new Date(options.since).toISOString() };
  }
  if (options.records === undefined) return {};
  const records = options.records
    .split(',')
    .map((r) => r.trim())
    .filter((r) => r !== '');
  const bad = records.find((r) => !/^[^:\s]+:.+$/.test(r));
  if (records.length === 0 || bad !== undefined)
    throw new AdminUsageError(`--records takes app:id[,app:id…]${bad ? `; "${bad}" is not one` : ''}`);
  return { records };
}

/** `tandem resync <sync> [--records app:id,…] [--since ISO]` (admin API). */
export function registerResync(program: Command, ctx: CliContext): void {
  program
    .command('resync <sync>')
    .description('ask the running engine to resync a sync: fully, some records, or records changed since a time')
    .option('--records <refs>', 'only these records, comma-separated app:id')
    .option('--since <iso>', 'records changed since this time')
    .action((sync: string, options: ResyncOptions) =>
      adminAction(ctx, async (client) => {
        const body = resyncBody(options);
        const res = await adminRequest<{ runId: string | null; status?: string }>(
          client,
          'post',
          `/admin/syncs/${segment(sync)}/resync`,
          body,
        );
        const scope = body.records
          ? `${(body.records as string[]).length} record(s)`
          : body.since
            ? `since ${String(body.since)}`
            : 'full';
        const status = res.status ? ` (${res.status})` : '';
        ctx.stdout(`${sync}: resync ${scope} — run ${res.runId ?? 'queued'}${status}\n`);
      }),
    );
}
