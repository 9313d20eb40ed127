import { getMetadataStorage, validateSync, type ValidationError } from 'class-validator';
import { didYouMean } from '../did-you-mean.js';
import type { Issues } from '../issues.js';
import type { Segment } from '../yaml-source.js';

type DtoClass = new () => object;

/** Property names a DTO class declares (every property carries at least one decorator). */
export function dtoKeys(dto: DtoClass): string[] {
  const metas = getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false);
  return [...new Set(metas.map((m) => m.propertyName))];
}

/** Allowed values of an `@IsIn` property, for did-you-mean. */
function allowedValues(dto: DtoClass, property: string): string[] {
  const metas = getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false);
  const isIn = metas.find((m) => m.propertyName === property && m.name === 'isIn');
  return (isIn?.constraints?.[0] as string[] | undefined) ?? [];
}

const MESSAGES: Record<string, (value: unknown, allowed: string[]) => string> = {
  isString: () => 'must be a string',
  isNotEmpty: () => 'must not be empty',
  isBoolean: () => 'must be true or false',
  isObject: () => 'must be a mapping (key: value)',
  isArray: () => 'must be a list',
  arrayNotEmpty: () => 'must list at least one entry',
  isIn: (value, allowed) => `must be one of ${allowed.join(', ')}${typeof value === 'string' ? didYouMean(value, allowed) : ''}`,
};

export interface DtoCheckOptions {
  /** Keys that are not DTO properties but are allowed (member names in a field, connector settings). */
  extraKey?: (key: string) => boolean;
  /** Names offered by did-you-mean for an unknown key besides the DTO's own keys. */
  extraNames?: readonly string[];
  /** Message for an unknown key instead of the generic one. */
  unknownKeyMessage?: (key: string) => string | undefined;
}

/**
 * Checks one mapping against a DTO class: unknown keys (with did-you-mean), then the class-validator rules of
 * the known keys. Reports at `path`; returns true when nothing was wrong.
 */
export function checkDto(dto: DtoClass, value: Record<string, unknown>, path: Segment[], issues: Issues, options: DtoCheckOptions = {}): boolean {
  const keys = dtoKeys(dto);
  let ok = true;
  for (const key of Object.keys(value)) {
    if (keys.includes(key) || options.extraKey?.(key)) continue;
    const special = options.unknownKeyMessage?.(key);
    issues.error([...path, key], special ?? `unknown key "${key}"${didYouMean(key, [...keys, ...(options.extraNames ?? [])])}`, 'key');
    ok = false;
  }
  const instance = Object.assign(new dto(), Object.fromEntries(keys.filter((k) => Object.hasOwn(value, k)).map((k) => [k, value[k]])));
  for (const error of validateSync(instance, { forbidUnknownValues: false })) {
    issues.error([...path, error.property], firstMessage(dto, error));
    ok = false;
  }
  return ok;
}

/** Constraint order for reporting: a wrong type says more than a wrong content. */
const PRIORITY = ['isObject', 'isArray', 'isString', 'isBoolean', 'isIn', 'arrayNotEmpty', 'isNotEmpty'];

/** One message per property: its most basic failed constraint. */
function firstMessage(dto: DtoClass, error: ValidationError): string {
  if (error.value === undefined) return 'is required';
  if (error.value === null) return 'has no value: give one, or remove the key';
  const failed = Object.entries(error.constraints ?? {});
  const rank = (name: string): number => (PRIORITY.includes(name) ? PRIORITY.indexOf(name) : -1);
  failed.sort(([a], [b]) => rank(a) - rank(b));
  const [name, fallback] = failed[0] ?? ['', 'is invalid'];
  const message = MESSAGES[name];
  return message ? message(error.value, allowedValues(dto, error.property)) : fallback;
}
