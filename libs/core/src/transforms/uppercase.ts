/**
 * `uppercase`: trims like `trim`, then uppercases without a locale (the same result on every machine). Used for
 * country, currency and plan codes that apps spell in either case.
 */
import { nothingToReport, readText, sameText } from './common.js';
import type { Transform } from './transform.js';

export const uppercaseTransform: Transform = {
  name: 'uppercase',
  optionNames: [],
  toCanonical: (raw) => readText(raw, (text) => text.toUpperCase()),
  toRaw: sameText,
  lossy: nothingToReport,
  checkOptions: nothingToReport,
};
