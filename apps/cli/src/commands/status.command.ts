import type { Command } from 'commander';
import type { AxiosInstance } from 'axios';
import type { CliContext } from '../context.js';
import { adminAction, adminRequest } from './admin-client.js';

/** What GET /admin/syncs returns per sync (the fields status prints). */
export interface SyncStatus {
  name: string;
  state: string;
  schedule: string | null;
  lastRun: { runId: string | null; status: string; finishedAt: string } | null;
  nextRunAt: string | null;
  counts: { links: number };
  backlog: { retries: number; deadRetries: number; conflicts: number; heldDeletes: number };
}

/** Every page of GET /admin/syncs. */
async function allSyncs(client: AxiosInstance): Promise<SyncStatus[]> {
  const out: SyncStatus[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `?limit=100&cursor=${encodeURIComponent(cursor)}` : '?limit=100';
    const page: { items: SyncStatus[]; next: string | null } = await adminRequest(
      client,
      'get',
      `/admin/syncs${query}`,
    );
    out.push(...page.items);
    cursor = page.next;
  } while (cursor);
  return out;
}

/** One line per sync: state, links, last and next run, and the backlog a person may need to act on. */
export function formatStatus(syncs: SyncStatus[]): string {
  if (syncs.length === 0) return 'no syncs configured\n';
  const width = Math.max(...syncs.map((s) => s.name.length));
  return syncs
    .map((s) => {
      const last = s.lastRun ? `last ${s.lastRun.status} ${s.lastRun.finishedAt}` : 'never run';
      const next = s.nextRunAt ? `, next ${s.nextRunAt}` : '';
      const b = s.backlog;
      const backlog = `retries ${b.retries} (dead ${b.deadRetries}), conflicts ${b.conflicts}, held deletes ${b.heldDeletes}`;
      return `${s.name.padEnd(width)}  ${s.state.padEnd(7)}  ${s.counts.links} links  ${last}${next}  ${backlog}\n`;
    })
    .join('');
}

/** `tandem status` (admin API). */
export function registerStatus(program: Command, ctx: CliContext): void {
  program
    .command('status')
    .description('show every sync in the running engine: state, last and next run, backlog')
    .option('--json', 'print the syncs as JSON')
    .action((options: { json?: boolean }) =>
      adminAction(ctx, async (client) => {
        const syncs = await allSyncs(client);
        ctx.stdout(options.json ? `${JSON.stringify({ syncs })}\n` : formatStatus(syncs));
      }),
    );
}
