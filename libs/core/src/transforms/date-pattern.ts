/**
 * Token patterns of the `date` transform (`DD/MM/YYYY`, `MM/DD`, `YYYY-MM-DD HH:mm`): compiled once into a
 * reader and a writer. Tokens: YYYY MM DD HH mm ss; between them only separators (space - / . : , T).
 * Reading accepts one-digit months, days and times (`4/5/2023`) where a separator follows; writing always pads.
 */
import type { DateFields } from './date-calendar.js';

const TOKENS = ['YYYY', 'MM', 'DD', 'HH', 'mm', 'ss'] as const;
type Token = (typeof TOKENS)[number];
type Piece = { token: Token } | { literal: string };

const FIELD_OF: Record<Token, keyof DateFields> = { YYYY: 'year', MM: 'month', DD: 'day', HH: 'hour', mm: 'minute', ss: 'second' };
const SEPARATOR = /^[ \-/.:,T]$/u;
/** Which date tokens a pattern may hold: a full date, or the reduced forms ISO 8601 can write. */
const DATE_SETS = ['YYYY MM DD', 'MM DD', 'YYYY MM', 'YYYY'];
/** Time tokens must come in order of size, and only with a full date. */
const TIME_SETS = ['', 'HH', 'HH mm', 'HH mm ss'];

/** A compiled token pattern: its pieces in order, the tokens it holds, and the regex that reads it. */
export interface DatePattern {
  readonly source: string;
  readonly pieces: readonly Piece[];
  readonly tokens: ReadonlySet<Token>;
  readonly reader: RegExp;
}

function tokenize(source: string): Piece[] | string {
  const pieces: Piece[] = [];
  let at = 0;
  while (at < source.length) {
    const token = TOKENS.find((t) => source.startsWith(t, at));
    const char = source.charAt(at);
    if (token) pieces.push({ token });
    else if (SEPARATOR.test(char)) pieces.push({ literal: char });
    else return `date format "${source}" has an unknown token at position ${at + 1} (use YYYY MM DD HH mm ss and separators)`;
    at += token ? token.length : 1;
  }
  return pieces;
}

function tokenProblem(source: string, tokens: Token[]): string | null {
  if (new Set(tokens).size !== tokens.length) return `date format "${source}" repeats a token`;
  const has = (group: readonly Token[]): string => group.filter((t) => tokens.includes(t)).join(' ');
  const dates = has(['YYYY', 'MM', 'DD']);
  const times = has(['HH', 'mm', 'ss']);
  if (!DATE_SETS.includes(dates)) return `date format "${source}" must hold a full date, a month and day, a year and month, or a year`;
  if (!TIME_SETS.includes(times) || (times !== '' && dates !== 'YYYY MM DD')) {
    return `date format "${source}" may only add HH, HH mm or HH mm ss to a full date`;
  }
  return null;
}

/** Separators in a reader: a space matches any run of whitespace; `.` is the only one special in a regex. */
function escapeLiteral(char: string): string {
  if (char === ' ') return '\\s+';
  return char === '.' ? '\\.' : char;
}

/** A regular expression capturing each token in order; a token directly followed by another has a fixed width. */
function readerOf(pieces: Piece[]): RegExp {
  const parts = pieces.map((piece, i) => {
    if ('literal' in piece) return escapeLiteral(piece.literal);
    if (piece.token === 'YYYY') return '(\\d{4})';
    const next = pieces[i + 1];
    return next && 'token' in next ? '(\\d{2})' : '(\\d{1,2})';
  });
  return new RegExp(`^${parts.join('')}$`, 'iu');
}

/** Compiles a token pattern, or returns the problem with it (for config validation and as a read reason). */
export function compilePattern(source: string): DatePattern | string {
  const pieces = tokenize(source);
  if (typeof pieces === 'string') return pieces;
  const tokens = pieces.flatMap((piece) => ('token' in piece ? [piece.token] : []));
  const problem = tokenProblem(source, tokens);
  if (problem) return problem;
  const pattern = { source, pieces, tokens: new Set(tokens), reader: readerOf(pieces) };
  return readsIsoAlike(pattern) ? pattern : `date format "${source}" reads ISO dates with another meaning`;
}

/** ISO shapes a pattern might also match, with the fields they mean in ISO. */
const ISO_SAMPLES: [string, DateFields][] = [
  ['2001-02-03', { year: 2001, month: 2, day: 3 }],
  ['2001-02', { year: 2001, month: 2 }],
  ['2001', { year: 2001 }],
];

/**
 * Canonical values are ISO and are read back in the app's format, so a pattern that matches an ISO string must
 * give it the ISO meaning (`YYYY-DD-MM` would turn 2001-02-03 into 2001-03-02 on every read).
 */
function readsIsoAlike(pattern: DatePattern): boolean {
  return ISO_SAMPLES.every(([text, meaning]) => {
    const fields = readPattern(pattern, text);
    return !fields || (Object.keys(fields) as (keyof DateFields)[]).every((key) => fields[key] === meaning[key]);
  });
}

/** Text in the pattern → the fields it holds (not yet checked for a real date), or null when it does not match. */
export function readPattern(pattern: DatePattern, text: string): DateFields | null {
  const match = pattern.reader.exec(text);
  if (!match) return null;
  const fields: DateFields = {};
  let group = 1;
  for (const piece of pattern.pieces) if ('token' in piece) fields[FIELD_OF[piece.token]] = Number(match[group++]);
  return fields;
}

/** Fields → text in the pattern, or null when the pattern needs a field the value lacks (a year for `--04-12`). */
export function writePattern(pattern: DatePattern, fields: DateFields): string | null {
  let out = '';
  for (const piece of pattern.pieces) {
    if ('literal' in piece) {
      out += piece.literal;
      continue;
    }
    const value = fields[FIELD_OF[piece.token]];
    if (value === undefined) return null;
    out += String(value).padStart(piece.token === 'YYYY' ? 4 : 2, '0');
  }
  return out;
}

/** Why a pattern loses information both ways (no year, no day), or null. */
export function patternLoss(pattern: DatePattern): string | null {
  if (!pattern.tokens.has('YYYY')) return `date format "${pattern.source}" has no year`;
  if (!pattern.tokens.has('DD')) return `date format "${pattern.source}" has no day`;
  return null;
}
