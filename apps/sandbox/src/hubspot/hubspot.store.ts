import { firstNotBefore } from '../common/ordered.js';
import { MODIFIED_PROPERTY, type HsObjectType } from './hubspot.properties.js';

export interface HistoryEntry {
  value: string;
  timestamp: number;
  sourceType: string;
}

/** What the search index holds for a record at some moment. */
export interface IndexedView {
  properties: Record<string, string>;
  createdAt: number;
  updatedAt: number;
  archived: boolean;
}

export interface HsRecord {
  id: string;
  objectType: HsObjectType;
  properties: Record<string, string>;
  history: Record<string, HistoryEntry[]>;
  createdAt: number;
  updatedAt: number;
  archived: boolean;
  archivedAt?: number;
  /** Versions the search index will show, each from `visibleAt` on (imitates index lag). */
  index: { visibleAt: number; view: IndexedView }[];
}

const FIRST_ID: Record<HsObjectType, number> = { contacts: 1001, companies: 9001 };

/** Records of both object types, with per-property history and a lagging search index. */
export class HubspotStore {
  readonly records: Record<HsObjectType, Map<string, HsRecord>> = { contacts: new Map(), companies: new Map() };
  /** Emails erased by gdpr-delete: HubSpot refuses to store them again. */
  readonly blocklist = new Set<string>();
  private nextId: Record<HsObjectType, number> = { ...FIRST_ID };
  /**
   * Ids of the records that hold (or held) each email, by object type: `findBy(…, 'email', …)` looks here instead of
   * scanning every record (seeding and batch upserts at 100k records were quadratic). Entries are checked on use.
   */
  private readonly byEmail: Record<HsObjectType, Map<string, Set<string>>> = { contacts: new Map(), companies: new Map() };
  /** Records in id order as created (removed ones are skipped when read): list pages start by binary search. */
  private readonly ordered: Record<HsObjectType, HsRecord[]> = { contacts: [], companies: [] };

  clear(): void {
    this.records.contacts.clear();
    this.records.companies.clear();
    this.byEmail.contacts.clear();
    this.byEmail.companies.clear();
    this.ordered.contacts.length = 0;
    this.ordered.companies.length = 0;
    this.blocklist.clear();
    this.nextId = { ...FIRST_ID };
  }

  get(objectType: HsObjectType, id: string): HsRecord | undefined {
    return this.records[objectType].get(id);
  }

  /** Finds a live record by a unique property (`hs_object_id` or `email`). */
  findBy(objectType: HsObjectType, property: string, value: string): HsRecord | undefined {
    if (property === 'hs_object_id') {
      const rec = this.get(objectType, value);
      return rec && !rec.archived ? rec : undefined;
    }
    const wanted = property === 'email' ? value.trim().toLowerCase() : value;
    if (property === 'email') {
      for (const id of this.byEmail[objectType].get(wanted) ?? []) {
        const rec = this.get(objectType, id);
        if (rec && !rec.archived && rec.properties.email === wanted) return rec;
      }
      return undefined;
    }
    for (const rec of this.records[objectType].values()) {
      if (!rec.archived && rec.properties[property] === wanted) return rec;
    }
    return undefined;
  }

  /** Records in id order: ids only grow and a record is never stored twice, so the map's insertion order is id order. */
  sorted(objectType: HsObjectType): HsRecord[] {
    return [...this.records[objectType].values()];
  }

  /** Up to `limit` records from id `after` on (in id order), without copying the whole store per page. */
  page(objectType: HsObjectType, after: number, limit: number, keep: (rec: HsRecord) => boolean): HsRecord[] {
    const ordered = this.ordered[objectType];
    const live = this.records[objectType];
    const out: HsRecord[] = [];
    for (let i = firstNotBefore(ordered, (r) => Number(r.id) < after); i < ordered.length && out.length < limit; i += 1) {
      const rec = ordered[i] as HsRecord;
      if (live.get(rec.id) === rec && keep(rec)) out.push(rec);
    }
    return out;
  }

  create(objectType: HsObjectType, values: Record<string, string>, now: number, lagMs: number, source = 'API'): HsRecord {
    const id = String(this.nextId[objectType]++);
    const rec: HsRecord = { id, objectType, properties: {}, history: {}, createdAt: now, updatedAt: now, archived: false, index: [] };
    this.records[objectType].set(id, rec);
    this.ordered[objectType].push(rec);
    const iso = new Date(now).toISOString();
    this.apply(rec, { ...values, hs_object_id: id, createdate: iso }, now, source);
    this.touch(rec, now, lagMs);
    return rec;
  }

  /** Stores the given values; returns the names whose value changed. Unchanged writes do not move updatedAt. */
  update(rec: HsRecord, values: Record<string, string>, now: number, lagMs: number, source = 'API'): string[] {
    const changed = this.apply(rec, values, now, source);
    if (changed.length > 0) this.touch(rec, now, lagMs);
    return changed;
  }

  archive(rec: HsRecord, now: number, lagMs: number): void {
    rec.archived = true;
    rec.archivedAt = now;
    this.touch(rec, now, lagMs);
  }

  remove(rec: HsRecord): void {
    this.records[rec.objectType].delete(rec.id);
    const email = rec.properties.email;
    if (email !== undefined) this.byEmail[rec.objectType].get(email)?.delete(rec.id);
  }

  /** The version search sees at `now`, or undefined when the index has not caught up with its creation. */
  searchView(rec: HsRecord, now: number): IndexedView | undefined {
    let found: IndexedView | undefined;
    for (const entry of rec.index) if (entry.visibleAt <= now) found = entry.view;
    return found;
  }

  private apply(rec: HsRecord, values: Record<string, string>, now: number, source: string): string[] {
    const changed: string[] = [];
    for (const [name, value] of Object.entries(values)) {
      if ((rec.properties[name] ?? '') === value) continue;
      if (name === 'email') this.reindexEmail(rec, rec.properties.email, value);
      if (value === '') delete rec.properties[name];
      else rec.properties[name] = value;
      (rec.history[name] ??= []).unshift({ value, timestamp: now, sourceType: source });
      changed.push(name);
    }
    return changed;
  }

  private reindexEmail(rec: HsRecord, from: string | undefined, to: string): void {
    const index = this.byEmail[rec.objectType];
    if (from !== undefined) index.get(from)?.delete(rec.id);
    if (to === '') return;
    let ids = index.get(to);
    if (!ids) index.set(to, (ids = new Set()));
    ids.add(rec.id);
  }

  private touch(rec: HsRecord, now: number, lagMs: number): void {
    rec.updatedAt = now;
    const modified = MODIFIED_PROPERTY[rec.objectType];
    rec.properties[modified] = new Date(now).toISOString();
    (rec.history[modified] ??= []).unshift({ value: rec.properties[modified], timestamp: now, sourceType: 'API' });
    const view: IndexedView = { properties: { ...rec.properties }, createdAt: rec.createdAt, updatedAt: now, archived: rec.archived };
    const visibleAt = now + lagMs;
    // Keep only the newest version already visible plus those still pending.
    const visible = rec.index.filter((e) => e.visibleAt <= now);
    const pending = rec.index.filter((e) => e.visibleAt > now);
    rec.index = [...visible.slice(-1), ...pending, { visibleAt, view }];
  }
}

/** Seeded records look as if they were made long ago and are already indexed. */
export function backdate(rec: HsRecord, createdAt: number, updatedAt: number): void {
  const created = new Date(createdAt).toISOString();
  const modified = MODIFIED_PROPERTY[rec.objectType];
  rec.createdAt = createdAt;
  rec.updatedAt = updatedAt;
  rec.properties.createdate = created;
  rec.properties[modified] = new Date(updatedAt).toISOString();
  for (const entries of Object.values(rec.history)) for (const entry of entries) entry.timestamp = createdAt;
  const modifiedHistory = rec.history[modified];
  if (modifiedHistory?.[0]) modifiedHistory[0] = { value: rec.properties[modified], timestamp: updatedAt, sourceType: 'API' };
  rec.index = [{ visibleAt: 0, view: { properties: { ...rec.properties }, createdAt, updatedAt, archived: false } }];
}
