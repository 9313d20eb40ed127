import { getTransform, TRANSFORM_NAMES, type TransformName, type TransformSpec } from '@tandem/core';
import { didYouMean } from '../did-you-mean.js';
import { checkDto } from '../dto/check-dto.js';
import { TransformDto } from '../dto/field.dto.js';
import { isMapping } from '../dto/validators.js';
import type { Issues } from '../issues.js';
import type { Segment } from '../yaml-source.js';

function isTransformName(name: string): name is TransformName {
  return (TRANSFORM_NAMES as readonly string[]).includes(name);
}

/** Option names a transform accepts. */
export function transformOptionNames(name: TransformName): readonly string[] {
  return getTransform(name)?.optionNames ?? [];
}

/** Why this transform with these options cannot be used both ways, or null. */
export function transformLossy(name: TransformName, options: Record<string, unknown>): string | null {
  return getTransform(name)?.lossy(options) ?? null;
}

/**
 * `transform: phone_e164` or `transform: { name: phone_e164, region: US }` → a TransformSpec. Unknown names and
 * options are reported with did-you-mean.
 */
export function resolveTransform(raw: unknown, path: Segment[], issues: Issues): TransformSpec | undefined {
  if (typeof raw === 'string') return checkedName(raw, path, issues) ? { name: raw as TransformName, options: {} } : undefined;
  if (!isMapping(raw) || !checkDto(TransformDto, raw, path, issues, { extraKey: () => true })) return undefined;
  const name = raw.name as string;
  if (!checkedName(name, [...path, 'name'], issues)) return undefined;
  const options = Object.fromEntries(Object.entries(raw).filter(([key]) => key !== 'name'));
  const known = transformOptionNames(name as TransformName);
  let ok = true;
  for (const option of Object.keys(options)) {
    if (known.includes(option)) continue;
    const accepted = known.length ? `; it takes ${known.join(', ')}` : '; it takes no options';
    issues.error([...path, option], `transform "${name}" has no option "${option}"${didYouMean(option, known)}${accepted}`, 'key');
    ok = false;
  }
  return ok ? { name: name as TransformName, options } : undefined;
}

function checkedName(name: string, path: Segment[], issues: Issues): boolean {
  if (isTransformName(name)) return true;
  issues.error(path, `unknown transform "${name}"${didYouMean(name, TRANSFORM_NAMES)}`);
  return false;
}
