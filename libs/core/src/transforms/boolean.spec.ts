import fc from 'fast-check';
import { booleanTransform as boolean } from './boolean.js';

const RUNS = { numRuns: 1000 };

describe('boolean', () => {
  it.each([
    [true, true],
    [false, false],
    ['TRUE', true],
    [' yes ', true],
    ['Y', true],
    ['on', true],
    ['1', true],
    [1, true],
    ['t', true],
    ['False', false],
    ['NO', false],
    ['off', false],
    ['0', false],
    [0, false],
    ['n', false],
  ])('reads %j as %j', (raw, canonical) => {
    expect(boolean.toCanonical(raw, {})).toEqual({ ok: true, value: canonical });
  });

  it.each([['maybe'], ['2'], [2], ['yes please'], [{}], [['true']]])('does not guess at %j', (raw) => {
    expect(boolean.toCanonical(raw, {})).toMatchObject({ ok: false });
  });

  it.each([[null], [undefined], [''], [' ']])('reads the empty value %j as null', (raw) => {
    expect(boolean.toCanonical(raw, {})).toEqual({ ok: true, value: null });
  });

  it.each([
    [true, {}, true],
    [false, { format: 'boolean' }, false],
    [true, { format: 'string' }, 'true'],
    [false, { format: 'string' }, 'false'],
    [true, { format: 'number' }, 1],
    [false, { format: 'number' }, 0],
  ])('writes %j (options %j) as %j', (canonical, options, raw) => {
    expect(boolean.toRaw(canonical, options)).toBe(raw);
  });

  it('refuses an unknown format and accepts the known ones', () => {
    expect(boolean.checkOptions({ format: 'yes_no' })).toContain('format');
    expect(boolean.checkOptions({ format: 'number' })).toBeNull();
    expect(boolean.lossy({})).toBeNull();
  });

  it('round-trips both values through every app format', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.constantFrom('boolean', 'string', 'number'), (value, format) => {
        expect(boolean.toCanonical(boolean.toRaw(value, { format }), { format })).toEqual({ ok: true, value });
      }),
      RUNS,
    );
  });

  it('reads every accepted spelling in any case and padding', () => {
    const spellings = fc.constantFrom('true', 't', 'yes', 'y', 'on', '1', 'false', 'f', 'no', 'n', 'off', '0');
    fc.assert(
      fc.property(spellings, fc.boolean(), fc.constantFrom('', ' ', '\t', '\u00A0'), (word, shout, pad) => {
        const outcome = boolean.toCanonical(pad + (shout ? word.toUpperCase() : word) + pad, {});
        expect(outcome).toEqual({ ok: true, value: ['true', 't', 'yes', 'y', 'on', '1'].includes(word) });
      }),
      RUNS,
    );
  });
});
