/**
 * An in-memory app: what tests, fault suites and examples sync against. It plays both sides of a real
 * SaaS app: people editing records in its UI (`user*` methods, `rekey`), and its API (`search`,
 * `getMany`, `findBy`, `writeBatch`, `erase`), with fault knobs a test arms on purpose.
 */
import type { WriteOp } from '@tandem/connector-sdk';
import { MemoryUserEditError, type MemoryWriteError } from './memory.errors.js';
import { MemoryFaults, type WriteMatcher } from './memory.faults.js';
import { DEFAULT_MEMORY_FIELDS, FieldCatalogue, STABLE_KEY_FIELD } from './memory.fields.js';
import { getPath, type Fields } from './memory.paths.js';
import { normaliseKey, RecordStore, searchPage, type MemoryRecord } from './memory.store.js';
import type {
  MemoryAppOptions,
  MemoryEvent,
  MemoryEventType,
  MemoryWriteResult,
  SearchPage,
  SearchRequest,
} from './memory.types.js';

/** A clock tests move by hand. */
export class MemoryClock {
  constructor(private current = 1_700_000_000_000) {}
  readonly now = (): number => this.current;
  advance(ms: number): number {
    this.current += ms;
    return this.current;
  }
  set(ms: number): void {
    this.current = ms;
  }
}

export class MemoryApp {
  readonly object: string;
  readonly catalogue: FieldCatalogue;
  readonly faults = new MemoryFaults();
  readonly idFromField?: string;
  pageSize: number;
  windowLimit: number | null;
  readLagMs: number;
  writeResponseOmitsRecord: boolean;
  /** Write ops the API accepted and applied (a no-op update counts; injected failures do not). */
  writeCount = 0;
  /** Applied write ops that changed what is stored. */
  effectiveWriteCount = 0;
  private readonly store: RecordStore;
  private readonly clock: () => number;
  private readonly archiveField: string;
  private readonly log: MemoryEvent[] = [];
  private delivered = 0;

  constructor(options: MemoryAppOptions = {}) {
    this.object = options.object ?? 'contacts';
    this.clock = options.clock ?? Date.now;
    this.idFromField = options.idFromField;
    const fields = [...(options.fields ?? DEFAULT_MEMORY_FIELDS), ...(options.idFromField ? [STABLE_KEY_FIELD] : [])];
    this.catalogue = new FieldCatalogue(fields);
    this.pageSize = options.pageSize ?? 100;
    this.windowLimit = options.windowLimit ?? null;
    this.readLagMs = options.readLagMs ?? 0;
    this.writeResponseOmitsRecord = options.writeResponseOmitsRecord ?? false;
    this.archiveField = options.archiveField ?? 'archived';
    this.store = new RecordStore({
      clock: this.clock,
      catalogue: this.catalogue,
      reformat: options.reformat ?? {},
      idFromField: options.idFromField,
      uniqueField: options.uniqueField,
    });
  }

  now(): number {
    return this.clock();
  }

  // ---- a person using the app ----

  userCreate(fields: Fields): string {
    return this.created(this.store.create(fields), 'user');
  }

  userEdit(id: string, patch: Fields): void {
    const outcome = this.update(this.live(id), patch, false, 'user');
    if (outcome !== true && outcome !== false) throw new MemoryUserEditError(outcome);
  }

  userDelete(id: string): void {
    this.tombstone(this.live(id), 'user');
  }

  /** The record now lives at `newId` (e.g. its email changed in an email-as-id app). */
  rekey(id: string, newId: string): void {
    const record = this.live(id);
    if (this.store.get(newId)?.deleted === false)
      throw new MemoryUserEditError({ code: 'DUPLICATE', message: 'id in use', retryable: false });
    this.store.move(record, newId);
    this.emit('rekeyed', id, 'user', { newId });
  }

  /** Merges `id` into `intoId`: `id` disappears (a tombstone) and the event log says where it went. */
  userMerge(id: string, intoId: string): void {
    const loser = this.live(id);
    this.live(intoId);
    this.store.tombstone(loser, intoId);
    this.emit('merged', id, 'user', { intoId });
  }

  // ---- test inspection ----

  /** A copy of one record, tombstones included. */
  get(id: string): MemoryRecord | undefined {
    const record = this.store.get(id);
    return record && structuredClone(record);
  }

  /** Live records' fields by id. */
  snapshot(): Record<string, Fields> {
    const live = this.store.sorted().filter((r) => !r.deleted);
    return Object.fromEntries(live.map((r) => [r.id, structuredClone(r.fields)]));
  }

  /** Copies of every stored record, tombstones included, in (updatedAt, id) order. */
  records(): MemoryRecord[] {
    return this.store.sorted().map((r) => structuredClone(r));
  }

  get events(): readonly MemoryEvent[] {
    return this.log;
  }

  /** Events not taken before (what the next webhook delivery would carry). */
  takeEvents(): MemoryEvent[] {
    const fresh = this.log.slice(this.delivered);
    this.delivered = this.log.length;
    return fresh;
  }

  resetCounters(): void {
    this.writeCount = 0;
    this.effectiveWriteCount = 0;
  }

  // ---- fault knobs (see MemoryFaults) ----

  failNext(target: WriteMatcher, error: MemoryWriteError, times = 1): void {
    this.faults.failNext(target, error, times);
  }

  unknownNext(n: number, options: { applied?: boolean } = {}): void {
    this.faults.unknownNext(n, options);
  }

  crashAfterWrite(target?: WriteMatcher, times = 1): void {
    this.faults.crashAfterWrite(target, times);
  }

  failReadAt(pageIndex: number): void {
    this.faults.failReadAt(pageIndex);
  }

  // ---- the API ----

  /** One page of a search-like read, ordered by (updatedAt, id). See SearchRequest and SearchPage. */
  search(request: SearchRequest): SearchPage {
    this.faults.onReadPage();
    const horizon = request.lagged ? this.now() - this.readLagMs : Infinity;
    const visible = this.store.sorted().filter((r) => r.updatedAt <= horizon);
    return searchPage(visible, request, { pageSize: this.pageSize, windowLimit: this.windowLimit ?? Infinity });
  }

  /** Records by id in the order asked, tombstones included, unknown ids left out. */
  getMany(ids: readonly string[]): MemoryRecord[] {
    this.faults.assertOnline();
    return ids.flatMap((id) => {
      const record = this.store.get(id);
      return record ? [structuredClone(record)] : [];
    });
  }

  /** Live records whose value at `path` equals one of `values` (email-ish paths case-insensitively). */
  findBy(path: string, values: readonly string[]): MemoryRecord[] {
    this.faults.assertOnline();
    const wanted = new Set(values.map((v) => normaliseKey(path, v)));
    return this.store
      .sorted()
      .filter((r) => !r.deleted && wanted.has(normaliseKey(path, getPath(r.fields, path))))
      .map((r) => structuredClone(r));
  }

  /** A batch write, op by op; faults fire where armed. A crash throws after its op was applied. */
  writeBatch(ops: readonly WriteOp[]): MemoryWriteResult[] {
    this.faults.assertOnline();
    const results: MemoryWriteResult[] = [];
    for (const op of ops) {
      results.push(this.writeOne(op));
      this.faults.throwIfCrash(op);
    }
    return results;
  }

  /** Permanent deletion: no tombstone, no trace. Idempotent. */
  erase(id: string): void {
    this.faults.assertOnline();
    this.store.remove(id);
  }

  private writeOne(op: WriteOp): MemoryWriteResult {
    const failure = this.faults.takeFailure(op);
    if (failure) return { ref: op.ref, status: 'failed', error: { ...failure } };
    const unknown = this.faults.takeUnknown();
    const opId = op.op === 'create' ? undefined : op.id;
    if (unknown && !unknown.applied) return { ref: op.ref, status: 'unknown', id: opId };
    const result = this.applyOp(op);
    if (!unknown) return result;
    return { ref: op.ref, status: 'unknown', id: result.status === 'ok' ? result.id : opId };
  }

  private applyOp(op: WriteOp): MemoryWriteResult {
    if (op.op === 'create') {
      const created = this.store.create(op.fields);
      if ('code' in created) return { ref: op.ref, status: 'failed', error: created };
      this.created(created, 'api');
      return this.ok(op.ref, created, true);
    }
    const record = this.store.get(op.id);
    if (!record || (record.deleted && op.op !== 'delete')) {
      return {
        ref: op.ref,
        status: 'failed',
        error: { code: 'NOT_FOUND', message: `no record ${op.id}`, retryable: false },
      };
    }
    if (op.op === 'delete') {
      const effective = !record.deleted;
      if (effective) this.tombstone(record, 'api');
      return this.ok(op.ref, record, effective);
    }
    const patch = op.op === 'archive' ? { [this.archiveField]: true } : op.fields;
    const outcome = this.update(record, patch, op.op === 'archive', 'api');
    if (outcome !== true && outcome !== false) return { ref: op.ref, status: 'failed', error: outcome };
    return this.ok(op.ref, record, outcome);
  }

  private ok(ref: string, record: MemoryRecord, effective: boolean): MemoryWriteResult {
    this.writeCount += 1;
    if (effective) this.effectiveWriteCount += 1;
    if (this.writeResponseOmitsRecord) return { ref, status: 'ok', id: record.id };
    return { ref, status: 'ok', id: record.id, record: structuredClone(record) };
  }

  /** Applies a patch; true when something stored changed, false for a no-op, or the app's refusal. */
  private update(
    record: MemoryRecord,
    patch: Fields,
    system: boolean,
    source: MemoryEvent['source'],
  ): boolean | MemoryWriteError {
    const prepared = this.store.prepare(record.fields, patch, system);
    if ('error' in prepared) return prepared.error;
    const outcome = this.store.commit(record, prepared);
    if (outcome === false) return false;
    if ('code' in outcome) return outcome;
    if (outcome.movedFrom) this.emit('rekeyed', outcome.movedFrom, source, { newId: record.id });
    else this.emit('changed', record.id, source);
    return true;
  }

  private created(outcome: MemoryRecord | MemoryWriteError, source: MemoryEvent['source']): string {
    if ('code' in outcome) throw new MemoryUserEditError(outcome);
    this.emit('created', outcome.id, source);
    return outcome.id;
  }

  private tombstone(record: MemoryRecord, source: MemoryEvent['source']): void {
    this.store.tombstone(record);
    this.emit('deleted', record.id, source);
  }

  private live(id: string): MemoryRecord {
    const record = this.store.get(id);
    if (!record || record.deleted)
      throw new MemoryUserEditError({ code: 'NOT_FOUND', message: `no live record ${id}`, retryable: false });
    return record;
  }

  private emit(
    type: MemoryEventType,
    id: string,
    source: MemoryEvent['source'],
    extra: Partial<MemoryEvent> = {},
  ): void {
    const eventId = `ev-${this.log.length + 1}`;
    this.log.push({ eventId, type, object: this.object, id, ...extra, occurredAt: this.now(), source });
  }
}
