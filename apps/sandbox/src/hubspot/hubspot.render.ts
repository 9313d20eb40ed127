import { DEFAULT_PROPERTIES, MODIFIED_PROPERTY, type HsObjectType } from './hubspot.properties.js';
import type { HsRecord, IndexedView } from './hubspot.store.js';

/** Which properties an answer carries: the requested ones plus the three HubSpot always adds, or the defaults. */
export function propertyNames(objectType: HsObjectType, requested: string[] | undefined): string[] {
  if (!requested || requested.length === 0) return DEFAULT_PROPERTIES[objectType];
  return [...new Set([...requested, 'hs_object_id', 'createdate', MODIFIED_PROPERTY[objectType]])];
}

export function csv(value: string | null): string[] | undefined {
  if (value === null || value.trim() === '') return undefined;
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

function pick(values: Record<string, string>, names: string[]): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const name of names) out[name] = values[name] ?? null;
  return out;
}

/** A record as the API returns it (`SimplePublicObject` / `…WithAssociations`). */
export function renderRecord(rec: HsRecord, requested?: string[], withHistory?: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: rec.id,
    properties: pick(rec.properties, propertyNames(rec.objectType, requested)),
    createdAt: new Date(rec.createdAt).toISOString(),
    updatedAt: new Date(rec.updatedAt).toISOString(),
    archived: rec.archived,
  };
  if (rec.archived && rec.archivedAt !== undefined) out.archivedAt = new Date(rec.archivedAt).toISOString();
  if (withHistory && withHistory.length > 0) {
    const history: Record<string, unknown[]> = {};
    for (const name of withHistory) {
      history[name] = (rec.history[name] ?? []).map((h) => ({ value: h.value, timestamp: new Date(h.timestamp).toISOString(), sourceType: h.sourceType }));
    }
    out.propertiesWithHistory = history;
  }
  return out;
}

/** A search hit, rendered from the (possibly stale) indexed version. */
export function renderView(objectType: HsObjectType, id: string, view: IndexedView, requested?: string[]): Record<string, unknown> {
  return {
    id,
    properties: pick(view.properties, propertyNames(objectType, requested)),
    createdAt: new Date(view.createdAt).toISOString(),
    updatedAt: new Date(view.updatedAt).toISOString(),
    archived: false,
  };
}
