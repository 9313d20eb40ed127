import fc from 'fast-check';
import { getCountries, getCountryCallingCode, getExampleNumber, type CountryCode } from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/mobile/examples';
import { phoneE164Transform as phone } from './phone-e164.js';

const RUNS = { numRuns: 1000 };

describe('phone_e164 reading', () => {
  it.each([
    ['(212) 555-0101', {}, '+12125550101'],
    ['212.555.0101', {}, '+12125550101'],
    ['1-212-555-0101', {}, '+12125550101'],
    ['(555) 123-4567', {}, '+15551234567'],
    ['+1 (415) 555-0104', {}, '+14155550104'],
    ['555.123.4567 ext 12', {}, '+15551234567;ext=12'],
    ['(212) 555-0101 x 7', {}, '+12125550101;ext=7'],
    ['+44 20 7946 0958', {}, '+442079460958'],
    ['00 44 20 7946 0958', {}, '+442079460958'],
    ['0044 20 7946 0958', {}, '+442079460958'],
    ['011 44 20 7946 0958', {}, '+442079460958'],
    ['020 7946 0958', { region: 'GB' }, '+442079460958'],
    ['020 7946 0958', { region: 'gb' }, '+442079460958'],
    ['01 23 45 67 89', { region: 'FR' }, '+33123456789'],
    ['tel:+1-212-555-0101', {}, '+12125550101'],
    ['\u00A0+1 212 555 0101 ', {}, '+12125550101'],
    [2125550101, {}, '+12125550101'],
    ['+12125550101;ext=12', {}, '+12125550101;ext=12'],
  ])('reads %j (options %j) as %j', (raw, options, canonical) => {
    expect(phone.toCanonical(raw, options)).toEqual({ ok: true, value: canonical });
  });

  it.each([['n/a'], ['123'], ['call me'], ['2125550101 call me'], ['+1212555010112345'], ['+999 1234567'], [true], [{ number: '2125550101' }]])(
    'does not observe %j, which is not a phone number',
    (raw) => {
      const outcome = phone.toCanonical(raw, {});
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) expect(outcome.reason).not.toContain(String(raw));
    },
  );

  it('accepts a fictional 555 number by default and refuses it under strict', () => {
    expect(phone.toCanonical('(555) 123-4567', { strict: true })).toMatchObject({ ok: false });
    expect(phone.toCanonical('(212) 555-0101', { strict: true })).toEqual({ ok: true, value: '+12125550101' });
  });

  it('does not observe anything under an unknown region, and says why', () => {
    expect(phone.toCanonical('(212) 555-0101', { region: 'XX' })).toEqual({ ok: false, reason: expect.stringContaining('region') });
  });

  it.each([[null], [''], ['  ']])('reads the empty value %j as null', (raw) => {
    expect(phone.toCanonical(raw, {})).toEqual({ ok: true, value: null });
  });

  // Outcomes are remembered for the process (keyed by the text before cleaning): a remembered outcome must never
  // leak across regions, strictness or spellings.
  it('reads the same text by its own region each time, whichever region read it first', () => {
    expect(phone.toCanonical('020 7946 0958', { region: 'GB' })).toEqual({ ok: true, value: '+442079460958' });
    expect(phone.toCanonical('020 7946 0958', {})).toMatchObject({ ok: false });
    expect(phone.toCanonical('020 7946 0958', { region: 'gb' })).toEqual({ ok: true, value: '+442079460958' });
    expect(phone.toCanonical('01 23 45 67 88', {})).not.toEqual({ ok: true, value: '+33123456788' });
    expect(phone.toCanonical('01 23 45 67 88', { region: 'FR' })).toEqual({ ok: true, value: '+33123456788' });
  });

  it('reads the same text under strict and lax rules each by its own rule, in either order', () => {
    expect(phone.toCanonical('(555) 123-4568', {})).toEqual({ ok: true, value: '+15551234568' });
    expect(phone.toCanonical('(555) 123-4568', { strict: true })).toMatchObject({ ok: false });
    expect(phone.toCanonical('(555) 123-4569', { strict: true })).toMatchObject({ ok: false });
    expect(phone.toCanonical('(555) 123-4569', {})).toEqual({ ok: true, value: '+15551234569' });
  });

  it('reads a number and its spellings with spaces or no-break spaces around it alike', () => {
    for (const raw of [2125550102, '2125550102', ' 2125550102', '\u00A02125550102\u200B', '2125550102 ']) {
      expect(phone.toCanonical(raw, {})).toEqual({ ok: true, value: '+12125550102' });
    }
    expect(phone.toCanonical('\u00A0 \u200B', {})).toEqual({ ok: true, value: null });
  });
});

describe('phone_e164 writing', () => {
  it.each([
    ['+12125550101', {}, '+12125550101'],
    ['+12125550101', { format: 'e164' }, '+12125550101'],
    ['+12125550101', { format: 'national' }, '(212) 555-0101'],
    ['+12125550101', { format: 'international' }, '+1 212 555 0101'],
    ['+12125550101;ext=12', { format: 'national' }, '(212) 555-0101 ext. 12'],
    ['+442079460958', { format: 'national', region: 'GB' }, '020 7946 0958'],
    ['+442079460958', { format: 'national' }, '+44 20 7946 0958'],
  ])('writes %j (options %j) as %j', (canonical, options, raw) => {
    expect(phone.toRaw(canonical, options)).toBe(raw);
  });

  it('writes a value it cannot parse unchanged rather than clearing the field', () => {
    expect(phone.toRaw('not a number', { format: 'national' })).toBe('not a number');
  });
});

describe('phone_e164 options', () => {
  it.each([
    [{}, null],
    [{ region: 'GB', format: 'national', strict: true }, null],
    [{ region: 'Narnia' }, 'region'],
    [{ format: 'local' }, 'format'],
    [{ strict: 'yes' }, 'strict'],
  ])('checks the options %j', (options, problem) => {
    const found = phone.checkOptions(options);
    if (problem === null) expect(found).toBeNull();
    else expect(found).toContain(problem);
  });

  it('is never lossy: a foreign number is written internationally under national', () => {
    expect(phone.lossy({ format: 'national' })).toBeNull();
  });
});

/** Possible numbers from every region: a real example number with its last digits replaced. */
const possibleNumbers = fc
  .tuple(fc.constantFrom(...getCountries()), fc.integer({ min: 0, max: 9999 }), fc.option(fc.integer({ min: 1, max: 99999 }), { nil: undefined }))
  .map(([country, tail, ext]) => {
    const example = getExampleNumber(country, examples);
    if (!example) return null;
    const digits = example.number.slice(0, -4) + String(tail).padStart(4, '0');
    const canonical = phone.toCanonical(ext === undefined ? digits : `${digits} ext ${ext}`, { region: country });
    return canonical.ok && typeof canonical.value === 'string' ? { country, canonical: canonical.value } : null;
  })
  .filter((n): n is { country: CountryCode; canonical: string } => n !== null);

describe('phone_e164 properties', () => {
  it('reads its own canonical numbers back unchanged, from every region', () => {
    fc.assert(
      fc.property(possibleNumbers, fc.constantFrom<CountryCode>('US', 'GB', 'DE', 'IN'), ({ canonical }, region) => {
        expect(phone.toCanonical(canonical, { region })).toEqual({ ok: true, value: canonical });
      }),
      RUNS,
    );
  });

  it('writes a Tristan da Cunha number internationally when its national form would not read back in region TA', () => {
    const raw = phone.toRaw('+2900010', { region: 'TA', format: 'national' });
    expect(phone.toCanonical(raw, { region: 'TA' })).toEqual({ ok: true, value: '+2900010' });
  });

  it('reads back what it wrote in each format, for the app region and for foreign numbers', () => {
    fc.assert(
      fc.property(possibleNumbers, fc.constantFrom('e164', 'national', 'international'), fc.boolean(), ({ country, canonical }, format, local) => {
        const region = local ? country : country === 'US' ? 'GB' : 'US';
        const raw = phone.toRaw(canonical, { region, format });
        expect(phone.toCanonical(raw, { region })).toEqual({ ok: true, value: canonical });
      }),
      RUNS,
    );
  });

  it('keeps the calling code of the number it read', () => {
    fc.assert(
      fc.property(possibleNumbers, ({ country, canonical }) => {
        expect(canonical.startsWith(`+${getCountryCallingCode(country)}`)).toBe(true);
      }),
      RUNS,
    );
  });
});
