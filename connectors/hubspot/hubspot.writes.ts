/**
 * Batch writes with one result per op. Creates carry an `objectWriteTraceId` (the op's ref) so HubSpot answers 207
 * with per-record results; a 409 "Contact already exists. Existing ID: N" on a create means the record is there
 * (an earlier attempt got through, or it existed), so the op is ok with that id and the engine reads it back.
 * A created or updated record comes back with the properties sent, as HubSpot stored them (plus hs_object_id,
 * createdate and the modified date): the ok result carries it as a partial record, so the engine need not batch/read it.
 * A create whose request may have reached HubSpot but got no answer is `unknown`, never retried blindly.
 * A batch HubSpot rejects as a whole for one bad record is split and sent one record at a time.
 */
import {
  ConnectorError,
  RecordError,
  TransientError,
  chunks,
  failedWrite,
  redactPii,
  writeFailureFor,
  type FieldInfo,
  type WriteOp,
  type WriteResult,
} from '@tandem/connector-sdk';
import { errorField, type HubspotClient, type HubspotErrorBody } from './hubspot.client.js';
import { toAppRecord, toHubspotProperties, type HubspotObject, type HubspotObjectRecord } from './hubspot.fields.js';

export interface WriteContext {
  client: HubspotClient;
  /** Records per batch call (HubSpot: 100). */
  batchSize: number;
  types(object: HubspotObject): Promise<ReadonlyMap<string, FieldInfo['type']>>;
}

type Create = { ref: string; properties: Record<string, string> };
type Update = { ref: string; id: string; properties: Record<string, string> };
type Results = Map<string, WriteResult>;

const EXISTING_ID = /Existing ID:\s*(\d+)/i;

/** A per-record error from a batch answer, as a failed result (app text redacted). */
function fromStandardError(ref: string, op: string, error: HubspotErrorBody): WriteResult {
  const category = error.category ?? 'ERROR';
  const message = `hubspot ${op} rejected (${category}): ${redactPii(error.message ?? 'no message')}`;
  const code = category === 'OBJECT_NOT_FOUND' ? 'CONNECTOR_NOT_FOUND' : 'CONNECTOR_RECORD_REJECTED';
  return failedWrite(ref, code, message, false, errorField(error));
}

/** A thrown call failure for every op of the call. Auth failures stop the whole write: no op can succeed. */
function fromThrown(refs: string[], op: 'create' | 'update' | 'archive', error: unknown): WriteResult[] {
  return refs.map((ref) => {
    const failure = writeFailureFor(ref, error, 'connector');
    return op === 'create' && error instanceof TransientError && error.maybeApplied ? { ref, status: 'unknown' } : failure;
  });
}

/**
 * An ok result carrying what HubSpot echoed. The record is partial (HubSpot echoes only the properties sent, plus
 * its system ones), so it is attached only when every property sent came back; otherwise the engine reads it.
 */
function stored(ref: string, object: HubspotObject, echoed: HubspotObjectRecord, sent: Record<string, string>): WriteResult {
  const id = String(echoed.id);
  const complete = Object.keys(sent).every((name) => Object.hasOwn(echoed.properties, name));
  return complete ? { ref, status: 'ok', id, record: toAppRecord(object, echoed), partial: true } : { ref, status: 'ok', id };
}

function conflictId(error: HubspotErrorBody): string | undefined {
  if (error.category !== 'CONFLICT') return undefined;
  return EXISTING_ID.exec(error.message ?? '')?.[1];
}

async function createChunk(ctx: WriteContext, object: HubspotObject, items: Create[], out: Results): Promise<void> {
  let res: Awaited<ReturnType<HubspotClient['batchCreate']>>;
  try {
    res = await ctx.client.batchCreate(
      object,
      items.map((i) => ({ properties: i.properties, objectWriteTraceId: i.ref })),
    );
  } catch (error) {
    if (error instanceof RecordError && items.length > 1) return oneByOne(items, (i) => createChunk(ctx, object, [i], out));
    for (const result of fromThrown(items.map((i) => i.ref), 'create', error)) out.set(result.ref, result);
    return;
  }
  if (res.status === 409) {
    // A whole-batch conflict names one existing record; only a single-record batch says whose it is.
    if (items.length > 1) return oneByOne(items, (i) => createChunk(ctx, object, [i], out));
    const id = conflictId(res.data);
    out.set(items[0].ref, id ? { ref: items[0].ref, status: 'ok', id } : fromStandardError(items[0].ref, 'create', res.data));
    return;
  }
  const byRef = new Map(items.map((i) => [i.ref, i]));
  for (const result of res.data.results ?? []) {
    const item = byRef.get(result.objectWriteTraceId ?? (items.length === 1 ? items[0].ref : ''));
    if (item) out.set(item.ref, stored(item.ref, object, result, item.properties));
  }
  for (const error of res.data.errors ?? []) {
    const ref = error.context?.objectWriteTraceId?.[0];
    if (ref === undefined || !byRef.has(ref)) continue;
    const id = conflictId(error);
    out.set(ref, id ? { ref, status: 'ok', id } : fromStandardError(ref, 'create', error));
  }
  // An answer that does not say what became of a create: the engine looks it up by key, never creates again.
  for (const { ref } of items) if (!out.has(ref)) out.set(ref, { ref, status: 'unknown' });
}

async function updateChunk(ctx: WriteContext, object: HubspotObject, items: Update[], out: Results): Promise<void> {
  let data: Awaited<ReturnType<HubspotClient['batchUpdate']>>;
  try {
    data = await ctx.client.batchUpdate(
      object,
      items.map((i) => ({ id: i.id, properties: i.properties })),
    );
  } catch (error) {
    if (error instanceof RecordError && items.length > 1) return oneByOne(items, (i) => updateChunk(ctx, object, [i], out));
    for (const result of fromThrown(items.map((i) => i.ref), 'update', error)) out.set(result.ref, result);
    return;
  }
  const byId = new Map(items.map((i) => [i.id, i]));
  for (const result of data.results ?? []) {
    const item = byId.get(String(result.id));
    if (item) out.set(item.ref, stored(item.ref, object, result, item.properties));
  }
  for (const error of data.errors ?? []) {
    for (const id of error.context?.ids ?? []) {
      const item = byId.get(id);
      if (item) out.set(item.ref, fromStandardError(item.ref, 'update', error));
    }
  }
  for (const item of items) if (!out.has(item.ref)) out.set(item.ref, { ref: item.ref, status: 'unknown', id: item.id });
}

async function archiveChunk(
  ctx: WriteContext,
  object: HubspotObject,
  items: Array<{ ref: string; id: string }>,
  out: Results,
): Promise<void> {
  try {
    await ctx.client.batchArchive(
      object,
      items.map((i) => i.id),
    );
    for (const { ref, id } of items) out.set(ref, { ref, status: 'ok', id });
  } catch (error) {
    for (const result of fromThrown(items.map((i) => i.ref), 'archive', error)) out.set(result.ref, result);
  }
}

async function oneByOne<T>(items: T[], send: (item: T) => Promise<void>): Promise<void> {
  for (const item of items) await send(item);
}

/** Runs `ops` as batch create, update and archive calls; returns one result per op, in op order. */
export async function writeOps(
  ctx: WriteContext,
  object: HubspotObject,
  ops: WriteOp[],
): Promise<WriteResult[]> {
  const out: Results = new Map();
  const types = await ctx.types(object);
  const creates: Create[] = [];
  const updates: Update[] = [];
  const archives: Array<{ ref: string; id: string }> = [];
  for (const op of ops) {
    if (op.op === 'delete' || op.op === 'archive') {
      // HubSpot's delete only archives (restorable for 90 days); permanent deletion is `erase`.
      archives.push({ ref: op.ref, id: op.id });
      continue;
    }
    let properties: Record<string, string>;
    try {
      properties = toHubspotProperties(op.fields, types);
    } catch (error) {
      if (!(error instanceof ConnectorError)) throw error;
      out.set(op.ref, failedWrite(op.ref, error.code, error.message, false, error.details.field as string | undefined));
      continue;
    }
    if (op.op === 'create') creates.push({ ref: op.ref, properties });
    else updates.push({ ref: op.ref, id: op.id, properties });
  }
  for (const chunk of chunks(creates, ctx.batchSize)) await createChunk(ctx, object, chunk, out);
  for (const chunk of chunks(updates, ctx.batchSize)) await updateChunk(ctx, object, chunk, out);
  for (const chunk of chunks(archives, ctx.batchSize)) await archiveChunk(ctx, object, chunk, out);
  return ops.map((op) => out.get(op.ref) ?? failedWrite(op.ref, 'CONNECTOR_RESULT_MISSING', 'hubspot gave no result', true));
}
