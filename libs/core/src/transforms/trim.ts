/**
 * `trim`: removes whitespace (including no-break spaces) and zero-width characters at both ends.
 *
 * Inner whitespace is deliberately kept: collapsing runs would flatten multi-line notes and aligned text in every
 * app of the sync. Inner no-break spaces become plain spaces and text is composed (NFC), because apps show those
 * spellings identically and a difference nobody can see must not count as an edit.
 */
import { nothingToReport, readText, sameText } from './common.js';
import type { Transform } from './transform.js';

export const trimTransform: Transform = {
  name: 'trim',
  optionNames: [],
  toCanonical: (raw) => readText(raw),
  toRaw: sameText,
  lossy: nothingToReport,
  checkOptions: nothingToReport,
};
