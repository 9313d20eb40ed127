import { paginateCursor, paginateOffset, PaginationStuckError } from './pagination.js';

async function collect<T>(gen: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of gen) out.push(x);
  return out;
}

interface FakePage {
  results: number[];
  paging?: { next: { after: string } };
}

/** HubSpot-shaped pages over `total` items: `paging` is absent on the last page. */
function hubspotLike(total: number, size: number) {
  const calls: Array<string | null> = [];
  const fetchPage = async (after: string | null): Promise<FakePage> => {
    calls.push(after);
    const start = after === null ? 0 : Number(after);
    const results = Array.from({ length: Math.min(size, total - start) }, (_, i) => start + i);
    const end = start + results.length;
    return end < total ? { results, paging: { next: { after: String(end) } } } : { results };
  };
  return { fetchPage, calls };
}

describe('paginateCursor', () => {
  it('follows paging.next.after until the page without paging', async () => {
    const { fetchPage, calls } = hubspotLike(250, 100);
    const pages = await collect(paginateCursor(fetchPage, (p) => p.paging?.next.after));
    expect(pages.flatMap((p) => p.page.results)).toEqual(Array.from({ length: 250 }, (_, i) => i));
    expect(calls).toEqual([null, '100', '200']);
    expect(pages.map((p) => p.next)).toEqual(['100', '200', null]);
  });

  it('resumes from a saved cursor', async () => {
    const { fetchPage } = hubspotLike(250, 100);
    const pages = await collect(paginateCursor(fetchPage, (p) => p.paging?.next.after, { start: '200' }));
    expect(pages.flatMap((p) => p.page.results)).toHaveLength(50);
  });

  it('stops with an error when the app hands back the cursor it was given', async () => {
    const stuck = paginateCursor(
      async () => ({ next: 'same' }),
      (p) => p.next,
      { start: 'same' },
    );
    await expect(collect(stuck)).rejects.toBeInstanceOf(PaginationStuckError);
  });

  it('stops after maxPages', async () => {
    const { fetchPage } = hubspotLike(1_000, 10);
    expect(await collect(paginateCursor(fetchPage, (p) => p.paging?.next.after, { maxPages: 3 }))).toHaveLength(3);
  });
});

describe('paginateOffset', () => {
  const items = Array.from({ length: 23 }, (_, i) => `m${i}`);
  const mailchimpLike = (cap: number) => async (offset: number, count: number) => ({
    items: items.slice(offset, offset + Math.min(count, cap)),
    total: items.length,
  });

  it('reads every member with offset and count until total_items', async () => {
    const pages = await collect(paginateOffset(mailchimpLike(1_000), { pageSize: 10 }));
    expect(pages.map((p) => p.offset)).toEqual([0, 10, 20]);
    expect(pages.flatMap((p) => p.items)).toEqual(items);
  });

  it('keeps going when the app returns fewer than asked but reports more in total', async () => {
    const pages = await collect(paginateOffset(mailchimpLike(4), { pageSize: 10 }));
    expect(pages.flatMap((p) => p.items)).toEqual(items);
  });

  it('stops on a short page when the app gives no total', async () => {
    const fetchPage = async (offset: number, limit: number) => ({ items: items.slice(offset, offset + limit) });
    const pages = await collect(paginateOffset(fetchPage, { pageSize: 10 }));
    expect(pages.flatMap((p) => p.items)).toEqual(items);
    expect(pages).toHaveLength(3);
  });

  it('stops on an empty page even if the total claims more', async () => {
    const fetchPage = async () => ({ items: [] as string[], total: 5 });
    expect(await collect(paginateOffset(fetchPage, { pageSize: 10 }))).toHaveLength(1);
  });
});
