/**
 * Shapes of the memory app: its options, its event log, and its search and write API.
 */
import type { FieldInfo } from '@tandem/connector-sdk';
import type { MemoryWriteError } from './memory.errors.js';
import type { MemoryRecord } from './memory.store.js';

export type { MemoryRecord } from './memory.store.js';

export interface MemoryAppOptions {
  /** Object name the app serves (one object per app). Default `contacts`. */
  object?: string;
  /** Epoch ms; tests pass a MemoryClock's `now`. Must never go backwards. Default `Date.now`. */
  clock?: () => number;
  /** Field catalogue. Default DEFAULT_MEMORY_FIELDS. */
  fields?: readonly FieldInfo[];
  /** Email-as-id: ids are the MD5 of this field's lowercased value, and change with it. */
  idFromField?: string;
  /** No two live records may share this field's value (case-insensitive): a duplicate create fails. */
  uniqueField?: string;
  /** Path → reformatting the app applies to every value stored there. */
  reformat?: Record<string, (value: unknown) => unknown>;
  /** Write responses carry only the id, not the stored record. */
  writeResponseOmitsRecord?: boolean;
  /** Incremental (search) reads do not see records changed within the last `readLagMs`. */
  readLagMs?: number;
  /** Records per read page. Default 100. */
  pageSize?: number;
  /** A search from one anchor stops returning after this many results (HubSpot's 10,000 cap). */
  windowLimit?: number | null;
  /** Field an `archive` op sets to true. Default `archived`. */
  archiveField?: string;
}

export type MemoryEventType = 'created' | 'changed' | 'deleted' | 'rekeyed' | 'merged';

/** One entry of the app's event log: what its webhooks would report. Ids only, no values. */
export interface MemoryEvent {
  eventId: string;
  type: MemoryEventType;
  object: string;
  id: string;
  newId?: string;
  intoId?: string;
  occurredAt: number;
  source: 'user' | 'api';
}

/** A position in (updatedAt, id) order. */
export interface SearchAnchor {
  updatedAt: number;
  id: string;
}

export interface SearchRequest {
  /** Return records strictly after this (updatedAt, id) in ascending order; null = from the start. */
  anchor: SearchAnchor | null;
  /** The previous page's `nextPageToken`. */
  pageToken?: string | null;
  /** Search index reads trail writes by `readLagMs`; list reads (false) do not. */
  lagged?: boolean;
}

export interface SearchPage {
  /** Tombstones included (`deleted: true`); the connector decides what to emit. */
  records: MemoryRecord[];
  /** Null when there is nothing more, or when the window from this anchor is used up. */
  nextPageToken: string | null;
  /** Matches from the anchor at the time of the call (as HubSpot's search `total`). */
  total: number;
}

export type MemoryWriteResult =
  | { ref: string; status: 'ok'; id: string; record?: MemoryRecord }
  | { ref: string; status: 'failed'; error: MemoryWriteError }
  | { ref: string; status: 'unknown'; id?: string };
