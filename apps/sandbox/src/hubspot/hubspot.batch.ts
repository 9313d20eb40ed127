import { HttpError, isRecord, json, type Reply, type Router, type SimRequest } from '../common/http.js';
import { badRequest, conflict, hsError, hsFail, validationProblems } from './hubspot.errors.js';
import { coerceProperties, type HsObjectType } from './hubspot.properties.js';
import { renderRecord } from './hubspot.render.js';
import { body, objectType } from './hubspot.request.js';
import type { HubspotSimulator } from './hubspot.simulator.js';
import type { HsRecord } from './hubspot.store.js';
import { archiveRecord, createRecord, requireRecord, updateRecord } from './hubspot.writes.js';

type Input = Record<string, unknown>;

function inputs(req: SimRequest, limit: number): Input[] {
  const list = body(req).inputs;
  if (!Array.isArray(list)) badRequest('inputs must be an array');
  if (list.length > limit) badRequest(`Batch input size ${list.length} exceeds the limit of ${limit} inputs`);
  return list.map((item: unknown) => (isRecord(item) ? item : badRequest('each input must be an object')));
}

function envelope(sim: HubspotSimulator, results: unknown[], errors: unknown[]): Record<string, unknown> {
  const now = new Date(sim.clock.now()).toISOString();
  const out: Record<string, unknown> = { status: 'COMPLETE', results, startedAt: now, completedAt: now };
  if (errors.length > 0) Object.assign(out, { numErrors: errors.length, errors });
  return out;
}

/**
 * A written record as batch create/update/upsert answer it: the properties the input sent, as stored (reformatted,
 * coerced), plus hs_object_id, createdate and the modified date, not the whole record.
 */
function echo(rec: HsRecord, sent: unknown, extra: string[] = []): Record<string, unknown> {
  return renderRecord(rec, [...Object.keys(isRecord(sent) ? sent : {}), ...extra, 'hs_object_id']);
}

/** Turns a thrown simulator error into a per-record `StandardError`. */
function standardError(error: unknown, context: Record<string, string[]>): Record<string, unknown> {
  if (!(error instanceof HttpError) || !isRecord(error.reply.body)) throw error;
  const b = error.reply.body;
  return { status: 'error', category: b.category, message: b.message, context, errors: Array.isArray(b.errors) ? b.errors : [] };
}

/** The validation answer for the inputs' properties, when any input has a value HubSpot refuses. */
function invalidInputs(type: HsObjectType, items: Input[]): Reply | undefined {
  for (const item of items) {
    const { problems } = coerceProperties(type, item.properties);
    if (problems.length > 0) return validationProblems(problems);
  }
  return undefined;
}

/** Writes each input on its own: its echo, or a per-record error under `context`; 207 when any failed. */
function perRecord(
  sim: HubspotSimulator,
  items: Input[],
  okStatus: number,
  write: (item: Input) => Record<string, unknown>,
  context: (item: Input) => Record<string, string[]>,
): Reply {
  const results: unknown[] = [];
  const errors: unknown[] = [];
  for (const item of items) {
    try {
      results.push(write(item));
    } catch (error) {
      errors.push(standardError(error, context(item)));
    }
  }
  return json(errors.length > 0 ? 207 : okStatus, envelope(sim, results, errors));
}

/** Checks what create would reject, without writing: bad values, an existing email, a repeat inside the batch. */
function precheckCreates(sim: HubspotSimulator, type: HsObjectType, items: Input[]): void {
  const seen = new Map<string, string>();
  for (const item of items) {
    const { values, problems } = coerceProperties(type, item.properties);
    if (problems.length > 0) throw new HttpError(validationProblems(problems));
    const email = values.email;
    if (type !== 'contacts' || !email) continue;
    const existing = sim.store.findBy('contacts', 'email', email);
    if (existing) throw new HttpError(conflict(existing.id));
    if (seen.has(email)) hsFail(409, 'CONFLICT', 'Duplicate emails found in batch input.');
    seen.set(email, email);
  }
}

function batchCreate(sim: HubspotSimulator, req: SimRequest): Reply {
  const type = objectType(req);
  const items = inputs(req, sim.settings.batchLimit);
  const traced = items.some((i) => typeof i.objectWriteTraceId === 'string');
  if (!traced) {
    precheckCreates(sim, type, items);
    return json(201, envelope(sim, items.map((i) => echo(createRecord(sim, type, i.properties), i.properties)), []));
  }
  return perRecord(
    sim,
    items,
    201,
    (item) => ({ ...echo(createRecord(sim, type, item.properties), item.properties), objectWriteTraceId: item.objectWriteTraceId }),
    (item) => ({ objectWriteTraceId: [String(item.objectWriteTraceId ?? '')] }),
  );
}

function batchUpdate(sim: HubspotSimulator, req: SimRequest): Reply {
  const type = objectType(req);
  const items = inputs(req, sim.settings.batchLimit);
  const invalid = invalidInputs(type, items);
  if (invalid) return invalid;
  const idOf = (item: Input) => String(item.id ?? '');
  return perRecord(
    sim,
    items,
    200,
    (item) => {
      const rec = requireRecord(sim, type, idOf(item), typeof item.idProperty === 'string' ? item.idProperty : undefined);
      return echo(updateRecord(sim, rec, item.properties), item.properties);
    },
    (item) => ({ ids: [idOf(item)] }),
  );
}

function batchUpsert(sim: HubspotSimulator, req: SimRequest): Reply {
  const type = objectType(req);
  const items = inputs(req, sim.settings.batchLimit);
  const ids = items.map((i) => String(i.id ?? '').trim().toLowerCase());
  if (new Set(ids).size !== ids.length) badRequest('Duplicate IDs found in batch input.');
  for (const item of items) {
    if (item.idProperty !== 'email' && item.idProperty !== 'hs_object_id') badRequest(`${String(item.idProperty)} is not a unique property`);
  }
  const invalid = invalidInputs(type, items);
  if (invalid) return invalid;
  const idOf = (item: Input) => String(item.id ?? '');
  return perRecord(
    sim,
    items,
    200,
    (item) => {
      const props = isRecord(item.properties) ? item.properties : {};
      const existing = sim.store.findBy(type, String(item.idProperty), idOf(item));
      // The unique property the input was matched by comes back too.
      if (existing) return { ...echo(updateRecord(sim, existing, props), props, [String(item.idProperty)]), new: false };
      if (item.idProperty === 'hs_object_id') throw new HttpError(hsError(404, 'OBJECT_NOT_FOUND', 'resource not found'));
      return { ...echo(createRecord(sim, type, { ...props, email: idOf(item) }), props, ['email']), new: true };
    },
    (item) => ({ ids: [idOf(item)] }),
  );
}

function batchRead(sim: HubspotSimulator, req: SimRequest): Reply {
  const type = objectType(req);
  const input = body(req);
  const history = Array.isArray(input.propertiesWithHistory) ? input.propertiesWithHistory.map(String) : undefined;
  const items = inputs(req, history && history.length > 0 ? sim.settings.historyBatchLimit : sim.settings.batchLimit);
  const properties = Array.isArray(input.properties) ? input.properties.map(String) : undefined;
  const idProperty = typeof input.idProperty === 'string' ? input.idProperty : undefined;
  const archived = input.archived === true;
  const results: unknown[] = [];
  const missing: string[] = [];
  for (const item of items) {
    const id = String(item.id ?? '');
    const rec = idProperty && idProperty !== 'hs_object_id' ? sim.store.findBy(type, idProperty, id) : sim.store.get(type, id);
    if (rec && rec.archived === archived) results.push(renderRecord(rec, properties, history));
    else missing.push(id);
  }
  const errors = missing.length === 0 ? [] : [{ status: 'error', category: 'OBJECT_NOT_FOUND', message: `Could not get some ${type === 'contacts' ? 'CONTACT' : 'COMPANY'} objects, they may be deleted or not exist. Check that ids are valid.`, context: { ids: missing } }];
  return json(errors.length > 0 ? 207 : 200, envelope(sim, results, errors));
}

function batchArchive(sim: HubspotSimulator, req: SimRequest): Reply {
  const type = objectType(req);
  for (const item of inputs(req, sim.settings.batchLimit)) {
    const rec = sim.store.get(type, String(item.id ?? ''));
    if (rec && !rec.archived) archiveRecord(sim, rec);
  }
  return json(204);
}

export function registerBatchRoutes(router: Router, sim: HubspotSimulator): void {
  const handlers: Record<string, (sim: HubspotSimulator, req: SimRequest) => Reply> = {
    create: batchCreate,
    update: batchUpdate,
    upsert: batchUpsert,
    read: batchRead,
    archive: batchArchive,
  };
  router.add('POST', '/crm/v3/objects/:objectType/batch/:action', (req) => {
    const handler = handlers[req.params.action ?? ''];
    return handler ? handler(sim, req) : hsError(404, 'OBJECT_NOT_FOUND', 'Unknown batch action');
  });
}
