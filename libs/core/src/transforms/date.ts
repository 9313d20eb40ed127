/**
 * `date`: dates and instants → canonical ISO 8601 (see date-calendar.ts for the forms). The per-app `format`
 * option says how the app stores them:
 * | format        | app stores                        | example              |
 * |---------------|-----------------------------------|----------------------|
 * | `iso`         | ISO 8601 (default)                | `2023-04-12`         |
 * | `epoch_ms`    | epoch milliseconds (HubSpot)      | `1681257600000`      |
 * | `epoch_s`     | epoch seconds (sub-seconds drop)  | `1681257600`         |
 * | `date`        | `YYYY-MM-DD`, the UTC day         | `2023-04-12`         |
 * | a pattern     | tokens YYYY MM DD HH mm ss        | `12/04/2023`         |
 * Reading is lenient only where it is unambiguous: a real ISO string is accepted in every format, numbers are
 * epoch values (seconds under `epoch_s`, else milliseconds), and Date objects are instants. Impossible dates
 * (2023-02-30) are not observed.
 */
import { cleanText, EMPTY, isRawEmpty, notObserved, observed } from './common.js';
import { canonicalOfMs, fieldsOfMs } from './date-calendar.js';
import { canonicalOf, parsedOfFields, parseIso, type ParsedDate } from './date-iso.js';
import { compilePattern, patternLoss, readPattern, writePattern, type DatePattern } from './date-pattern.js';
import type { Transform, TransformOutcome } from './transform.js';

type DateFormat = { kind: 'iso' } | { kind: 'epoch'; unitMs: number } | { kind: 'pattern'; pattern: DatePattern };

const EPOCH_TEXT = /^[+-]?\d+(?:\.\d+)?$/u;
const NAMED: Record<string, DateFormat | undefined> = {
  iso: { kind: 'iso' },
  epoch_ms: { kind: 'epoch', unitMs: 1 },
  epoch_s: { kind: 'epoch', unitMs: 1000 },
};

/** The `format` option, compiled; a string is the problem with it. */
function formatOf(options: Record<string, unknown>): DateFormat | string {
  const format = options.format ?? 'iso';
  if (typeof format !== 'string') return 'option format must be a string';
  const named = Object.hasOwn(NAMED, format) ? NAMED[format] : undefined;
  if (named) return named;
  const pattern = compilePattern(format === 'date' ? 'YYYY-MM-DD' : format);
  return typeof pattern === 'string' ? pattern : { kind: 'pattern', pattern };
}

function fromMs(ms: number): TransformOutcome {
  const canonical = canonicalOfMs(Math.round(ms));
  return canonical === null ? notObserved('date outside the years 0000-9999') : observed(canonical);
}

function fromParsed(parsed: ParsedDate | null): TransformOutcome {
  const canonical = parsed && canonicalOf(parsed);
  return canonical ? observed(canonical) : notObserved('not a real date in the app format');
}

function readText(text: string, format: DateFormat): TransformOutcome {
  if (format.kind === 'epoch' && EPOCH_TEXT.test(text)) return fromMs(Number(text) * format.unitMs);
  if (format.kind === 'pattern') {
    const fields = readPattern(format.pattern, text);
    if (fields) return fromParsed(parsedOfFields(fields));
  }
  return fromParsed(parseIso(text));
}

function readDate(raw: unknown, options: Record<string, unknown>): TransformOutcome {
  if (isRawEmpty(raw)) return EMPTY;
  const format = formatOf(options);
  if (typeof format === 'string') return notObserved(format);
  if (raw instanceof Date) return fromMs(raw.getTime());
  if (typeof raw === 'number') return Number.isFinite(raw) ? fromMs(raw * (format.kind === 'epoch' ? format.unitMs : 1)) : notObserved('not a date');
  if (typeof raw !== 'string') return notObserved('not a date');
  const text = cleanText(raw);
  return text === '' ? EMPTY : readText(text, format);
}

/** A canonical date in the app's format; a value that is not a canonical date, or that the format cannot hold, is returned as is. */
function writeDate(canonical: unknown, options: Record<string, unknown>): unknown {
  const format = formatOf(options);
  const parsed = typeof canonical === 'string' ? parseIso(canonical) : null;
  if (typeof format === 'string' || !parsed) return canonical;
  switch (format.kind) {
    case 'iso':
      return canonicalOf(parsed) ?? canonical;
    case 'epoch':
      return parsed.kind === 'instant' ? Math.floor(parsed.ms / format.unitMs) : canonical;
    case 'pattern':
      return writePattern(format.pattern, parsed.kind === 'instant' ? fieldsOfMs(parsed.ms) : parsed.fields) ?? canonical;
  }
}

function dateLoss(options: Record<string, unknown>): string | null {
  const format = formatOf(options);
  return typeof format !== 'string' && format.kind === 'pattern' ? patternLoss(format.pattern) : null;
}

function checkDateOptions(options: Record<string, unknown>): string | null {
  const format = formatOf(options);
  return typeof format === 'string' ? format : null;
}

export const dateTransform: Transform = {
  name: 'date',
  optionNames: ['format'],
  toCanonical: readDate,
  toRaw: writeDate,
  lossy: dateLoss,
  checkOptions: checkDateOptions,
};
