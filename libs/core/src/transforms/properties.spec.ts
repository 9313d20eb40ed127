import fc from 'fast-check';
import { TRANSFORM_NAMES, type TransformName } from '../model.js';
import { getTransform, TRANSFORMS } from './index.js';

const RUNS = { numRuns: 1000 };

/** Option sets each transform is exercised under (per-app formats and regions included). */
const OPTIONS: Record<TransformName, Record<string, unknown>[]> = {
  email: [{}],
  trim: [{}],
  lowercase: [{}],
  uppercase: [{}],
  phone_e164: [{}, { region: 'GB' }, { region: 'DE', strict: true }, { format: 'national' }],
  date: [{}, { format: 'epoch_ms' }, { format: 'epoch_s' }, { format: 'DD/MM/YYYY' }, { format: 'MM/DD' }, { format: 'YYYY-MM-DD HH:mm' }, { format: 'YYYYMMDD' }],
  number: [{}, { decimals: 2 }, { decimals: 0, format: 'string' }],
  boolean: [{}, { format: 'number' }],
};

/** Fragments of real-world values, so that random strings often come close to something readable. */
const FRAGMENTS = ['0', '1', '12', '2023', '555', '+', '+1', '+44', '00', '(', ')', '-', '.', ',', '/', ':', ' ', '\u00A0', '@', 'a', 'Ä', 'ext', 'x', 'T', 'Z', 'e', 'yes', 'İ', 'ß', '\u0301', '--'];
const messy = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 12 }).map((parts) => parts.join(''));
const anyRaw = fc.oneof(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), messy, fc.anything());

const pad = fc.constantFrom('', ' ', '\u00A0', '\t');
const shout = (text: string, upper: boolean): string => (upper ? text.toUpperCase() : text);
const instant = fc.date({ min: new Date('0000-01-01T00:00:00.000Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true });
const usPhone = fc
  .tuple(fc.integer({ min: 200, max: 999 }), fc.integer({ min: 200, max: 999 }), fc.integer({ min: 0, max: 9999 }))
  .map(([area, exchange, line]) => [area, exchange, String(line).padStart(4, '0')]);

/** Values each transform must read (valid input in the spellings apps produce). */
const VALID: Record<TransformName, fc.Arbitrary<unknown>> = {
  email: fc.tuple(fc.emailAddress(), fc.boolean(), pad).map(([address, upper, p]) => p + shout(address, upper) + p),
  trim: fc.tuple(fc.string({ unit: 'grapheme', minLength: 1 }), pad).map(([text, p]) => p + text + p),
  lowercase: fc.string({ unit: 'grapheme', minLength: 1 }),
  uppercase: fc.string({ unit: 'grapheme', minLength: 1 }),
  phone_e164: fc.tuple(usPhone, fc.constantFrom('(a) b-c', 'a.b.c', '+1 a b c', '1-a-b-c', 'a b c ext 9')).map(([[a, b, c], shape]) =>
    shape.replace('a', String(a)).replace('b', String(b)).replace('c', String(c)),
  ),
  date: fc.oneof(
    instant.map((d) => d.toISOString()),
    instant.map((d) => d.toISOString().slice(0, 10)),
    instant.map((d) => d.getTime()),
  ),
  number: fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer().map((n) => ` ${n.toLocaleString('en-US')} `)),
  boolean: fc.tuple(fc.constantFrom('true', 'no', 'ON', '1', '0', 'Y'), pad).map(([word, p]) => p + word + p),
};

/** Unreadable values that look like personal data: broken addresses and phone numbers, names. */
const personalish = fc.oneof(
  fc.emailAddress().map((address) => `${address} @x`),
  usPhone.map(([a, b, c]) => `(${a}) ${b}-${c} call after 5`),
  fc.string({ unit: 'grapheme', minLength: 8 }).filter((text) => text.trim().length >= 8),
);

describe('transform registry', () => {
  it('has one transform for every configurable name, under that name', () => {
    for (const name of TRANSFORM_NAMES) expect(getTransform(name)?.name).toBe(name);
    expect(Object.keys(TRANSFORMS).sort()).toEqual([...TRANSFORM_NAMES].sort());
  });

  it.each([['phone'], ['Email'], ['toString'], ['__proto__'], ['constructor']])('knows no transform called %j', (name) => {
    expect(getTransform(name)).toBeUndefined();
  });

  it.each(TRANSFORM_NAMES.map((name) => [name]))('%s accepts its default options and names only options it checks', (name) => {
    const transform = TRANSFORMS[name];
    expect(transform.checkOptions({})).toBeNull();
    expect(transform.lossy({})).toBeNull();
    expect(new Set(transform.optionNames).size).toBe(transform.optionNames.length);
  });

  it.each(TRANSFORM_NAMES.map((name) => [name]))('%s reads null, undefined and the empty string as empty', (name) => {
    for (const raw of [null, undefined, '']) expect(TRANSFORMS[name].toCanonical(raw, {})).toEqual({ ok: true, value: null });
  });
});

describe('transform idempotence', () => {
  it.each(TRANSFORM_NAMES.map((name) => [name]))('%s reads its own output of any raw value back unchanged', (name) => {
    const transform = TRANSFORMS[name];
    fc.assert(
      fc.property(anyRaw, fc.constantFrom(...OPTIONS[name]), (raw, options) => {
        const first = transform.toCanonical(raw, options);
        if (!first.ok) return;
        expect(transform.toCanonical(first.value, options)).toEqual(first);
      }),
      RUNS,
    );
  });

  it.each(TRANSFORM_NAMES.map((name) => [name]))('%s reads generated valid values, and reads its output back unchanged', (name) => {
    const transform = TRANSFORMS[name];
    fc.assert(
      fc.property(VALID[name], (raw) => {
        const first = transform.toCanonical(raw, {});
        expect(first.ok).toBe(true);
        expect(transform.toCanonical(first.ok ? first.value : null, {})).toEqual(first);
      }),
      RUNS,
    );
  });

  it.each(TRANSFORM_NAMES.map((name) => [name]))('%s gives reasons that never quote the value it could not read', (name) => {
    const transform = TRANSFORMS[name];
    fc.assert(
      fc.property(personalish, fc.constantFrom(...OPTIONS[name]), (raw, options) => {
        const outcome = transform.toCanonical(raw, options);
        if (!outcome.ok) expect(outcome.reason).not.toContain(raw.trim());
      }),
      RUNS,
    );
  });
});
