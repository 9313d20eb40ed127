import fc from 'fast-check';
import { BatchTooLargeError, checkBatchSize, chunks } from './batches.js';

describe('chunks', () => {
  it('splits 250 ids into calls of 100, 100 and 50', () => {
    const ids = Array.from({ length: 250 }, (_, i) => String(i));
    expect(chunks(ids, 100).map((c) => c.length)).toEqual([100, 100, 50]);
  });

  it('keeps every item once, in order, in runs no longer than the size', () => {
    fc.assert(
      fc.property(fc.array(fc.integer()), fc.integer({ min: 1, max: 20 }), (items, size) => {
        const runs = chunks(items, size);
        expect(runs.flat()).toEqual(items);
        expect(runs.every((run) => run.length >= 1 && run.length <= size)).toBe(true);
      }),
    );
  });

  it('refuses a size that would never end', () => {
    expect(() => chunks([1], 0)).toThrow(RangeError);
  });
});

describe('checkBatchSize', () => {
  it('refuses a write larger than the connector declared, naming both sizes', () => {
    expect(() => checkBatchSize('zendesk', 100, 100)).not.toThrow();
    const attempt = () => checkBatchSize('zendesk', 101, 100);
    expect(attempt).toThrow(BatchTooLargeError);
    expect(attempt).toThrow(expect.objectContaining({ code: 'CONNECTOR_BATCH_TOO_LARGE', details: { size: 101, maxBatch: 100 } }));
  });
});
