import { isRecord, json, type Reply, type Router, type SimRequest } from '../common/http.js';
import { badRequest, hsError } from './hubspot.errors.js';
import { body, objectType } from './hubspot.request.js';
import { CATALOGUE } from './hubspot.properties.js';
import { csv, renderRecord, renderView } from './hubspot.render.js';
import { parseFilterGroups, parseSorts, selectRows, sortRows, type SearchRow } from './hubspot.search.js';
import type { HubspotSimulator } from './hubspot.simulator.js';
import { archiveRecord, createRecord, gdprDelete, mergeRecords, requireRecord, updateRecord } from './hubspot.writes.js';

function intParam(req: SimRequest, name: string, fallback: number): number {
  const raw = req.query.get(name);
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) badRequest(`${name} must be a positive integer`);
  return n;
}

function list(sim: HubspotSimulator, req: SimRequest): Reply {
  const type = objectType(req);
  const limit = intParam(req, 'limit', 10);
  if (limit > sim.settings.listMaxLimit) badRequest(`limit must be at most ${sim.settings.listMaxLimit}`);
  const archived = req.query.get('archived') === 'true';
  const after = Number(req.query.get('after') ?? '0');
  const rows = sim.store.page(type, after, limit + 1, (r) => r.archived === archived);
  const page = rows.slice(0, limit);
  const next = rows[limit];
  const properties = csv(req.query.get('properties'));
  const history = csv(req.query.get('propertiesWithHistory'));
  const out: Record<string, unknown> = { results: page.map((r) => renderRecord(r, properties, history)) };
  if (next) out.paging = { next: { after: next.id, link: `/crm/v3/objects/${type}?after=${next.id}&limit=${limit}` } };
  return json(200, out);
}

function search(sim: HubspotSimulator, req: SimRequest): Reply {
  const type = objectType(req);
  const input = body(req);
  const limit = input.limit === undefined ? 10 : Number(input.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > sim.settings.searchMaxLimit) badRequest(`limit must be between 1 and ${sim.settings.searchMaxLimit}`);
  const offset = input.after === undefined ? 0 : Number(input.after);
  if (!Number.isInteger(offset) || offset < 0) badRequest('after must be a numeric offset');
  if (offset >= sim.settings.searchResultCap) badRequest(`Paging through more than ${sim.settings.searchResultCap} results is not supported.`);
  const now = sim.clock.now();
  const rows: SearchRow[] = [];
  for (const rec of sim.store.sorted(type)) {
    const view = sim.store.searchView(rec, now);
    if (view && !view.archived) rows.push({ id: rec.id, view });
  }
  const groups = parseFilterGroups(input.filterGroups);
  const hits = sortRows(type, selectRows(type, rows, groups, typeof input.query === 'string' ? input.query : undefined), parseSorts(input.sorts));
  const end = Math.min(offset + limit, hits.length);
  const properties = Array.isArray(input.properties) ? input.properties.map(String) : undefined;
  const out: Record<string, unknown> = { total: hits.length, results: hits.slice(offset, end).map((h) => renderView(type, h.id, h.view, properties)) };
  if (end < hits.length) out.paging = { next: { after: String(end) } };
  return json(200, out);
}

function getOne(sim: HubspotSimulator, req: SimRequest): Reply {
  const type = objectType(req);
  const idProperty = req.query.get('idProperty');
  const archived = req.query.get('archived') === 'true';
  const rec = archived ? sim.store.get(type, req.params.id ?? '') : requireRecord(sim, type, req.params.id ?? '', idProperty);
  if (!rec || rec.archived !== archived) return hsError(404, 'OBJECT_NOT_FOUND', 'resource not found');
  return json(200, renderRecord(rec, csv(req.query.get('properties')), csv(req.query.get('propertiesWithHistory'))));
}

function createOne(sim: HubspotSimulator, req: SimRequest): Reply {
  const input = body(req);
  return json(201, renderRecord(createRecord(sim, objectType(req), input.properties ?? {}), Object.keys(isRecord(input.properties) ? input.properties : {})));
}

function patchOne(sim: HubspotSimulator, req: SimRequest): Reply {
  const type = objectType(req);
  const rec = requireRecord(sim, type, req.params.id ?? '', req.query.get('idProperty'));
  const input = body(req);
  return json(200, renderRecord(updateRecord(sim, rec, input.properties ?? {}), Object.keys(isRecord(input.properties) ? input.properties : {})));
}

function deleteOne(sim: HubspotSimulator, req: SimRequest): Reply {
  const rec = sim.store.get(objectType(req), req.params.id ?? '');
  // Archiving an already archived or unknown id is answered 204 as well: the call is idempotent.
  if (rec && !rec.archived) archiveRecord(sim, rec);
  return json(204);
}

function gdpr(sim: HubspotSimulator, req: SimRequest): Reply {
  if (objectType(req) !== 'contacts') return hsError(404, 'OBJECT_NOT_FOUND', 'gdpr-delete exists for contacts only');
  const input = body(req);
  if (typeof input.objectId !== 'string' || input.objectId === '') badRequest('objectId is required');
  gdprDelete(sim, input.objectId, typeof input.idProperty === 'string' ? input.idProperty : undefined);
  return json(204);
}

function merge(sim: HubspotSimulator, req: SimRequest): Reply {
  const input = body(req);
  const rec = mergeRecords(sim, objectType(req), String(input.primaryObjectId ?? ''), String(input.objectIdToMerge ?? ''));
  return json(200, renderRecord(rec));
}

export function registerObjectRoutes(router: Router, sim: HubspotSimulator): void {
  const base = '/crm/v3/objects/:objectType';
  router
    .add('GET', '/crm/v3/properties/:objectType', (req) => json(200, { results: CATALOGUE[objectType(req)] }))
    .add('POST', `${base}/search`, (req) => search(sim, req))
    .add('POST', `${base}/gdpr-delete`, (req) => gdpr(sim, req))
    .add('POST', `${base}/merge`, (req) => merge(sim, req))
    .add('GET', base, (req) => list(sim, req))
    .add('POST', base, (req) => createOne(sim, req))
    .add('GET', `${base}/:id`, (req) => getOne(sim, req))
    .add('PATCH', `${base}/:id`, (req) => patchOne(sim, req))
    .add('DELETE', `${base}/:id`, (req) => deleteOne(sim, req));
}
