/**
 * How `tandem explain` prints one record's story: the agreed values with when, where from and by which rule each
 * last changed, each member app's copy, open conflicts, and per field its latest changes with the app, the rule and
 * the timestamps that decided. The person asked for this record, so values are shown here (never in logs).
 */
import type { ChangeRow } from '@tandem/ledger';
import type { RecordExplanation } from '@tandem/runtime';
import { table } from './report-format.js';

function time(at: Date | number | null | undefined): string {
  if (at === null || at === undefined) return '-';
  const date = at instanceof Date ? at : new Date(at);
  return Number.isNaN(date.getTime()) ? String(at) : date.toISOString();
}

function show(value: unknown): string {
  if (value === undefined || value === null || value === '') return '(empty)';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** ` (crm 2025-03-01T12:00:00.000Z, helpdesk …)`: the per-app timestamps a rule compared, when there were any. */
function decidedBy(value: ChangeRow['decidedBy']): string {
  const known = Object.entries(value ?? {}).filter(([, at]) => at !== null);
  return known.length ? ` (${known.map(([app, at]) => `${app} ${time(at)}`).join(', ')})` : '';
}

/** The latest `perField` changes of each field, newest first; record-level rows (no field) under `(record)`. */
function changesByField(changes: ChangeRow[], perField: number): Map<string, ChangeRow[]> {
  const sorted = [...changes].sort((a, b) => b.at.getTime() - a.at.getTime() || Number(b.id) - Number(a.id));
  const out = new Map<string, ChangeRow[]>();
  for (const change of sorted) {
    const key = change.field ?? '(record)';
    const list = out.get(key) ?? [];
    if (list.length < perField) list.push(change);
    out.set(key, list);
  }
  return out;
}

function agreedTable(e: RecordExplanation): string {
  const fields = Object.keys(e.agreed).sort();
  if (fields.length === 0) return '  (nothing agreed yet)\n';
  const rows = fields.map((f) => {
    const meta = e.fieldMeta[f];
    return [f, show(e.agreed[f]), meta ? time(meta.changedAt) : '-', meta?.sourceApp ?? '-', meta?.rule ?? '-'];
  });
  return table(['field', 'value', 'changed', 'from', 'rule'], rows);
}

function membersTable(e: RecordExplanation): string {
  const rows = e.members.map((m) => [
    m.app,
    m.externalId ?? '(not created yet)',
    String(m.ackedVersion),
    String(m.pending),
    m.deleted ? 'deleted' : '',
  ]);
  return table(['app', 'id', 'acked', 'pending', ''], rows);
}

function changesText(e: RecordExplanation, perField: number): string {
  const byField = changesByField(e.changes, perField);
  if (byField.size === 0) return '  (none recorded)\n';
  let text = '';
  for (const [field, list] of byField) {
    text += `  ${field}\n`;
    for (const c of list) {
      const rule = c.rule ? ` by ${c.rule}${decidedBy(c.decidedBy)}` : '';
      text += `    ${time(c.at)}  ${c.app ?? '-'} ${c.op}: ${show(c.before)} → ${show(c.after)}${rule}\n`;
    }
  }
  return text;
}

export function formatExplanation(e: RecordExplanation, perField = 3): string {
  let text = `${e.sync}: link ${e.linkId}, agreed version ${e.agreedVersion}${e.deleted ? ' (deleted)' : ''}\n`;
  text += `agreed:\n${agreedTable(e)}`;
  text += `members:\n${membersTable(e)}`;
  if (e.openConflicts.length) {
    text += 'open conflicts (field frozen until resolved):\n';
    for (const c of e.openConflicts) {
      const candidates = Object.entries(c.candidates).map(([app, v]) => `${app} ${show(v)}`).join(', ');
      text += `  ${c.field}: ${candidates} (since ${time(c.openedAt)})\n`;
    }
  }
  text += `changes (latest first, ${perField} per field):\n${changesText(e, perField)}`;
  return text;
}
