/**
 * The transform contract. A transform normalises a raw app value into its canonical form and renders a
 * canonical value back into what an app stores. Pure functions: no clock, no I/O.
 */
import type { Scalar } from '../model.js';

/** The result of reading a raw value: a canonical value, or "not observed" with a reason (never an edit). */
export type TransformOutcome = { ok: true; value: Scalar } | { ok: false; reason: string };

export interface Transform {
  readonly name: string;
  /**
   * Raw app value → canonical. Must be idempotent on its own output: toCanonical(toCanonical(x).value) equals
   * toCanonical(x).value. Empty input (null, undefined, '') gives { ok: true, value: null }.
   */
  toCanonical(raw: unknown, options: Record<string, unknown>): TransformOutcome;
  /**
   * Canonical → the raw value the app should store (e.g. a date in the app's format). A value this transform
   * cannot render (not one of its canonical forms) is returned unchanged: writing it as is beats clearing the field.
   */
  toRaw(canonical: Scalar, options: Record<string, unknown>): unknown;
  /**
   * A reason this transform, with these options, loses information so it cannot be used on a two-way
   * field (a date format without a year), or null when it is safe both ways.
   */
  lossy(options: Record<string, unknown>): string | null;
  /**
   * A reason these option values are invalid (an unknown region, a date pattern with an unknown token), or null.
   * Config validation calls it; a transform given invalid options reads every value as not observed.
   */
  checkOptions(options: Record<string, unknown>): string | null;
  /** Names of the options this transform accepts (for config validation). */
  readonly optionNames: readonly string[];
}
