import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { adminAction, adminRequest, segment } from './admin-client.js';

/** `tandem pause <sync>` / `tandem resume <sync>` share this: one POST and one line. */
export function registerSyncToggle(program: Command, ctx: CliContext, action: 'pause' | 'resume'): void {
  program
    .command(`${action} <sync>`)
    .description(
      action === 'pause'
        ? 'pause a sync in the running engine (no cycles until resumed)'
        : 'resume a paused sync in the running engine',
    )
    .action((sync: string) =>
      adminAction(ctx, async (client) => {
        await adminRequest(client, 'post', `/admin/syncs/${segment(sync)}/${action}`);
        ctx.stdout(`${sync}: ${action === 'pause' ? 'paused' : 'resumed'}\n`);
      }),
    );
}

/** `tandem pause <sync>` (admin API). */
export function registerPause(program: Command, ctx: CliContext): void {
  registerSyncToggle(program, ctx, 'pause');
}
