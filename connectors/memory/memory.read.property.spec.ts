/**
 * Property: incremental reads over records that share timestamps, with random page sizes, search windows,
 * read lag and edits interleaved between pages, never skip a record version and always terminate.
 *
 * Every cursor a read hands out is remembered with the versions delivered up to it. At any moment, a
 * read run to the end from ANY remembered cursor, plus what was delivered before that cursor, must hold
 * the current version of every record; and a second read right after it must deliver nothing.
 */
import fc from 'fast-check';
import type { Cursor, DeleteMode, ReadPage } from '@tandem/connector-sdk';
import { MemoryClock, MemoryApp } from './memory.app.js';
import type { SearchPage, SearchRequest } from './memory.types.js';
import { MemoryConnector } from './memory.connector.js';

type Delivered = Map<string, Set<string>>;

interface Remembered {
  cursor: Cursor | null;
  delivered: Delivered;
}

interface Reader {
  pages: AsyncIterator<ReadPage>;
  delivered: Delivered;
}

type Action =
  | { kind: 'start'; slot: number; from: number }
  | { kind: 'page'; slot: number }
  | { kind: 'edit'; pick: number }
  | { kind: 'create' }
  | { kind: 'delete'; pick: number }
  | { kind: 'tick'; ms: number }
  | { kind: 'verify'; from: number };

function copy(delivered: Delivered): Delivered {
  return new Map([...delivered].map(([id, versions]) => [id, new Set(versions)]));
}

function note(delivered: Delivered, page: ReadPage): void {
  for (const record of page.records) {
    const versions = delivered.get(record.id) ?? new Set<string>();
    versions.add(String(record.version));
    delivered.set(record.id, versions);
  }
}

/** Counts app search calls so that a read that never ends fails instead of hanging. */
function guardSearches(app: MemoryApp): { reset: (limit: number) => void } {
  const search = app.search.bind(app);
  let left = Infinity;
  app.search = (request: SearchRequest): SearchPage => {
    if (--left < 0) throw new Error('read did not terminate');
    return search(request);
  };
  return { reset: (limit) => (left = limit) };
}

class Harness {
  readonly clock = new MemoryClock();
  readonly app: MemoryApp;
  readonly connector: MemoryConnector;
  readonly remembered: Remembered[] = [{ cursor: null, delivered: new Map() }];
  readonly readers: Array<Reader | undefined> = [];
  private readonly guard: { reset: (limit: number) => void };
  private serial = 0;

  constructor(
    pageSize: number,
    windowLimit: number | null,
    private readonly lag: number,
    private readonly deletes: DeleteMode,
  ) {
    this.app = new MemoryApp({ clock: this.clock.now, pageSize, windowLimit, readLagMs: lag });
    this.connector = new MemoryConnector(this.app, { deletes });
    this.guard = guardSearches(this.app);
  }

  live(): string[] {
    return Object.keys(this.app.snapshot());
  }

  create(): void {
    this.app.userCreate({ email: `p${++this.serial}@example.test`, firstname: 'x' });
  }

  async run(action: Action): Promise<void> {
    const live = this.live();
    switch (action.kind) {
      case 'start': {
        const from = this.remembered[action.from % this.remembered.length];
        this.readers[action.slot] = {
          pages: this.connector.read('contacts', from.cursor)[Symbol.asyncIterator](),
          delivered: copy(from.delivered),
        };
        return;
      }
      case 'page':
        return this.pull(action.slot);
      case 'edit':
        if (live.length > 0) this.app.userEdit(live[action.pick % live.length], { firstname: `e${++this.serial}` });
        return;
      case 'create':
        return this.create();
      case 'delete':
        if (live.length > 0) this.app.userDelete(live[action.pick % live.length]);
        return;
      case 'tick':
        this.clock.advance(action.ms);
        return;
      case 'verify':
        return this.verify(this.remembered[action.from % this.remembered.length]);
    }
  }

  private async pull(slot: number): Promise<void> {
    const reader = this.readers[slot];
    if (!reader) return;
    this.guard.reset(this.searchBound());
    const step = await reader.pages.next();
    if (step.done) {
      this.readers[slot] = undefined;
      return;
    }
    note(reader.delivered, step.value);
    this.remembered.push({ cursor: step.value.cursor, delivered: copy(reader.delivered) });
  }

  /** Reads from `from` to the end with nothing else happening, and checks nothing was skipped. */
  private async verify(from: Remembered): Promise<void> {
    if (this.lag > 0) this.clock.advance(this.lag + 1);
    const pages = await this.readToEnd(from.cursor);
    const delivered = copy(from.delivered);
    pages.forEach((page) => note(delivered, page));
    for (const record of this.app.records()) {
      if (record.deleted && this.deletes !== 'signal') continue;
      expect({ id: record.id, delivered: delivered.get(record.id)?.has(String(record.seq)) ?? false }).toEqual({
        id: record.id,
        delivered: true,
      });
    }
    const versions = pages.flatMap((p) => p.records.map((r) => `${r.id}@${r.version}`));
    expect(new Set(versions).size).toBe(versions.length);
    if (from.cursor === null) expect(pages[pages.length - 1].complete).toBe(true);
    const again = await this.readToEnd(pages[pages.length - 1].cursor);
    expect(again.flatMap((p) => p.records)).toEqual([]);
  }

  /** Search calls one read may need: a window that serves nothing new still moves the anchor on. */
  private searchBound(): number {
    return 3 * (this.app.records().length + 2) + 5;
  }

  private async readToEnd(cursor: Cursor | null): Promise<ReadPage[]> {
    this.guard.reset(this.searchBound());
    const pages: ReadPage[] = [];
    for await (const page of this.connector.read('contacts', cursor)) pages.push(page);
    return pages;
  }
}

const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('start' as const), slot: fc.nat(1), from: fc.nat() }) },
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('page' as const), slot: fc.nat(1) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('edit' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('create' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 2 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('verify' as const), from: fc.nat() }) },
);

describe('memory connector incremental reads (property)', () => {
  it('never skips an edited record and never re-reads forever, from null or any intermediate cursor', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          initial: fc.array(fc.constantFrom(0, 0, 0, 1), { maxLength: 25, size: 'max' }), // mostly shared timestamps
          pageSize: fc.integer({ min: 1, max: 6 }),
          windowLimit: fc.option(fc.integer({ min: 1, max: 8 }), { nil: null }),
          lag: fc.constantFrom(0, 0, 3),
          deletes: fc.constantFrom<DeleteMode>('signal', 'complete-read'),
          actions: fc.array(action, { maxLength: 60, size: 'max' }),
        }),
        async ({ initial, pageSize, windowLimit, lag, deletes, actions }) => {
          const harness = new Harness(pageSize, windowLimit, lag, deletes);
          for (const step of initial) {
            harness.clock.advance(step);
            harness.create();
          }
          for (const next of actions) await harness.run(next);
          for (const from of harness.remembered)
            await harness.run({ kind: 'verify', from: harness.remembered.indexOf(from) });
        },
      ),
      { numRuns: 500 },
    );
  });
});
