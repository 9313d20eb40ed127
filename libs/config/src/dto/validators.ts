import { ValidateBy, ValidateIf, type ValidationOptions } from 'class-validator';

/** Type predicates shared by the DTO decorators and the semantic checks. */
export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isScalarValue(value: unknown): value is string | number | boolean | null {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

/** Constraint names, also the keys of the JSON Schema converters in ../schema/build-schema.ts. */
export const CONSTRAINT = {
  scalar: 'isScalarValue',
  stringOrMapping: 'isStringOrMapping',
  wholeNumber: 'isWholeNumber',
} as const;

/**
 * An optional key. Unlike class-validator's IsOptional, which skips null as well, only an absent key is skipped:
 * a key written with no value (`onCreate:`) is null, and must fail the key's own rules, since the code after
 * validation reads an optional key as either absent or well-formed.
 */
export function Optional(): PropertyDecorator {
  return ValidateIf((_object: object, value: unknown) => value !== undefined);
}

/** A YAML scalar: string, number, boolean or null. */
export function IsScalarValue(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: CONSTRAINT.scalar,
      validator: { validate: isScalarValue, defaultMessage: () => 'must be a single value, not a list or mapping' },
    },
    options,
  );
}

/** The short form (a string) or the long form (a mapping) of a setting. */
export function IsStringOrMapping(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: CONSTRAINT.stringOrMapping,
      validator: {
        validate: (value: unknown) => typeof value === 'string' || isMapping(value),
        defaultMessage: () => 'must be a name or a mapping',
      },
    },
    options,
  );
}

/**
 * The whole number ≥ 0 a value stands for (a number, or a string of digits, which `${VAR}` interpolation yields), or
 * undefined. Anything else is never coerced: `Number()` of a mapping runs its keys as methods (`{ toString: {} }` throws).
 */
export function wholeNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value : undefined;
  return typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : undefined;
}

/** A non-negative whole number, or a string of digits (what `${VAR}` interpolation yields). */
export function IsWholeNumber(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: CONSTRAINT.wholeNumber,
      validator: {
        validate: (value: unknown) => wholeNumber(value) !== undefined,
        defaultMessage: () => 'must be a whole number ≥ 0',
      },
    },
    options,
  );
}
