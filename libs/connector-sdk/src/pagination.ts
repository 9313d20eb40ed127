import { ConnectorError } from './errors.js';

/** Thrown when an app hands back the cursor it was just given, which would loop forever. */
export class PaginationStuckError extends ConnectorError {
  constructor(message: string) {
    super('CONNECTOR_PAGINATION_STUCK', message, { retryable: false });
  }
}

/**
 * Pages of a cursor-paginated endpoint (HubSpot `paging.next.after`, Zendesk `meta.after_cursor`, Pipedrive
 * `next_cursor`). `getNext` returns null/undefined on the last page. Yields pages, not items, so the caller can
 * checkpoint the cursor after each one.
 */
export async function* paginateCursor<P, C>(
  fetchPage: (cursor: C | null) => Promise<P>,
  getNext: (page: P) => C | null | undefined,
  options: { start?: C | null; maxPages?: number } = {},
): AsyncGenerator<{ page: P; cursor: C | null; next: C | null }> {
  let cursor: C | null = options.start ?? null;
  const maxPages = options.maxPages ?? Number.POSITIVE_INFINITY;
  for (let n = 0; n < maxPages; n++) {
    const page = await fetchPage(cursor);
    const next = getNext(page) ?? null;
    yield { page, cursor, next };
    if (next === null) return;
    if (cursor !== null && next === cursor) throw new PaginationStuckError('the app returned the same cursor twice');
    cursor = next;
  }
}

export interface OffsetPage<T> {
  items: T[];
  /** Total count, when the app reports one (Mailchimp `total_items`). */
  total?: number;
}

/**
 * Pages of an offset/limit endpoint (Mailchimp `offset`/`count`). With a `total` it stops at the total or on an
 * empty page (a short page may just mean the app caps the page size); without one it stops on a short page. Do not use it over a set the sync itself changes while paging: rows shift between pages.
 */
export async function* paginateOffset<T>(
  fetchPage: (offset: number, limit: number) => Promise<OffsetPage<T>>,
  options: { pageSize: number; start?: number },
): AsyncGenerator<{ items: T[]; offset: number; total?: number }> {
  if (!(options.pageSize >= 1)) throw new RangeError('pageSize must be >= 1');
  let offset = options.start ?? 0;
  for (;;) {
    const { items, total } = await fetchPage(offset, options.pageSize);
    yield { items, offset, total };
    offset += items.length;
    if (items.length === 0) return;
    if (total !== undefined ? offset >= total : items.length < options.pageSize) return;
  }
}
