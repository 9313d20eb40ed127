import fc from 'fast-check';
import { collect, hubspotKit, ids, lastCursor } from './hubspot.test-kit.js';

/** One round: edits (contact index, ms to wait before it; 0 makes ties), then a read from the last cursor. */
const round = fc.array(fc.record({ who: fc.nat({ max: 19 }), waitMs: fc.constantFrom(0, 0, 1, 7) }), { maxLength: 25 });

describe('HubSpot incremental reads (property)', () => {
  it('deliver every contact changed since the cursor exactly once, whatever the page size, window and ties', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(round, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 30 }),
        async (rounds, pageSize, windowCap) => {
          const kit = await hubspotKit({ searchResultCap: Math.max(pageSize, windowCap) });
          try {
            const people = kit.addContacts(20);
            kit.clock.advance(1_000);
            const connector = kit.connect({ pageSize, searchWindowCap: windowCap, searchLagMs: 0 });
            let cursor = lastCursor(await collect(connector, 'contacts', null));
            for (const [r, edits] of rounds.entries()) {
              kit.clock.advance(1);
              const touched = new Map<string, number>();
              for (const [n, { who, waitMs }] of edits.entries()) {
                kit.clock.advance(waitMs);
                kit.edit(people[who], `edit-${r}-${n}`);
                touched.set(people[who], kit.clock.now());
              }
              const pages = await collect(connector, 'contacts', cursor);
              // Expected order: by final modification time, then id.
              const expected = [...touched.entries()].sort((a, b) => a[1] - b[1] || Number(a[0]) - Number(b[0])).map(([id]) => id);
              expect(ids(pages)).toEqual(expected);
              cursor = lastCursor(pages, cursor);
            }
          } finally {
            await kit.close();
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});
