/**
 * `boolean`: the spellings apps and spreadsheets use for yes/no → true or false. Accepted (case-insensitive,
 * trimmed): true/false, t/f, yes/no, y/n, on/off, 1/0, and the numbers 1 and 0. Anything else is not observed,
 * never guessed (`maybe`, `2`).
 *
 * Option `format` is what the app stores: `boolean` (default), `string` (`"true"`/`"false"`, as HubSpot checkbox
 * properties) or `number` (1/0).
 */
import { cleanText, EMPTY, enumOption, enumProblem, isRawEmpty, notObserved, observed } from './common.js';
import type { Transform, TransformOutcome } from './transform.js';

const FORMATS = ['boolean', 'string', 'number'] as const;
const TRUE_WORDS = new Set(['true', 't', 'yes', 'y', 'on', '1']);
const FALSE_WORDS = new Set(['false', 'f', 'no', 'n', 'off', '0']);

function readBoolean(raw: unknown): TransformOutcome {
  if (isRawEmpty(raw)) return EMPTY;
  if (typeof raw === 'boolean') return observed(raw);
  if (raw === 1 || raw === 0) return observed(raw === 1);
  if (typeof raw !== 'string') return notObserved('not a yes/no value');
  const word = cleanText(raw).toLowerCase();
  if (word === '') return EMPTY;
  if (TRUE_WORDS.has(word)) return observed(true);
  return FALSE_WORDS.has(word) ? observed(false) : notObserved('not a yes/no value');
}

function writeBoolean(canonical: unknown, options: Record<string, unknown>): unknown {
  if (typeof canonical !== 'boolean') return canonical;
  const format = enumOption(options, 'format', FORMATS, 'boolean') ?? 'boolean';
  switch (format) {
    case 'boolean':
      return canonical;
    case 'string':
      return String(canonical);
    case 'number':
      return canonical ? 1 : 0;
  }
}

export const booleanTransform: Transform = {
  name: 'boolean',
  optionNames: ['format'],
  toCanonical: readBoolean,
  toRaw: writeBoolean,
  lossy: () => null,
  checkOptions: (options) => enumProblem(options, 'format', FORMATS),
};
