/**
 * `number`: numbers and numeric text → a finite number. Text may carry spaces at the ends, a sign, comma thousands
 * separators in groups of three (`1,234.50`) and an exponent; anything else (`abc`, `1,2`, `$5`, `NaN`, `Infinity`)
 * is not observed. A comma is never read as a decimal point: `1,5` is rejected rather than guessed.
 *
 * Options: `decimals` (0–15) rounds the canonical value, so `9.999` and `10.00` agree on a 2-decimal price;
 * `format` (`number` | `string`) is what the app stores — HubSpot, for one, returns every property as a string.
 */
import { cleanText, EMPTY, enumOption, enumProblem, isRawEmpty, notObserved, observed } from './common.js';
import type { Transform, TransformOutcome } from './transform.js';

const FORMATS = ['number', 'string'] as const;
const NUMERIC = /^[+-]?(?:\d+|\d{1,3}(?:,\d{3})+)?(?:\.\d*)?(?:e[+-]?\d+)?$/iu;
const MAX_DECIMALS = 15;

/** The `decimals` option; undefined when absent, NaN when invalid. */
function decimalsOf(options: Record<string, unknown>): number | undefined {
  const decimals = options.decimals;
  if (decimals === undefined || decimals === null) return undefined;
  return typeof decimals === 'number' && Number.isInteger(decimals) && decimals >= 0 && decimals <= MAX_DECIMALS ? decimals : NaN;
}

/** Numeric text → a number, or null when it is not plainly a number. */
function parseNumeric(text: string): number | null {
  if (!NUMERIC.test(text) || !/\d/u.test(text.replace(/e.*$/iu, ''))) return null;
  const value = Number(text.replace(/,/gu, ''));
  return Number.isFinite(value) ? value : null;
}

/** Rounds to the option's decimals and folds -0 into 0 (they are one value to every app). */
function settle(value: number, decimals: number | undefined): number {
  const rounded = decimals === undefined ? value : Number(value.toFixed(decimals));
  return rounded === 0 ? 0 : rounded;
}

function readNumber(raw: unknown, options: Record<string, unknown>): TransformOutcome {
  if (isRawEmpty(raw)) return EMPTY;
  const decimals = decimalsOf(options);
  if (Number.isNaN(decimals)) return notObserved(`option decimals must be an integer from 0 to ${MAX_DECIMALS}`);
  let value: number | null = null;
  if (typeof raw === 'number') value = Number.isFinite(raw) ? raw : null;
  else if (typeof raw === 'string') {
    const text = cleanText(raw);
    if (text === '') return EMPTY;
    value = parseNumeric(text);
  }
  return value === null ? notObserved('not a finite number') : observed(settle(value, decimals));
}

/** A canonical number as the app stores it; with `decimals` and `format: string`, always that many decimals. */
function writeNumber(canonical: unknown, options: Record<string, unknown>): unknown {
  if (typeof canonical !== 'number' || !Number.isFinite(canonical)) return canonical;
  if (enumOption(options, 'format', FORMATS, 'number') !== 'string') return canonical;
  const decimals = decimalsOf(options);
  return decimals === undefined || Number.isNaN(decimals) ? String(canonical) : canonical.toFixed(decimals);
}

function checkNumberOptions(options: Record<string, unknown>): string | null {
  if (Number.isNaN(decimalsOf(options))) return `option decimals must be an integer from 0 to ${MAX_DECIMALS}`;
  return enumProblem(options, 'format', FORMATS);
}

export const numberTransform: Transform = {
  name: 'number',
  optionNames: ['decimals', 'format'],
  toCanonical: readNumber,
  toRaw: writeNumber,
  lossy: () => null,
  checkOptions: checkNumberOptions,
};
