import type { Command } from 'commander';
import { didYouMean } from '@tandem/config';
import { explainRecord, type RecordExplanation, type RecordRef } from '@tandem/runtime';
import { EXIT, type CliContext } from '../context.js';
import { formatExplanation } from '../explain-format.js';
import { CliUsageError, selectSyncs, withSession } from '../session.js';

interface ExplainOptions {
  config?: string;
  sync?: string;
  json?: boolean;
}

/** `crm:1001` → { app: 'crm', id: '1001' }; the id may itself contain colons. */
export function parseRecordRef(text: string): RecordRef {
  const at = text.indexOf(':');
  if (at <= 0 || at === text.length - 1) {
    throw new CliUsageError(`"${text}" is not a record reference: write <app>:<id>, e.g. crm:1001`);
  }
  return { app: text.slice(0, at), id: text.slice(at + 1) };
}

/** `tandem explain <app>:<id>`: why a record looks the way it does — agreed values, members, and who changed what. */
export function registerExplain(program: Command, ctx: CliContext): void {
  program
    .command('explain <record>')
    .description('show a record\'s agreed values, its copies in each app, and the changes that decided each field')
    .option('-c, --config <file>', 'config file (default: $TANDEM_CONFIG or tandem.yaml)')
    .option('--sync <name>', 'look only in this sync')
    .option('--json', 'print one JSON object')
    .action((record: string, options: ExplainOptions) =>
      withSession(
        options.config,
        ctx,
        async ({ config, ledger }) => {
          const ref = parseRecordRef(record);
          const syncs = selectSyncs(config, options.sync);
          const candidates = syncs.filter((spec) => Object.hasOwn(spec.members, ref.app));
          if (candidates.length === 0) {
            const apps = [...new Set(syncs.flatMap((spec) => Object.keys(spec.members)))];
            throw new CliUsageError(`no sync has a member app "${ref.app}"${didYouMean(ref.app, apps)} (apps: ${apps.join(', ')})`);
          }
          const found: RecordExplanation[] = [];
          for (const spec of candidates) {
            const explanation = await explainRecord(ledger, spec, ref);
            if (explanation) found.push(explanation);
          }
          if (found.length === 0) {
            ctx.stderr(`tandem: ${ref.app}:${ref.id} is not in the ledger of ${candidates.map((s) => s.name).join(', ')} (not synced yet, or outside the sync's filter)\n`);
            ctx.exitCode = EXIT.user;
            return;
          }
          if (options.json) {
            ctx.stdout(`${JSON.stringify({ records: found }, null, 2)}\n`);
          } else {
            ctx.stdout(found.map((f) => formatExplanation(f)).join('\n'));
          }
          ctx.exitCode = EXIT.ok;
        },
        { connectors: false },
      ),
    );
}
