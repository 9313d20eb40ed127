/**
 * How `plan`, `sync` and `approve` print a cycle report. Only counts, ids and field names: never field values.
 */
import type { AppCounts, CountName, CycleReport } from '@tandem/runtime';

export const PLAN_COLUMNS: CountName[] = ['read', 'linked', 'created', 'updated', 'deleted', 'conflicts', 'duplicates'];
export const SYNC_COLUMNS: CountName[] = [...PLAN_COLUMNS, 'failed', 'retried', 'rejected'];

const NUMBER = /^-?\d+(\.\d+)?$/;

/** A plain-text table: numeric columns right-aligned, text left-aligned, two spaces between columns. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => NUMBER.test(r[i] ?? '')));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (numeric[i] ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].map((l) => `  ${l}\n`).join('');
}

/** One row per member app with the given counts. */
export function countsTable(report: CycleReport, columns: CountName[]): string {
  const rows = Object.entries(report.apps).map(([app, counts]) => [app, ...columns.map((c) => String(counts[c]))]);
  return table(['app', ...columns], rows);
}

function seconds(report: CycleReport): string {
  return `${((report.finishedAt - report.startedAt) / 1000).toFixed(1)}s`;
}

/** `contacts: succeeded in 1.2s (run 3f2a…)`, plus what to do about a held or failed run. */
export function statusLine(report: CycleReport): string {
  const run = report.runId ? ` (run ${report.runId})` : '';
  let text = `${report.sync}: ${report.status} in ${seconds(report)}${run}\n`;
  if (report.error) text += `  ${report.error.code}: ${report.error.message}\n`;
  if (report.status === 'held' && report.runId) {
    text += `  ${report.heldDeletes} deletes wait for approval: tandem approve ${report.runId}\n`;
  }
  if (report.status === 'skipped') text += '  another cycle of this sync is running; nothing was done\n';
  return text;
}

/** A few example decisions per app and kind: `crm updated 1001 (first_name, phone)`. */
export function sampleLines(report: CycleReport, perKind = 3): string {
  const seen = new Map<string, number>();
  let text = '';
  const ordered = [...report.samples].sort((a, b) => a.app.localeCompare(b.app) || a.kind.localeCompare(b.kind));
  for (const sample of ordered) {
    const key = `${sample.app}:${sample.kind}`;
    const n = seen.get(key) ?? 0;
    if (n >= perKind) continue;
    seen.set(key, n + 1);
    const id = sample.externalId ?? (sample.linkId ? `link ${sample.linkId}` : '(new)');
    const fields = sample.fields?.length ? ` (${sample.fields.join(', ')})` : '';
    text += `  ${sample.app} ${sample.kind} ${id}${fields}\n`;
  }
  return text;
}

/** Flags (conflicts, duplicates, rejected values) by kind, app and field; messages carry ids, not values. */
export function flagLines(report: CycleReport, max = 10): string {
  const lines = report.flags.slice(0, max).map((f) => {
    const where = [f.app, f.field].filter(Boolean).join('.');
    return `  ${f.kind}${where ? ` ${where}` : ''}: ${f.message}\n`;
  });
  const more = report.flags.length > max ? `  … and ${report.flags.length - max} more\n` : '';
  return lines.join('') + more;
}

/** A cycle's status as an exit code: 1 when a record failed or the run aborted, else 0. */
export function cycleFailed(report: CycleReport): boolean {
  return report.status === 'failed' || report.status === 'aborted';
}

/** The `--json` entry of one sync: its run, status and every count per app. */
export function jsonSync(report: CycleReport): {
  sync: string;
  runId: string | null;
  status: CycleReport['status'];
  apps: Record<string, AppCounts>;
  error?: { code: string; message: string };
} {
  const entry: ReturnType<typeof jsonSync> = {
    sync: report.sync,
    runId: report.runId,
    status: report.status,
    apps: report.apps,
  };
  if (report.error) entry.error = report.error;
  return entry;
}
