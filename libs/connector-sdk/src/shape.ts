/**
 * Shape checks for untrusted JSON: API response bodies and webhook payloads. A connector describes the parts of a
 * body it reads; `checkShape` returns them typed or fails with the error the caller chooses (a TransientError for a
 * response, a WebhookPayloadError for a webhook). A failure names where the body went wrong (`results[3].id`) and
 * what was expected, never the value found, which may be personal data.
 *
 * Object shapes keep the keys they do not describe (as `unknown`), so a record's free-form fields pass through.
 */

/** Checks one value at `at` (a path for messages) and returns it typed, or throws a ShapeMismatch. */
export type Shape<T> = (value: unknown, at: string) => T;

/** What a shape gives back. */
export type ShapeOf<S> = S extends Shape<infer T> ? T : never;

/** Thrown inside a check only; `checkShape` turns it into the caller's error. */
export class ShapeMismatch {
  constructor(
    readonly at: string,
    readonly expected: string,
  ) {}

  get problem(): string {
    return `${this.at || 'the body'} is not ${this.expected}`;
  }
}

function is<T>(expected: string, test: (value: unknown) => boolean): Shape<T> {
  return (value, at) => {
    if (!test(value)) throw new ShapeMismatch(at, expected);
    return value as T;
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export const anyValue: Shape<unknown> = (value) => value;
export const str = is<string>('a string', (v) => typeof v === 'string');
export const num = is<number>('a finite number', (v) => typeof v === 'number' && Number.isFinite(v));
export const bool = is<boolean>('true or false', (v) => typeof v === 'boolean');
export const dict = is<Record<string, unknown>>('an object', isPlainObject);

/** An identifier: a non-empty string or a finite number, given back as a string. */
export const id: Shape<string> = (value, at) => {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw new ShapeMismatch(at, 'an id');
};

/** Absent or null: undefined. APIs send null and leave keys out for the same thing. */
export function optional<T>(shape: Shape<T>): Shape<T | undefined> {
  return (value, at) => (value === undefined || value === null ? undefined : shape(value, at));
}

/** Absent or null: null. */
export function nullable<T>(shape: Shape<T>): Shape<T | null> {
  return (value, at) => (value === undefined || value === null ? null : shape(value, at));
}

export function arrayOf<T>(shape: Shape<T>): Shape<T[]> {
  return (value, at) => {
    if (!Array.isArray(value)) throw new ShapeMismatch(at, 'a list');
    return value.map((item, index) => shape(item, `${at}[${index}]`));
  };
}

/** An object used as a map: any keys, every value of one shape. */
export function recordOf<T>(shape: Shape<T>): Shape<Record<string, T>> {
  return (value, at) => {
    const record = dict(value, at);
    return Object.fromEntries(Object.entries(record).map(([key, item]) => [key, shape(item, join(at, key))]));
  };
}

/** The first shape that fits. */
export function either<A, B>(first: Shape<A>, second: Shape<B>, expected: string): Shape<A | B> {
  return (value, at) => {
    for (const shape of [first, second] as Shape<A | B>[]) {
      try {
        return shape(value, at);
      } catch (error) {
        if (!(error instanceof ShapeMismatch)) throw error;
      }
    }
    throw new ShapeMismatch(at, expected);
  };
}

/** An object with at least these keys (each checked by its shape); other keys are kept unchecked. */
export function object<F extends Record<string, Shape<unknown>>>(
  fields: F,
): Shape<{ [K in keyof F]: ShapeOf<F[K]> } & Record<string, unknown>> {
  return (value, at) => {
    const out: Record<string, unknown> = { ...dict(value, at) };
    for (const [key, shape] of Object.entries(fields)) {
      const checked = shape(out[key], join(at, key));
      if (checked === undefined) delete out[key];
      else out[key] = checked;
    }
    return out as { [K in keyof F]: ShapeOf<F[K]> } & Record<string, unknown>;
  };
}

/** `value` as `shape` describes it, or the error `fail` builds from the problem found. */
export function checkShape<T>(shape: Shape<T>, value: unknown, fail: (problem: string) => Error): T {
  try {
    return shape(value, '');
  } catch (error) {
    if (error instanceof ShapeMismatch) throw fail(error.problem);
    throw error;
  }
}

/** `value` as `shape` describes it, or undefined when it does not fit (for bodies that are only a hint). */
export function fitShape<T>(shape: Shape<T>, value: unknown): T | undefined {
  try {
    return shape(value, '');
  } catch (error) {
    if (error instanceof ShapeMismatch) return undefined;
    throw error;
  }
}

function join(at: string, key: string): string {
  return at === '' ? key : `${at}.${key}`;
}
