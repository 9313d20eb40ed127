import fc from 'fast-check';
import { WebhookPayloadError } from './errors.js';
import { arrayOf, bool, checkShape, dict, either, fitShape, id, nullable, num, object, optional, recordOf, str } from './shape.js';

const fail = (problem: string) => new WebhookPayloadError(problem);

const page = object({
  results: arrayOf(object({ id, properties: recordOf(nullable(str)), archived: optional(bool) })),
  paging: optional(object({ next: optional(object({ after: optional(str) })) })),
  total: optional(num),
});

describe('shapes of untrusted JSON', () => {
  it('gives back a fitting body typed, ids as strings, absent and null optional keys dropped, other keys kept', () => {
    const body = { results: [{ id: 7, properties: { email: null, plan: 'gold' }, archived: null, extra: 1 }], total: 1 };
    expect(checkShape(page, body, fail)).toEqual({
      results: [{ id: '7', properties: { email: null, plan: 'gold' }, extra: 1 }],
      total: 1,
    });
  });

  it('names where a body went wrong and what was expected, never the value found', () => {
    const body = { results: [{ id: 'a', properties: {} }, { id: 'b', properties: { email: { v: 'ada@example.test' } } }] };
    const error = (() => {
      try {
        return checkShape(page, body, fail);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(WebhookPayloadError);
    expect((error as Error).message).toBe('results[1].properties.email is not a string');
    expect((error as Error).message).not.toContain('ada');
  });

  it('refuses a list where a list of ids is expected to hold anything else', () => {
    expect(() => checkShape(arrayOf(id), [1, '', 2], fail)).toThrow('[1] is not an id');
    expect(() => checkShape(object({ merged: optional(arrayOf(id)) }), { merged: 0 }, fail)).toThrow('merged is not a list');
  });

  it('accepts either of two forms and says which forms it expected otherwise', () => {
    const option = either(str, object({ value: str }), 'an option');
    expect(checkShape(arrayOf(option), ['a', { value: 'b' }], fail)).toEqual(['a', { value: 'b' }]);
    expect(() => checkShape(arrayOf(option), [3], fail)).toThrow('[0] is not an option');
  });

  it('says undefined instead of throwing when a body is only a hint', () => {
    expect(fitShape(dict, 'text')).toBeUndefined();
    expect(fitShape(dict, { a: 1 })).toEqual({ a: 1 });
  });

  it('answers any JSON value with a typed body or the chosen error, never another exception', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
        try {
          checkShape(page, value, fail);
        } catch (error) {
          expect(error).toBeInstanceOf(WebhookPayloadError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
