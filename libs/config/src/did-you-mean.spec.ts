import fc from 'fast-check';
import { TRANSFORM_NAMES } from '@tandem/core';
import { closest, didYouMean, levenshtein } from './did-you-mean.js';

describe('did-you-mean', () => {
  it('suggests phone_e164 for e164x', () => {
    expect(didYouMean('e164x', TRANSFORM_NAMES)).toBe(' (did you mean "phone_e164"?)');
  });

  it('suggests the key a typo came from', () => {
    expect(closest('shedule', ['members', 'match', 'schedule', 'debounce'])).toBe('schedule');
    expect(closest('tranform', ['transform', 'direction', 'type'])).toBe('transform');
  });

  it('suggests nothing for a name unlike every candidate', () => {
    expect(didYouMean('zzzzzz', ['email', 'phone'])).toBe('');
    expect(closest('c', ['a', 'b'])).toBeUndefined();
  });

  it('measures edit distance as a metric', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b, c) => {
        expect(levenshtein(a, a)).toBe(0);
        expect(levenshtein(a, b)).toBe(levenshtein(b, a));
        expect(levenshtein(a, c)).toBeLessThanOrEqual(levenshtein(a, b) + levenshtein(b, c));
      }),
    );
  });

  it('always finds a candidate that is spelled exactly', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 1, maxLength: 10 }), { minLength: 1, maxLength: 6 }), fc.nat(), (names, pick) => {
        const name = names[pick % names.length];
        expect(levenshtein(closest(name, names) ?? '', name)).toBe(0);
      }),
    );
  });
});
