import type { Scalar, UnmappedPolicy, ValueMapSpec } from '@tandem/core';
import { didYouMean } from '../did-you-mean.js';
import { UNMAPPED_POLICIES } from '../dto/field.dto.js';
import { isMapping, isScalarValue } from '../dto/validators.js';
import type { Issues } from '../issues.js';
import type { Segment } from '../yaml-source.js';

/** The map-related keys of a member's long form. */
export interface MapInput {
  map?: Record<string, unknown>;
  reverse?: Record<string, unknown>;
  unmapped?: unknown;
}

/**
 * `map: { <app value>: <canonical value> }` with optional `reverse: { <canonical>: <app value> }` and
 * `unmapped`. A map where several app values give one canonical value needs a `reverse` entry for it,
 * otherwise Tandem would not know which app value to write.
 */
export function resolveValueMap(input: MapInput, path: Segment[], issues: Issues): ValueMapSpec | undefined {
  if (input.map === undefined) {
    for (const key of ['reverse', 'unmapped'] as const) {
      if (input[key] !== undefined) issues.error([...path, key], `"${key}" needs a "map"`, 'key');
    }
    return undefined;
  }
  const toCanonical = scalarEntries(input.map, [...path, 'map'], issues);
  const reverse = input.reverse === undefined ? {} : scalarEntries(input.reverse, [...path, 'reverse'], issues);
  const unmapped = resolveUnmapped(input.unmapped, [...path, 'unmapped'], issues);
  if (!toCanonical || !reverse || !unmapped) return undefined;
  const fromCanonical = invert(toCanonical, reverse, path, issues);
  return fromCanonical ? { toCanonical, fromCanonical, unmapped } : undefined;
}

function scalarEntries(value: Record<string, unknown>, path: Segment[], issues: Issues): Record<string, Scalar> | undefined {
  let ok = true;
  for (const [key, entry] of Object.entries(value)) {
    if (isScalarValue(entry)) continue;
    issues.error([...path, key], 'must be a single value, not a list or mapping');
    ok = false;
  }
  return ok ? (value as Record<string, Scalar>) : undefined;
}

function invert(toCanonical: Record<string, Scalar>, reverse: Record<string, Scalar>, path: Segment[], issues: Issues): Record<string, Scalar> | undefined {
  const sources = new Map<string, string[]>();
  for (const [raw, canonical] of Object.entries(toCanonical)) {
    const key = String(canonical);
    sources.set(key, [...(sources.get(key) ?? []), raw]);
  }
  let ok = true;
  // A Map, not an object literal: a canonical value such as "__proto__" must stay an ordinary key.
  const fromCanonical = new Map<string, Scalar>();
  for (const [canonical, raws] of sources) {
    if (Object.hasOwn(reverse, canonical)) continue;
    if (raws.length === 1) {
      fromCanonical.set(canonical, raws[0]);
      continue;
    }
    const list = raws.map((r) => `"${r}"`).join(' and ');
    issues.error([...path, 'map'], `map is not invertible: ${list} all give "${canonical}"; add reverse: { "${canonical}": <the value to write> }`);
    ok = false;
  }
  for (const [canonical, raw] of Object.entries(reverse)) {
    const raws = sources.get(canonical);
    if (raws === undefined) {
      issues.error([...path, 'reverse', canonical], `reverse entry "${canonical}" is not a value of the map${didYouMean(canonical, [...sources.keys()])}`, 'key');
      ok = false;
    } else if (!raws.includes(String(raw))) {
      issues.error([...path, 'reverse', canonical], `reverse "${canonical}" must be one of the app values that map to it: ${raws.join(', ')}`);
      ok = false;
    } else {
      fromCanonical.set(canonical, raw);
    }
  }
  return ok ? Object.fromEntries(fromCanonical) : undefined;
}

/** Default `error`: an app value the map does not know is flagged and never copied to other apps. */
function resolveUnmapped(value: unknown, path: Segment[], issues: Issues): UnmappedPolicy | undefined {
  if (value === undefined) return { kind: 'error' };
  if (typeof value === 'string' && (UNMAPPED_POLICIES as readonly string[]).includes(value)) {
    return { kind: value as 'pass' | 'drop' | 'error' };
  }
  if (isMapping(value) && Object.keys(value).length === 1 && 'default' in value && isScalarValue(value.default)) {
    return { kind: 'default', value: value.default };
  }
  const hint = typeof value === 'string' ? didYouMean(value, UNMAPPED_POLICIES) : '';
  issues.error(path, `unmapped must be pass, drop, error or { default: <value> }${hint}`);
  return undefined;
}
