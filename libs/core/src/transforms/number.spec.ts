import fc from 'fast-check';
import { numberTransform as number } from './number.js';

const RUNS = { numRuns: 1000 };
const finite = fc.double({ noNaN: true, noDefaultInfinity: true });

describe('number reading', () => {
  it.each([
    ['1,234.50', {}, 1234.5],
    [' 17 ', {}, 17],
    ['\u00A042\u00A0', {}, 42],
    ['-3.25', {}, -3.25],
    ['+4', {}, 4],
    ['.5', {}, 0.5],
    ['5.', {}, 5],
    ['1e3', {}, 1000],
    ['1,000,000', {}, 1000000],
    ['-0', {}, 0],
    [12.5, {}, 12.5],
    [-0, {}, 0],
    ['9.999', { decimals: 2 }, 10],
    ['1234.5678', { decimals: 2 }, 1234.57],
    [2.5, { decimals: 0 }, 3],
  ])('reads %j (options %j) as %j', (raw, options, canonical) => {
    expect(number.toCanonical(raw, options)).toEqual({ ok: true, value: canonical });
  });

  it.each([['abc'], ['NaN'], ['Infinity'], ['1,2'], ['1,5'], ['12,34.5'], ['$5'], ['5%'], ['0x10'], ['.'], ['e5'], ['1 000'], [Number.NaN], [Infinity], [true], [[1]]])(
    'does not observe %j, which is not a plain finite number',
    (raw) => {
      expect(number.toCanonical(raw, {})).toMatchObject({ ok: false });
    },
  );

  it.each([[null], [undefined], [''], ['   ']])('reads the empty value %j as null', (raw) => {
    expect(number.toCanonical(raw, {})).toEqual({ ok: true, value: null });
  });

  it('makes a price HubSpot stores as text equal to the same price stored as a number', () => {
    expect(number.toCanonical('1,234.50', { decimals: 2 })).toEqual(number.toCanonical(1234.5, { decimals: 2 }));
  });
});

describe('number writing and options', () => {
  it.each([
    [1234.5, {}, 1234.5],
    [1234.5, { format: 'string' }, '1234.5'],
    [1234.5, { format: 'string', decimals: 2 }, '1234.50'],
    [7, { format: 'number', decimals: 2 }, 7],
  ])('writes %j (options %j) as %j', (canonical, options, raw) => {
    expect(number.toRaw(canonical, options)).toEqual(raw);
  });

  it.each([
    [{ decimals: -1 }, 'decimals'],
    [{ decimals: 1.5 }, 'decimals'],
    [{ decimals: '2' }, 'decimals'],
    [{ format: 'text' }, 'format'],
  ])('refuses the options %j', (options, problem) => {
    expect(number.checkOptions(options)).toContain(problem);
  });

  it('accepts absent and valid options and is never lossy', () => {
    expect(number.checkOptions({})).toBeNull();
    expect(number.checkOptions({ decimals: 2, format: 'string' })).toBeNull();
    expect(number.lossy({ decimals: 0 })).toBeNull();
  });
});

describe('number properties', () => {
  it('reads any finite number back as itself (with -0 as 0)', () => {
    fc.assert(
      fc.property(finite, (value) => {
        expect(number.toCanonical(value, {})).toEqual({ ok: true, value: value === 0 ? 0 : value });
      }),
      RUNS,
    );
  });

  it('round-trips canonical numbers through both app formats, with and without decimals', () => {
    const decimals = fc.option(fc.integer({ min: 0, max: 15 }), { nil: undefined });
    fc.assert(
      fc.property(finite, decimals, fc.constantFrom('number', 'string'), (value, places, format) => {
        const options = places === undefined ? { format } : { format, decimals: places };
        const canonical = number.toCanonical(value, options);
        expect(canonical.ok).toBe(true);
        if (!canonical.ok) return;
        expect(number.toCanonical(number.toRaw(canonical.value, options), options)).toEqual(canonical);
      }),
      RUNS,
    );
  });

  it('reads thousands-separated text as the plain number', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.integer({ min: 0, max: 99 }), (whole, cents) => {
        const grouped = whole.toLocaleString('en-US');
        const text = `${grouped}.${String(cents).padStart(2, '0')}`;
        expect(number.toCanonical(text, {})).toEqual({ ok: true, value: Number(`${whole}.${String(cents).padStart(2, '0')}`) });
      }),
      RUNS,
    );
  });
});
