import fc from 'fast-check';
import { emailTransform } from './email.js';
import { lowercaseTransform } from './lowercase.js';
import { trimTransform } from './trim.js';
import { uppercaseTransform } from './uppercase.js';

const RUNS = { numRuns: 1000 };
const read = (t: { toCanonical: (raw: unknown, o: Record<string, unknown>) => unknown }, raw: unknown): unknown => t.toCanonical(raw, {});

describe('trim', () => {
  it.each([
    ['  Ada Lovelace  ', 'Ada Lovelace'],
    ['\u00A0Ada\u00A0Lovelace\u00A0', 'Ada Lovelace'],
    ['\u200BAda\uFEFF', 'Ada'],
    ['Line one\n  line two\n', 'Line one\n  line two'],
    ['two  inner   spaces', 'two  inner   spaces'],
    ['Ame\u0301lie', 'Amélie'],
    [17, '17'],
    [true, 'true'],
  ])('reads %j as %j', (raw, canonical) => {
    expect(read(trimTransform, raw)).toEqual({ ok: true, value: canonical });
  });

  it.each([[null], [undefined], [''], ['   '], ['\u00A0\t\n']])('reads the empty value %j as null', (raw) => {
    expect(read(trimTransform, raw)).toEqual({ ok: true, value: null });
  });

  it('does not read an object or array as text', () => {
    expect(read(trimTransform, { first: 'Ada' })).toMatchObject({ ok: false });
    expect(read(trimTransform, ['Ada'])).toMatchObject({ ok: false });
  });

  it('writes the canonical text unchanged', () => {
    expect(trimTransform.toRaw('Ada Lovelace', {})).toBe('Ada Lovelace');
  });
});

describe('lowercase and uppercase', () => {
  it.each([
    [' VIP ', 'vip'],
    ['Churn-Risk', 'churn-risk'],
    ['ÉTÉ', 'été'],
    ['İstanbul', 'i̇stanbul'],
  ])('lowercases %j to %j', (raw, canonical) => {
    expect(read(lowercaseTransform, raw)).toEqual({ ok: true, value: canonical.normalize('NFC') });
  });

  it.each([
    [' us ', 'US'],
    ['eur\u00A0', 'EUR'],
    ['straße', 'STRASSE'],
  ])('uppercases %j to %j', (raw, canonical) => {
    expect(read(uppercaseTransform, raw)).toEqual({ ok: true, value: canonical });
  });

  it('makes VIP and vip one tag', () => {
    expect(read(lowercaseTransform, 'VIP')).toEqual(read(lowercaseTransform, ' vip'));
  });
});

describe('email', () => {
  it.each([
    ['  Ada.Lovelace@Example.COM ', 'ada.lovelace@example.com'],
    ['ADA+crm@example.co.uk', 'ada+crm@example.co.uk'],
    ['Ada Lovelace <Ada@Example.test>', 'ada@example.test'],
    ['mailto:ada@example.test', 'ada@example.test'],
    ['\u00A0ada@example.test\u200B', 'ada@example.test'],
    ['josé@exämple.de', 'josé@exämple.de'],
    ["o'brien@example.ie", "o'brien@example.ie"],
  ])('reads %j as %j', (raw, canonical) => {
    expect(read(emailTransform, raw)).toEqual({ ok: true, value: canonical });
  });

  it.each([
    ['ada'],
    ['ada@'],
    ['@example.test'],
    ['ada@example'],
    ['ada@@example.test'],
    ['ada@exa mple.test'],
    ['ada lovelace@example.test'],
    ['.ada@example.test'],
    ['ada..l@example.test'],
    ['ada@-example.test'],
    ['ada@example.123'],
    ['ada@[127.0.0.1]'],
    ['n/a'],
  ])('does not observe the implausible address %j', (raw) => {
    const outcome = emailTransform.toCanonical(raw, {});
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.reason).not.toContain(raw);
  });

  it('does not read a number as an address', () => {
    expect(read(emailTransform, 42)).toMatchObject({ ok: false });
  });

  it.each([[null], [''], ['  ']])('reads the empty value %j as null', (raw) => {
    expect(read(emailTransform, raw)).toEqual({ ok: true, value: null });
  });

  it('reads every generated address in any case and padding, to the same lowercase address', () => {
    fc.assert(
      fc.property(fc.emailAddress(), fc.boolean(), fc.constantFrom('', ' ', '\u00A0', '\t'), (address, shout, pad) => {
        const spelled = pad + (shout ? address.toUpperCase() : address) + pad;
        expect(read(emailTransform, spelled)).toEqual({ ok: true, value: address.toLowerCase() });
      }),
      RUNS,
    );
  });
});
