/**
 * `lowercase`: trims like `trim`, then lowercases without a locale (the same result on every machine). Used for
 * tags and codes whose case carries no meaning, so `VIP` and `vip` are one value.
 */
import { nothingToReport, readText, sameText } from './common.js';
import type { Transform } from './transform.js';

export const lowercaseTransform: Transform = {
  name: 'lowercase',
  optionNames: [],
  toCanonical: (raw) => readText(raw, (text) => text.toLowerCase()),
  toRaw: sameText,
  lossy: nothingToReport,
  checkOptions: nothingToReport,
};
