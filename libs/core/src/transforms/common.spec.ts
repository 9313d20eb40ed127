import fc from 'fast-check';
import { cleanText, plainSpaces, trimEnds } from './common.js';

/** cleanText as written before its ASCII shortcut: the shortcut must never change a result. */
const slowClean = (text: string): string => trimEnds(plainSpaces(text).normalize('NFC'));

describe('cleanText', () => {
  it.each([
    ['Ada Lovelace', 'Ada Lovelace'],
    ['  Ada Lovelace ', 'Ada Lovelace'],
    ['\tAda\n', 'Ada'],
    ['a', 'a'],
    [' ', ''],
    ['', ''],
    ['Ame\u0301lie', 'Amélie'],
    ['\u00A0Ada\u00A0Lovelace\u200B', 'Ada Lovelace'],
    ['(212) 555-0101', '(212) 555-0101'],
  ])('cleans %j to %j', (text, clean) => {
    expect(cleanText(text)).toBe(clean);
  });

  it('gives what the full cleaning gives, for any text (ASCII shortcut or not)', () => {
    const edge = fc.constantFrom(' ', '\t', '\n', '\u00A0', '\u200B', '\u2060', '\uFEFF', '\u0301', 'e', '~', '!', '\x7F', '\x1F');
    const text = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.array(fc.oneof(edge, fc.string({ maxLength: 3 }))).map((parts) => parts.join('')));
    fc.assert(
      fc.property(text, (t) => cleanText(t) === slowClean(t)),
      { numRuns: 2000 },
    );
  });
});
