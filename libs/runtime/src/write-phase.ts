/**
 * Steps 5–6 of the cycle (DESIGN §6): send patches to one app in batches of `maxBatch`, then learn what the app
 * actually stored — from the write response when it carries the record, else by `fetch` (also for `unknown`
 * results, and for a create whose id we do not know, by `findByKey`). Per-record failures are returned, never thrown.
 */
import type { AppRecord, Connector, WriteOp, WriteResult } from '@tandem/connector-sdk';
import type { AppName, Patch } from '@tandem/core';

/** One patch to send, tied back to its link. */
export interface OutgoingWrite {
  ref: string;
  linkId: string;
  patch: Patch;
  /** For creates: match keys to look the record up by if the outcome is unknown (`{ email: [...] }` by raw path). */
  lookup?: { path: string; value: string };
}

/** What happened to one write, with the stored record when it could be learnt. */
export type WriteOutcome =
  | { ref: string; linkId: string; patch: Patch; status: 'ok'; id: string; stored: AppRecord | null; partial?: boolean }
  | { ref: string; linkId: string; patch: Patch; status: 'failed'; errorClass: string; message: string; retryable: boolean };

/** Sends writes for one app in batches and settles each to a stored record or a failure. */
export async function writeToApp(
  app: AppName,
  object: string,
  connector: Connector,
  writes: OutgoingWrite[],
): Promise<WriteOutcome[]> {
  const maxBatch = Math.max(1, connector.capabilities().maxBatch);
  const batches: OutgoingWrite[][] = [];
  for (let i = 0; i < writes.length; i += maxBatch) batches.push(writes.slice(i, i + maxBatch));
  // A few batches in flight: each waits on the app's answer (and a Zendesk job), and the connector's own rate limiter
  // decides when each may go, so the quota is spent as fast as it allows. Batches hold different links' records.
  const outcomes: WriteOutcome[][] = new Array(batches.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < batches.length) {
      const k = next++;
      outcomes[k] = await writeBatch(app, object, connector, batches[k] as OutgoingWrite[]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(BATCHES_IN_FLIGHT, batches.length) }, lane));
  return outcomes.flat();
}

/** Batches of one app written at the same time within a chunk. */
const BATCHES_IN_FLIGHT = 4;

async function writeBatch(app: AppName, object: string, connector: Connector, batch: OutgoingWrite[]): Promise<WriteOutcome[]> {
  let results: WriteResult[];
  try {
    results = await connector.write(object, batch.map(toWriteOp));
  } catch (err) {
    // The whole batch failed (auth, network after retries): every record fails alone and goes to retry.
    const e = err as { code?: string; message?: string; retryable?: boolean };
    return batch.map((w) => failed(w, e.code ?? 'CONNECTOR_WRITE_FAILED', `batch write to ${app} failed: ${e.message ?? String(err)}`, e.retryable ?? true));
  }
  const byRef = new Map(results.map((r) => [r.ref, r]));
  const toFetch = new Map<string, OutgoingWrite>();
  const toFind: OutgoingWrite[] = [];
  const outcomes = new Map<string, WriteOutcome>();
  for (const w of batch) {
    const r = byRef.get(w.ref);
    if (!r) {
      toFind.push(w);
      continue;
    }
    if (r.status === 'failed') {
      outcomes.set(w.ref, failed(w, r.error.code, r.error.message, r.error.retryable));
    } else if (r.status === 'ok' && r.record) {
      outcomes.set(w.ref, { ref: w.ref, linkId: w.linkId, patch: w.patch, status: 'ok', id: r.id, stored: r.record, ...(r.partial ? { partial: true } : {}) });
    } else {
      const id = r.status === 'ok' ? r.id : (r.id ?? w.patch.externalId);
      if (id) toFetch.set(id, w);
      else toFind.push(w);
    }
  }
  await settleByFetch(connector, object, toFetch, outcomes);
  await settleByLookup(connector, object, toFind, outcomes);
  return batch.map((w) => outcomes.get(w.ref) ?? failed(w, 'CONNECTOR_RESULT_MISSING', `${app} returned no result for a write`, true));
}

/** Reads back records whose write response did not carry the stored value (or whose outcome was unknown). */
async function settleByFetch(connector: Connector, object: string, toFetch: Map<string, OutgoingWrite>, into: Map<string, WriteOutcome>): Promise<void> {
  if (toFetch.size === 0) return;
  let records: AppRecord[] = [];
  try {
    records = await connector.fetch(object, [...toFetch.keys()]);
  } catch {
    records = [];
  }
  const byId = new Map(records.map((r) => [r.id, r]));
  for (const [id, w] of toFetch) {
    const stored = byId.get(id);
    if (stored) into.set(w.ref, { ref: w.ref, linkId: w.linkId, patch: w.patch, status: 'ok', id, stored });
    else if (w.patch.op === 'delete' || w.patch.op === 'archive') into.set(w.ref, { ref: w.ref, linkId: w.linkId, patch: w.patch, status: 'ok', id, stored: null });
    else into.set(w.ref, failed(w, 'CONNECTOR_WRITE_UNSETTLED', `write to record ${id} could not be read back`, true));
  }
}

/** Creates with an unknown outcome and no id: ask the app by match key whether the record exists (never create twice). */
async function settleByLookup(connector: Connector, object: string, toFind: OutgoingWrite[], into: Map<string, WriteOutcome>): Promise<void> {
  for (const w of toFind) {
    if (!w.lookup) {
      into.set(w.ref, failed(w, 'CONNECTOR_WRITE_UNKNOWN', 'create outcome unknown and the record has no match key', true));
      continue;
    }
    try {
      const [found] = await connector.findByKey(object, w.lookup.path, [w.lookup.value]);
      into.set(
        w.ref,
        found
          ? { ref: w.ref, linkId: w.linkId, patch: w.patch, status: 'ok', id: found.id, stored: found }
          : failed(w, 'CONNECTOR_WRITE_UNKNOWN', 'create outcome unknown and the record was not found', true),
      );
    } catch (err) {
      into.set(w.ref, failed(w, 'CONNECTOR_WRITE_UNKNOWN', `create outcome unknown: ${(err as Error).message}`, true));
    }
  }
}

function toWriteOp(w: OutgoingWrite): WriteOp {
  const { patch } = w;
  switch (patch.op) {
    case 'create':
      return { op: 'create', ref: w.ref, fields: patch.fields };
    case 'update':
      return { op: 'update', ref: w.ref, id: requireId(patch), fields: patch.fields };
    case 'delete':
      return { op: 'delete', ref: w.ref, id: requireId(patch) };
    case 'archive':
      return { op: 'archive', ref: w.ref, id: requireId(patch) };
  }
}

function requireId(patch: Patch): string {
  if (!patch.externalId) throw new Error(`a ${patch.op} patch for ${patch.app} has no record id`);
  return patch.externalId;
}

function failed(w: OutgoingWrite, errorClass: string, message: string, retryable: boolean): WriteOutcome {
  return { ref: w.ref, linkId: w.linkId, patch: w.patch, status: 'failed', errorClass, message, retryable };
}
