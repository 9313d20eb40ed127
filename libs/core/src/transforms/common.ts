/**
 * Helpers shared by the transforms: what counts as an empty raw value, how raw text is cleaned at its ends, and
 * how option values are read and checked. Reasons never quote the value (it may be personal data).
 */
import type { Scalar } from '../model.js';
import type { TransformOutcome } from './transform.js';

/** The outcome for an empty raw value: observed, and empty. */
export const EMPTY: TransformOutcome = Object.freeze({ ok: true, value: null });

/** An observed canonical value. */
export function observed(value: Scalar): TransformOutcome {
  return { ok: true, value };
}

/** "Not observed" — the value cannot be read, so it must not count as an edit (DESIGN §5 rule 2). */
export function notObserved(reason: string): TransformOutcome {
  return { ok: false, reason };
}

/** null, undefined and '' are the empties every transform reads as null. */
export function isRawEmpty(raw: unknown): raw is null | undefined | '' {
  return raw === null || raw === undefined || raw === '';
}

/**
 * Invisible characters copy-paste leaves at the ends of values. `\s` already covers NBSP, BOM and every Unicode
 * space; the zero-width characters are added because they are just as invisible in an app's UI.
 */
const EDGE_JUNK = /^[\s\u200B-\u200D\u2060]+|[\s\u200B-\u200D\u2060]+$/gu;

/** Removes whitespace and zero-width characters at both ends; inner text is left alone. */
export function trimEnds(text: string): string {
  return text.replace(EDGE_JUNK, '');
}

/** No-break spaces (U+00A0, U+2007, U+202F) → ordinary spaces: pasted from the web they look the same in every app. */
export function plainSpaces(text: string): string {
  return text.replace(/[\u00A0\u2007\u202F]/gu, ' ');
}

/**
 * The visible text of a value: no-break spaces made plain, Unicode composed (NFC, so `é` typed and `é` pasted are
 * one value) and the ends trimmed.
 */
export function cleanText(text: string): string {
  // Most stored values are already clean: printable ASCII with no space at either end is composed, has no no-break
  // space and nothing to trim, so it is returned as is (one regex test instead of three passes over the text).
  if (CLEAN_ASCII.test(text)) return text;
  return trimEnds(plainSpaces(text).normalize('NFC'));
}

/** Printable ASCII, starting and ending with a visible character (inner spaces allowed). */
const CLEAN_ASCII = /^[\x21-\x7E](?:[\x20-\x7E]*[\x21-\x7E])?$/;

/** A raw scalar as text: strings as they are, finite numbers and booleans in their usual spelling, anything else null. */
export function textOf(raw: unknown): string | null {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number') return Number.isFinite(raw) ? String(raw) : null;
  if (typeof raw === 'boolean') return String(raw);
  return null;
}

/** A string option, or the fallback when it is absent; undefined when present but not one of `allowed`. */
export function enumOption<T extends string>(options: Record<string, unknown>, name: string, allowed: readonly T[], fallback: T): T | undefined {
  const value = options[name];
  if (value === undefined || value === null) return fallback;
  return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : undefined;
}

/** The problem with an enumerated option, or null when it is absent or allowed. */
export function enumProblem(options: Record<string, unknown>, name: string, allowed: readonly string[]): string | null {
  if (enumOption(options, name, allowed, allowed[0] ?? '') !== undefined) return null;
  return `option ${name} must be one of ${allowed.join(', ')}`;
}

/**
 * Reads a raw scalar as cleaned text (see cleanText), optionally case-folded. Empty or whitespace-only → null;
 * objects and arrays cannot be read as text.
 */
export function readText(raw: unknown, fold: (text: string) => string = (text) => text): TransformOutcome {
  if (isRawEmpty(raw)) return EMPTY;
  const text = textOf(raw);
  if (text === null) return notObserved('not a text value');
  // Case mapping can decompose characters (İ → i̇), so compose again after folding.
  const cleaned = fold(cleanText(text)).normalize('NFC');
  return cleaned === '' ? EMPTY : observed(cleaned);
}

/** toRaw of the text transforms: the canonical text is what every app stores. */
export function sameText(canonical: Scalar): unknown {
  return canonical;
}

/** lossy / checkOptions of a transform that takes no options. */
export function nothingToReport(): string | null {
  return null;
}
