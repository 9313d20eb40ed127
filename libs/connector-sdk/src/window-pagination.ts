import { ConnectorError } from './errors.js';

/** Position in a (timestamp, id)-ordered change stream: the last record seen. */
export interface WindowAnchor {
  ts: number;
  id: string;
}

/** One call to the search endpoint: where the query starts, the page cursor inside the query, and how many more
 * results this query may still return before the app's cap (ask for at most that many). */
export interface WindowRequest<C> {
  anchor: WindowAnchor | null;
  cursor: C | null;
  remaining: number;
}

export interface WindowPageResult<T, C> {
  records: T[];
  next: C | null;
}

export interface WindowOptions<T, C> {
  fetchPage: (request: WindowRequest<C>) => Promise<WindowPageResult<T, C>>;
  keyOf: (record: T) => WindowAnchor;
  /** Results one query can return in total (HubSpot search: 10 000). */
  windowCap: number;
  /**
   * 'after-key': the query returns records strictly after (ts, id), ordered by (ts, id).
   * 'from-ts': the query can only filter ts >= anchor.ts and order by ts (ties in any order); the helper drops the
   * ids it already saw at that timestamp. More than `windowCap` records sharing one timestamp cannot be read this
   * way and raise WindowOverflowError rather than being skipped.
   */
  anchorMode: 'after-key' | 'from-ts';
  start?: WindowAnchor | null;
}

/** More records share one timestamp than a single search window can return: reading on would skip some. */
export class WindowOverflowError extends ConnectorError {
  constructor(ts: number, cap: number) {
    super(
      'CONNECTOR_WINDOW_OVERFLOW',
      `more than ${cap} records share timestamp ${ts}; the search window cannot pass them`,
      {
        retryable: false,
        details: { ts, cap },
      },
    );
  }
}

/**
 * Reads a search API whose queries are capped at `windowCap` results: pages through one query, and when the cap is
 * reached re-issues the query from the last seen (ts, id). Yields each page's new records with the anchor to
 * resume from. Never yields a record twice within one run and never skips one (see the spec's property test).
 * Resuming from a saved anchor in 'from-ts' mode re-yields the other records at that timestamp; the runtime drops
 * records it already holds at the same version.
 */
export async function* paginateWindow<T, C>(
  options: WindowOptions<T, C>,
): AsyncGenerator<{ records: T[]; anchor: WindowAnchor | null }> {
  const { fetchPage, keyOf, windowCap, anchorMode } = options;
  if (!(windowCap >= 1)) throw new RangeError('windowCap must be >= 1');
  let anchor = options.start ?? null;
  // Ids already yielded at the anchor's timestamp: a 'from-ts' query returns them again.
  let seenAtTs = new Set<string>(anchor ? [anchor.id] : []);
  for (;;) {
    const windowStart = anchor;
    let cursor: C | null = null;
    let returned = 0;
    let advanced = false;
    for (;;) {
      const page = await fetchPage({ anchor: windowStart, cursor, remaining: windowCap - returned });
      returned += page.records.length;
      const fresh: T[] = [];
      for (const record of page.records) {
        const key = keyOf(record);
        if (anchorMode === 'from-ts' && windowStart && key.ts === windowStart.ts && seenAtTs.has(key.id)) continue;
        if (anchor && key.ts !== anchor.ts) seenAtTs = new Set();
        if (!anchor || key.ts !== windowStart?.ts) advanced = true;
        seenAtTs.add(key.id);
        anchor = key;
        fresh.push(record);
      }
      if (fresh.length > 0) yield { records: fresh, anchor };
      if (page.next === null || page.records.length === 0) return;
      if (returned >= windowCap) break;
      cursor = page.next;
    }
    if (anchorMode === 'from-ts' && !advanced && windowStart) throw new WindowOverflowError(windowStart.ts, windowCap);
  }
}
