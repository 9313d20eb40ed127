import { HttpError } from '../common/http.js';
import { conflict, hsFail, notFound, validationProblems } from './hubspot.errors.js';
import { coerceProperties, MODIFIED_PROPERTY, type HsObjectType } from './hubspot.properties.js';
import type { HubspotSimulator } from './hubspot.simulator.js';
import type { HsRecord } from './hubspot.store.js';

/** Validates input properties, applies the reformat-on-write fault, and rejects a duplicate or erased email. */
function prepare(sim: HubspotSimulator, objectType: HsObjectType, input: unknown, selfId?: string): Record<string, string> {
  const { values, problems } = coerceProperties(objectType, input);
  if (problems.length > 0) throw new HttpError(validationProblems(problems));
  for (const [name, value] of Object.entries(values)) values[name] = sim.reformatField(name, value) ?? value;
  const email = values.email;
  if (objectType === 'contacts' && email) {
    const existing = sim.store.findBy('contacts', 'email', email);
    if (existing && existing.id !== selfId) throw new HttpError(conflict(existing.id));
    if (sim.store.blocklist.has(email)) hsFail(400, 'VALIDATION_ERROR', 'This email address was permanently deleted (GDPR) and cannot be used again.');
  }
  return values;
}

export function createRecord(sim: HubspotSimulator, objectType: HsObjectType, input: unknown): HsRecord {
  const values = prepare(sim, objectType, input);
  const rec = sim.store.create(objectType, values, sim.clock.now(), sim.settings.searchLagMs);
  sim.stats.write(`${objectType}:${rec.id}`);
  sim.event(objectType, 'creation', rec.id, { changeFlag: 'NEW' });
  return rec;
}

export function updateRecord(sim: HubspotSimulator, rec: HsRecord, input: unknown): HsRecord {
  const values = prepare(sim, rec.objectType, input, rec.id);
  const changed = sim.store.update(rec, values, sim.clock.now(), sim.settings.searchLagMs);
  sim.stats.write(`${rec.objectType}:${rec.id}`);
  for (const name of changed) {
    if (name === MODIFIED_PROPERTY[rec.objectType]) continue;
    sim.event(rec.objectType, 'propertyChange', rec.id, { propertyName: name, propertyValue: rec.properties[name] ?? '' });
  }
  return rec;
}

export function archiveRecord(sim: HubspotSimulator, rec: HsRecord): void {
  sim.store.archive(rec, sim.clock.now(), sim.settings.searchLagMs);
  sim.stats.write(`${rec.objectType}:${rec.id}`);
  sim.event(rec.objectType, 'deletion', rec.id);
}

/** Finds a live record by id or by `idProperty` (email / hs_object_id); throws 404 when absent. */
export function requireRecord(sim: HubspotSimulator, objectType: HsObjectType, id: string, idProperty?: string | null): HsRecord {
  const rec = idProperty && idProperty !== 'hs_object_id' ? sim.store.findBy(objectType, idProperty, id) : sim.store.get(objectType, id);
  if (!rec || rec.archived) throw new HttpError(notFound());
  return rec;
}

/** gdpr-delete: erases the contact for good; an unknown email goes on the blocklist. */
export function gdprDelete(sim: HubspotSimulator, objectId: string, idProperty?: string): void {
  const rec = idProperty === 'email' ? sim.store.findBy('contacts', 'email', objectId) : sim.store.get('contacts', objectId);
  if (!rec) {
    if (idProperty === 'email') sim.store.blocklist.add(objectId.trim().toLowerCase());
    else throw new HttpError(notFound());
    return;
  }
  if (rec.properties.email) sim.store.blocklist.add(rec.properties.email);
  sim.store.remove(rec);
  sim.stats.write(`contacts:${rec.id}`);
  sim.event('contacts', 'privacyDeletion', rec.id);
}

/** Merges `mergeId` into `primaryId`: the primary keeps its values and fills its gaps; the other disappears. */
export function mergeRecords(sim: HubspotSimulator, objectType: HsObjectType, primaryId: string, mergeId: string): HsRecord {
  const primary = requireRecord(sim, objectType, primaryId);
  const other = requireRecord(sim, objectType, mergeId);
  if (primary.id === other.id) hsFail(400, 'VALIDATION_ERROR', 'Cannot merge an object with itself');
  const fill: Record<string, string> = {};
  for (const [name, value] of Object.entries(other.properties)) {
    if (!primary.properties[name] && !['hs_object_id', 'createdate', 'email'].includes(name)) fill[name] = value;
  }
  sim.store.remove(other);
  sim.store.update(primary, fill, sim.clock.now(), sim.settings.searchLagMs);
  sim.stats.write(`${objectType}:${primary.id}`);
  sim.stats.write(`${objectType}:${other.id}`);
  sim.event(objectType, 'merge', primary.id, { primaryObjectId: Number(primary.id), mergedObjectIds: [Number(other.id)] });
  return primary;
}
