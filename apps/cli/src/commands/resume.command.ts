import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { registerSyncToggle } from './pause.command.js';

/** `tandem resume <sync>` (admin API). */
export function registerResume(program: Command, ctx: CliContext): void {
  registerSyncToggle(program, ctx, 'resume');
}
