/**
 * A tiny in-memory app for property tests of the reconciler. It can reformat what it stores (an app that keeps
 * phones in national format, uppercases codes) and may answer writes without the stored record, so the harness has
 * to read it back — exactly the situations DESIGN §5 says must not echo or lose edits.
 */
import type { AppName, RawFields } from '../model.js';
import { getPath, setPath } from '../mapping/path.js';
import type { Patch } from '../reconcile-types.js';

/** A shared, deterministic clock: every outside edit and every write is one tick later. */
export class SimClock {
  constructor(private t = 1_000) {}
  tick(): number {
    this.t += 1;
    return this.t;
  }
  now(): number {
    return this.t;
  }
}

export interface SimRecord {
  id: string;
  fields: Record<string, unknown>;
  version: number;
  fieldTimes: Record<string, number>;
  deleted: boolean;
  archived: boolean;
}

export interface SimAppOptions {
  /** How the app stores a written value (identity when absent). */
  reformat?: (path: string, value: unknown) => unknown;
  /** The write response carries the stored record. */
  returnsStored: boolean;
  /** The app reports per-field modification times. */
  fieldTimestamps: boolean;
}

export class SimApp {
  readonly records = new Map<string, SimRecord>();
  /** Writes that changed a stored value (the ones that matter for "no second effective write"). */
  effectiveWrites = 0;
  private nextId = 1;

  constructor(
    readonly name: AppName,
    private readonly clock: SimClock,
    private readonly options: SimAppOptions,
  ) {}

  private put(record: SimRecord, path: string, value: unknown, now: number): boolean {
    if (JSON.stringify(getPath(record.fields, path) ?? null) === JSON.stringify(value ?? null)) return false;
    record.fields = setPath(record.fields, path, value);
    record.fieldTimes[path] = now;
    return true;
  }

  /** A person edits a value in the app's own UI (stored as typed). */
  userEdit(id: string, path: string, value: unknown): void {
    const record = this.records.get(id);
    if (!record || record.deleted) return;
    const now = this.clock.tick();
    if (this.put(record, path, value, now)) record.version = now;
  }

  /** A person creates a record in the app. */
  userCreate(fields: RawFields): string {
    const now = this.clock.tick();
    const record: SimRecord = { id: `${this.name}-${this.nextId++}`, fields: {}, version: now, fieldTimes: {}, deleted: false, archived: false };
    for (const [path, value] of Object.entries(fields)) this.put(record, path, value, now);
    this.records.set(record.id, record);
    return record.id;
  }

  userDelete(id: string): void {
    const record = this.records.get(id);
    if (!record || record.deleted) return;
    record.deleted = true;
    record.version = this.clock.tick();
  }

  /** Records changed after `cursor` (the cursor is a version), deleted ones included as delete signals. */
  changedSince(cursor: number): SimRecord[] {
    return [...this.records.values()].filter((r) => r.version > cursor).map((r) => structuredClone(r));
  }

  fetch(id: string): SimRecord | undefined {
    const record = this.records.get(id);
    return record ? structuredClone(record) : undefined;
  }

  findByKey(path: string, value: string): SimRecord[] {
    return [...this.records.values()]
      .filter((r) => !r.deleted && !r.archived && String(getPath(r.fields, path) ?? '').trim().toLowerCase() === value)
      .map((r) => structuredClone(r));
  }

  /** Applies one patch; answers with the id and, if this app does that, the stored record. */
  write(patch: Patch): { id: string; stored: SimRecord | null } {
    const now = this.clock.tick();
    const reformat = this.options.reformat ?? ((_p: string, v: unknown) => v);
    if (patch.op === 'create') {
      const id = this.userCreate(Object.fromEntries(Object.entries(patch.fields).map(([p, v]) => [p, reformat(p, v)])));
      this.effectiveWrites += 1;
      return { id, stored: this.options.returnsStored ? this.fetch(id) ?? null : null };
    }
    const record = this.records.get(patch.externalId ?? '');
    if (!record || record.deleted) throw new Error(`sim ${this.name}: no record to ${patch.op}`);
    let changed = false;
    if (patch.op === 'delete') {
      record.deleted = true;
      changed = true;
    } else if (patch.op === 'archive') {
      changed = !record.archived;
      record.archived = true;
    } else {
      for (const [path, value] of Object.entries(patch.fields)) changed = this.put(record, path, reformat(path, value), now) || changed;
    }
    if (changed) this.effectiveWrites += 1;
    record.version = now;
    return { id: record.id, stored: this.options.returnsStored ? structuredClone(record) : null };
  }

  timestamps(): boolean {
    return this.options.fieldTimestamps;
  }
}
