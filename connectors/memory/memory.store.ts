/**
 * The memory app's record storage: ids, timestamps, the change sequence, per-field timestamps, and the
 * rules a real app applies when it stores a value (set fields as arrays, reformatting, enum options,
 * required fields, unique keys, email-as-id). Knows nothing of faults, events or the connector.
 */
import { createHash } from 'node:crypto';
import type { MemoryWriteError } from './memory.errors.js';
import type { SearchPage, SearchRequest } from './memory.types.js';
import { FieldCatalogue, isEmpty, STABLE_KEY_FIELD, toStoredSet } from './memory.fields.js';
import { deletePath, flattenPatch, getPath, leafPaths, sameStoredValue, setPath, type Fields } from './memory.paths.js';

export interface MemoryRecord {
  id: string;
  /** The app's internal serial (`m-<n>`); equals `id` unless ids come from a field. */
  serial: string;
  fields: Fields;
  createdAt: number;
  updatedAt: number;
  /** App-wide sequence number of this record's last effective change: unique and increasing. */
  seq: number;
  /** Last change time of each leaf path. */
  fieldUpdatedAt: Record<string, number>;
  deleted: boolean;
  mergedInto?: string;
}

export interface StoreRules {
  clock: () => number;
  catalogue: FieldCatalogue;
  /** Path → function the app applies to every value stored there (e.g. phones to national format). */
  reformat: Record<string, (value: unknown) => unknown>;
  /** Ids derive from this field (email-as-id apps); changing it changes the id. */
  idFromField?: string;
  /** No two live records may share this field's value (case-insensitive). */
  uniqueField?: string;
}

/** Ascending (updatedAt, id): the order of every search-like read. */
export function compareRecords(
  a: Pick<MemoryRecord, 'updatedAt' | 'id'>,
  b: Pick<MemoryRecord, 'updatedAt' | 'id'>,
): number {
  if (a.updatedAt !== b.updatedAt) return a.updatedAt - b.updatedAt;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Email-ish keys compare trimmed and lowercased; others exactly. */
export function normaliseKey(path: string, value: unknown): string {
  const text = String(value ?? '');
  return /email/i.test(path) ? text.trim().toLowerCase() : text;
}

/** The id an email-as-id app gives a value (the MD5 of the lowercased value, as Mailchimp does). */
export function idForKeyValue(path: string, value: unknown): string {
  return createHash('md5').update(normaliseKey(path, value)).digest('hex');
}

interface PageToken {
  after: { updatedAt: number; id: string };
  served: number;
}

/**
 * A keyset page over sorted records: strictly after the anchor, then strictly after the page token's
 * last record (so edits between pages never shift what a page holds). A window serves at most
 * `windowLimit` records from one anchor, then returns no next token.
 */
export function searchPage(
  sorted: readonly MemoryRecord[],
  request: SearchRequest,
  limits: { pageSize: number; windowLimit: number },
): SearchPage {
  const anchor = request.anchor;
  const matches = anchor ? sorted.filter((r) => compareRecords(r, anchor) > 0) : [...sorted];
  const token = request.pageToken
    ? (JSON.parse(Buffer.from(request.pageToken, 'base64url').toString()) as PageToken)
    : null;
  const served = token?.served ?? 0;
  const rest = token ? matches.filter((r) => compareRecords(r, token.after) > 0) : matches;
  const page = rest.slice(0, Math.max(0, Math.min(limits.pageSize, limits.windowLimit - served)));
  const last = page[page.length - 1];
  const more = last !== undefined && rest.length > page.length && served + page.length < limits.windowLimit;
  const next: PageToken | null = more
    ? { after: { updatedAt: last.updatedAt, id: last.id }, served: served + page.length }
    : null;
  return {
    records: page.map((r) => structuredClone(r)),
    nextPageToken: next && Buffer.from(JSON.stringify(next)).toString('base64url'),
    total: matches.length,
  };
}

export type Prepared = { next: Fields; changed: string[] } | { error: MemoryWriteError };

export class RecordStore {
  private readonly records = new Map<string, MemoryRecord>();
  private serial = 0;
  private seq = 0;
  /** The records in (updatedAt, id) order, kept until a write changes them: pages no longer sort the store each. */
  private ordered: readonly MemoryRecord[] | null = null;

  constructor(readonly rules: StoreRules) {}

  get(id: string): MemoryRecord | undefined {
    return this.records.get(id);
  }

  all(): MemoryRecord[] {
    return [...this.records.values()];
  }

  sorted(): readonly MemoryRecord[] {
    this.ordered ??= this.all().sort(compareRecords);
    return this.ordered;
  }

  /** Applies a patch to a copy of `base`: the fields as they would be stored, and which leaves changed. */
  prepare(base: Fields, patch: Fields, system: boolean): Prepared {
    const next = structuredClone(base);
    const changed: string[] = [];
    for (const [path, raw] of flattenPatch(patch)) {
      const refused = this.rules.catalogue.checkValue(path, raw, system);
      if (refused) return { error: refused };
      const before = getPath(next, path);
      if (raw === undefined) {
        if (before !== undefined) changed.push(path);
        deletePath(next, path);
        continue;
      }
      const value = this.storedValue(path, raw);
      if (sameStoredValue(before, value, this.rules.catalogue.isSet(path))) continue;
      setPath(next, path, value);
      changed.push(path);
    }
    return { next, changed };
  }

  /** Creates a record, or says why the app refuses it. */
  create(fields: Fields): MemoryRecord | MemoryWriteError {
    const prepared = this.prepare({}, fields, false);
    if ('error' in prepared) return prepared.error;
    const refused = this.rules.catalogue.checkRequired(prepared.next) ?? this.uniqueClash(prepared.next, null);
    if (refused) return refused;
    const keyed = this.idFor(prepared.next);
    if (this.rules.idFromField && !keyed) return this.missingIdField();
    if (keyed && this.records.get(keyed)?.deleted === false) return this.duplicateId();
    const serial = `m-${++this.serial}`;
    const id = keyed ?? serial;
    if (this.rules.idFromField) setPath(prepared.next, STABLE_KEY_FIELD.path, serial);
    const at = this.rules.clock();
    const record: MemoryRecord = {
      id,
      serial,
      fields: prepared.next,
      createdAt: at,
      updatedAt: at,
      seq: ++this.seq,
      fieldUpdatedAt: Object.fromEntries(leafPaths(prepared.next).map((path) => [path, at])),
      deleted: false,
    };
    this.records.set(id, record);
    this.ordered = null;
    return record;
  }

  /**
   * Stores prepared fields on a live record: `false` when nothing stored changed, else `{ movedFrom }`
   * carrying the previous id when the change moved the record (email-as-id), or the app's refusal.
   */
  commit(
    record: MemoryRecord,
    prepared: { next: Fields; changed: string[] },
  ): { movedFrom?: string } | MemoryWriteError | false {
    if (prepared.changed.length === 0) return false;
    const clash = this.uniqueClash(prepared.next, record.id);
    if (clash) return clash;
    const newId = this.idFor(prepared.next);
    if (this.rules.idFromField && !newId) return this.missingIdField();
    if (newId && newId !== record.id && this.records.get(newId)?.deleted === false) return this.duplicateId();
    const at = this.touch(record);
    record.fields = prepared.next;
    const leaves = leafPaths(record.fields);
    const changed = new Set(prepared.changed);
    record.fieldUpdatedAt = Object.fromEntries(
      leaves.map((path) => [
        path,
        changed.has(path) || !(path in record.fieldUpdatedAt) ? at : record.fieldUpdatedAt[path],
      ]),
    );
    if (newId && newId !== record.id) return { movedFrom: this.move(record, newId) };
    return {};
  }

  /** Marks a record deleted (a tombstone, so reads can signal the delete). */
  tombstone(record: MemoryRecord, mergedInto?: string): void {
    this.touch(record);
    record.deleted = true;
    if (mergedInto) record.mergedInto = mergedInto;
  }

  /** Gives a record a new id; returns the old one. A tombstone at the new id is replaced. */
  move(record: MemoryRecord, newId: string): string {
    const oldId = record.id;
    this.records.delete(oldId);
    record.id = newId;
    this.touch(record);
    this.records.set(newId, record);
    return oldId;
  }

  /** Removes every trace of a record (erasure). */
  remove(id: string): boolean {
    this.ordered = null;
    return this.records.delete(id);
  }

  private touch(record: MemoryRecord): number {
    this.ordered = null;
    const at = this.rules.clock();
    record.updatedAt = at;
    record.seq = ++this.seq;
    return at;
  }

  private storedValue(path: string, raw: unknown): unknown {
    const value = this.rules.catalogue.isSet(path) ? toStoredSet(raw) : structuredClone(raw);
    const reformat = this.rules.reformat[path];
    return reformat ? reformat(value) : value;
  }

  private idFor(fields: Fields): string | undefined {
    const path = this.rules.idFromField;
    if (!path || isEmpty(getPath(fields, path))) return undefined;
    return idForKeyValue(path, getPath(fields, path));
  }

  private missingIdField(): MemoryWriteError {
    const field = this.rules.idFromField;
    return {
      code: 'REQUIRED_FIELD',
      message: `field ${field} is the record id and cannot be empty`,
      retryable: false,
      field,
    };
  }

  private duplicateId(): MemoryWriteError {
    return {
      code: 'DUPLICATE',
      message: 'another record has the same id',
      retryable: false,
      field: this.rules.idFromField,
    };
  }

  private uniqueClash(fields: Fields, selfId: string | null): MemoryWriteError | null {
    const path = this.rules.uniqueField;
    const value = path ? getPath(fields, path) : undefined;
    if (!path || isEmpty(value)) return null;
    const key = normaliseKey(path, value);
    const clash = this.all().some(
      (r) => !r.deleted && r.id !== selfId && normaliseKey(path, getPath(r.fields, path)) === key,
    );
    return clash
      ? { code: 'DUPLICATE', message: `another record has the same ${path}`, retryable: false, field: path }
      : null;
  }
}
