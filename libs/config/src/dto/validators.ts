import { ValidateBy, type ValidationOptions } from 'class-validator';

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

/** A non-negative whole number, or a string of digits (what `${VAR}` interpolation yields). */
export function IsWholeNumber(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: CONSTRAINT.wholeNumber,
      validator: {
        validate: (value: unknown) =>
          (typeof value === 'number' && Number.isInteger(value) && value >= 0) || (typeof value === 'string' && /^\d+$/.test(value)),
        defaultMessage: () => 'must be a whole number ≥ 0',
      },
    },
    options,
  );
}
