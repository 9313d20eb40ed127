import fc from 'fast-check';
import { dateTransform as date } from './date.js';

const RUNS = { numRuns: 1000 };

describe('date reading', () => {
  it.each([
    ['2023-04-12', {}, '2023-04-12'],
    [' 2023-04-12 ', {}, '2023-04-12'],
    ['2023-04-12T09:30:00Z', {}, '2023-04-12T09:30:00.000Z'],
    ['2023-04-12T09:30:00.123456Z', {}, '2023-04-12T09:30:00.123Z'],
    ['2023-04-12 09:30', {}, '2023-04-12T09:30:00.000Z'],
    ['2023-04-12T11:30:00+02:00', {}, '2023-04-12T09:30:00.000Z'],
    ['2023-04-12T04:30:00-0500', {}, '2023-04-12T09:30:00.000Z'],
    ['2023-04-12T00:00:00.000Z', {}, '2023-04-12'],
    ['2023-04-12T01:00:00+01:00', {}, '2023-04-12'],
    ['2024-02-29', {}, '2024-02-29'],
    ['0099-01-01', {}, '0099-01-01'],
    ['--02-29', {}, '--02-29'],
    ['2023-04', {}, '2023-04'],
    [1681257600000, {}, '2023-04-12'],
    [1681291800000, { format: 'epoch_ms' }, '2023-04-12T09:30:00.000Z'],
    ['1681257600000', { format: 'epoch_ms' }, '2023-04-12'],
    [1681257600, { format: 'epoch_s' }, '2023-04-12'],
    ['1681291800', { format: 'epoch_s' }, '2023-04-12T09:30:00.000Z'],
    ['2023-04-12', { format: 'epoch_ms' }, '2023-04-12'],
    [new Date(Date.UTC(2023, 3, 12, 9, 30)), {}, '2023-04-12T09:30:00.000Z'],
    ['12/04/2023', { format: 'DD/MM/YYYY' }, '2023-04-12'],
    ['4/12/2023', { format: 'MM/DD/YYYY' }, '2023-04-12'],
    ['12.4.2023 9:30', { format: 'DD.MM.YYYY HH:mm' }, '2023-04-12T09:30:00.000Z'],
    ['20230412', { format: 'YYYYMMDD' }, '2023-04-12'],
    ['2023-04-12', { format: 'DD/MM/YYYY' }, '2023-04-12'],
    ['2023-04-12', { format: 'date' }, '2023-04-12'],
    ['04/12', { format: 'MM/DD' }, '--04-12'],
    ['04/2023', { format: 'MM/YYYY' }, '2023-04'],
  ])('reads %j (options %j) as %j', (raw, options, canonical) => {
    expect(date.toCanonical(raw, options)).toEqual({ ok: true, value: canonical });
  });

  it.each([
    ['2023-02-30', {}],
    ['2023-02-29', {}],
    ['2023-13-01', {}],
    ['2023-04-12T24:00:00Z', {}],
    ['2023-04-12T09:60:00Z', {}],
    ['--02-30', {}],
    ['31/04/2023', { format: 'DD/MM/YYYY' }],
    ['04/12/2023', {}],
    ['12 April 2023', {}],
    ['yesterday', {}],
    ['1681257600000', {}],
    [Number.NaN, {}],
    [new Date(Number.NaN), {}],
    [8.64e15 * 2, {}],
    [true, {}],
  ])('does not observe %j (options %j), which is not a real date in the format', (raw, options) => {
    expect(date.toCanonical(raw, options)).toMatchObject({ ok: false });
  });

  it.each([[null], [undefined], [''], ['  ']])('reads the empty value %j as null', (raw) => {
    expect(date.toCanonical(raw, { format: 'DD/MM/YYYY' })).toEqual({ ok: true, value: null });
  });

  it('makes HubSpot midnight epoch dates equal to plain ISO dates', () => {
    const hubspot = date.toCanonical(1681257600000, { format: 'epoch_ms' });
    expect(hubspot).toEqual(date.toCanonical('12/04/2023', { format: 'DD/MM/YYYY' }));
    expect(hubspot).toEqual(date.toCanonical('2023-04-12', {}));
  });
});

describe('date writing', () => {
  it.each([
    ['2023-04-12', {}, '2023-04-12'],
    ['2023-04-12', { format: 'epoch_ms' }, 1681257600000],
    ['2023-04-12T09:30:00.999Z', { format: 'epoch_s' }, 1681291800],
    ['2023-04-12T09:30:00.000Z', { format: 'date' }, '2023-04-12'],
    ['2023-04-02', { format: 'DD/MM/YYYY' }, '02/04/2023'],
    ['2023-04-02T07:05:09.000Z', { format: 'MM/DD/YYYY HH:mm:ss' }, '04/02/2023 07:05:09'],
    ['1990-04-12', { format: 'MM/DD' }, '04/12'],
    ['--04-12', { format: 'MM/DD' }, '04/12'],
    ['--04-12', { format: 'DD/MM/YYYY' }, '--04-12'],
    ['--04-12', { format: 'epoch_ms' }, '--04-12'],
    ['not a date', { format: 'epoch_ms' }, 'not a date'],
  ])('writes %j (options %j) as %j', (canonical, options, raw) => {
    expect(date.toRaw(canonical, options)).toEqual(raw);
  });
});

describe('date options', () => {
  it.each([['MM/DD', 'has no year'], ['DD.MM', 'has no year'], ['MM/YYYY', 'has no day'], ['YYYY', 'has no day']])(
    'calls the format %j lossy because it %s',
    (format, reason) => {
      expect(date.lossy({ format })).toContain(reason);
    },
  );

  it.each([['iso'], ['epoch_ms'], ['epoch_s'], ['date'], ['DD/MM/YYYY'], ['YYYY-MM-DDTHH:mm:ss']])('calls the format %j safe both ways', (format) => {
    expect(date.lossy({ format })).toBeNull();
    expect(date.checkOptions({ format })).toBeNull();
  });

  it.each([
    ['DD/MM/YY', 'unknown token'],
    ['dd/mm/yyyy', 'unknown token'],
    ['DD/DD/YYYY', 'repeats'],
    ['DD/YYYY', 'full date'],
    ['MM/DD HH:mm', 'only add HH'],
    ['YYYY-MM-DD mm', 'only add HH'],
    ['YYYY-DD-MM', 'another meaning'],
  ])('refuses the format %j (%s)', (format, problem) => {
    expect(date.checkOptions({ format })).toContain(problem);
    expect(date.toCanonical('2023-04-12', { format })).toMatchObject({ ok: false });
  });

  it('refuses a format that is not a string', () => {
    expect(date.checkOptions({ format: 12 })).toContain('string');
  });
});

const instants = fc.date({ min: new Date('0000-01-01T00:00:00.000Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true });
const days = instants.map((d) => d.toISOString().slice(0, 10));
/** The canonical form of an instant, worked out independently of the transform: date only at midnight UTC. */
const canonicalOf = (d: Date): string => (d.getTime() % 86_400_000 === 0 ? d.toISOString().slice(0, 10) : d.toISOString());
const truncated = (unitMs: number) => instants.map((d) => canonicalOf(new Date(Math.floor(d.getTime() / unitMs) * unitMs)));
const canonicalInstants = fc.oneof(days, instants.map(canonicalOf));
const wholeSeconds = truncated(1000);
const wholeMinutes = truncated(60_000);

describe('date properties', () => {
  it('reads its own canonical values back unchanged in every format', () => {
    const formats = fc.constantFrom('iso', 'epoch_ms', 'epoch_s', 'date', 'DD/MM/YYYY', 'MM/DD/YYYY HH:mm', 'MM/DD', 'MM/YYYY', 'YYYY');
    fc.assert(
      fc.property(canonicalInstants, formats, (canonical, format) => {
        expect(date.toCanonical(canonical, { format })).toEqual({ ok: true, value: canonical });
      }),
      RUNS,
    );
  });

  it('round-trips instants through iso and epoch_ms', () => {
    fc.assert(
      fc.property(canonicalInstants, fc.constantFrom('iso', 'epoch_ms'), (canonical, format) => {
        expect(date.toCanonical(date.toRaw(canonical, { format }), { format })).toEqual({ ok: true, value: canonical });
      }),
      RUNS,
    );
  });

  it('round-trips whole seconds through epoch_s and a pattern with seconds', () => {
    fc.assert(
      fc.property(wholeSeconds, fc.constantFrom('epoch_s', 'YYYY-MM-DD HH:mm:ss', 'DD.MM.YYYY HH:mm:ss'), (canonical, format) => {
        expect(date.toCanonical(date.toRaw(canonical, { format }), { format })).toEqual({ ok: true, value: canonical });
      }),
      RUNS,
    );
  });

  it('round-trips whole minutes through a pattern with minutes', () => {
    fc.assert(
      fc.property(wholeMinutes, fc.constantFrom('MM/DD/YYYY HH:mm', 'YYYY-MM-DDTHH:mm'), (canonical, format) => {
        expect(date.toCanonical(date.toRaw(canonical, { format }), { format })).toEqual({ ok: true, value: canonical });
      }),
      RUNS,
    );
  });

  it('round-trips days through every format with a year and a day', () => {
    const formats = fc.constantFrom('iso', 'epoch_ms', 'epoch_s', 'date', 'DD/MM/YYYY', 'MM/DD/YYYY', 'YYYY.MM.DD', 'YYYYMMDD', 'DD-MM-YYYY HH:mm');
    fc.assert(
      fc.property(days, formats, (canonical, format) => {
        expect(date.toCanonical(date.toRaw(canonical, { format }), { format })).toEqual({ ok: true, value: canonical });
      }),
      RUNS,
    );
  });

  it('never reads an impossible calendar day', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9999 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 29, max: 31 }), (year, month, day) => {
        const text = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
        const lastDay = new Date(0);
        lastDay.setUTCFullYear(year, month, 0);
        const real = day <= lastDay.getUTCDate();
        expect(date.toCanonical(text, {}).ok).toBe(real);
      }),
      RUNS,
    );
  });
});
