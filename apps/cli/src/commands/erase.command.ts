import type { Command } from 'commander';
import type { ErasureReport } from '@tandem/runtime';
import { EXIT, type CliContext } from '../context.js';
import { adminAction, adminRequest, AdminUsageError } from './admin-client.js';

/** One line per app per sync: what was erased, what failed (with codes), and the suppression tombstone. */
export function formatErasure(report: ErasureReport): string {
  const lines: string[] = [];
  for (const s of report.syncs) {
    lines.push(`${s.sync}: ${s.links.length} link(s), tombstone ${s.tombstoneId}`);
    for (const a of s.apps) {
      const failed =
        a.failed.length > 0
          ? `, ${a.failed.length} failed (${[...new Set(a.failed.map((f) => f.code))].join(', ')})`
          : '';
      lines.push(`  ${a.app}: ${a.erased.length} erased${failed}${a.unsupported ? ' — connector cannot erase' : ''}`);
    }
    const p = s.purged;
    lines.push(
      `  ledger: ${p.auditRows} audit row(s), ${p.conflicts} conflict(s), ${p.retries} retr(y/ies), ${p.webhookEvents} webhook event(s) purged`,
    );
  }
  for (const name of report.skipped) lines.push(`${name}: skipped (does not match people by email)`);
  lines.push(report.complete ? 'erased everywhere' : 'NOT complete: erase again once the failing apps are reachable');
  return `${lines.join('\n')}\n`;
}

/** `tandem erase <email>` (admin API): right to be forgotten. Exit 1 when some app could not erase. */
export function registerErase(program: Command, ctx: CliContext): void {
  program
    .command('erase <email>')
    .description('erase a person permanently in every app and the ledger, and suppress them (right to be forgotten)')
    .action(async (email: string) => {
      let complete = true;
      await adminAction(ctx, async (client) => {
        if (!email.includes('@')) throw new AdminUsageError('erase takes an email address');
        const report = await adminRequest<ErasureReport>(client, 'post', '/admin/erase', { email });
        ctx.stdout(formatErasure(report));
        complete = report.complete;
      });
      if (!complete) ctx.exitCode = EXIT.unexpected;
    });
}
