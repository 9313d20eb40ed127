/** Reading the change hints stored with a webhook event, and turning them into a targeted cycle's records and hints. */
import type { ChangeHint } from '@tandem/connector-sdk';
import type { WebhookEventRow } from '@tandem/ledger';
import type { RecordRef } from '@tandem/runtime';
import { HINTS_HEADER } from './webhook-intake.js';

/** The hints stored at receipt; an event without them (erased, or malformed) yields none. */
export function hintsOf(event: WebhookEventRow): ChangeHint[] {
  const raw = event.headers[HINTS_HEADER];
  if (raw === undefined) return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) ? (parsed as ChangeHint[]) : [];
  } catch {
    return [];
  }
}

/** The record ids a hint is about (a rekey or merge concerns both records). */
export function idsOf(hint: ChangeHint): string[] {
  if (hint.kind === 'rekeyed') return [hint.id, hint.newId];
  if (hint.kind === 'merged') return [hint.id, hint.intoId];
  return [hint.id];
}

/** The records to fetch: what changed, and where a rekey or merge now lives. A deleted record cannot be fetched. */
export function uniqueRecords(app: string, hints: ChangeHint[]): RecordRef[] {
  const ids = new Set<string>();
  for (const hint of hints) {
    if (hint.kind === 'changed') ids.add(hint.id);
    if (hint.kind === 'rekeyed') ids.add(hint.newId);
    if (hint.kind === 'merged') ids.add(hint.intoId);
  }
  return [...ids].map((id) => ({ app, id }));
}

/** One hint per distinct change; `changed` hints add nothing beyond the fetch, the others are kept in order. */
export function uniqueHints(hints: ChangeHint[]): ChangeHint[] {
  const seen = new Set<string>();
  const out: ChangeHint[] = [];
  for (const hint of hints) {
    if (hint.kind === 'changed') continue;
    const key = JSON.stringify([hint.kind, hint.object, hint.id, 'newId' in hint ? hint.newId : '', 'intoId' in hint ? hint.intoId : '']);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(hint);
  }
  return out;
}
