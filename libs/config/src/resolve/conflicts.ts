import { CONFLICT_RULES, type ConflictRule } from '@tandem/core';
import { didYouMean } from '../did-you-mean.js';
import { checkDto } from '../dto/check-dto.js';
import { ConflictsDto, LastWriteWinsDto } from '../dto/conflicts.dto.js';
import { isMapping } from '../dto/validators.js';
import type { Issues } from '../issues.js';
import type { Segment } from '../yaml-source.js';
import { parseDuration } from './durations.js';
import type { FieldDraft } from './field.js';

/** Without a `conflicts` section: last-write-wins on field timestamps only, ties and gaps go to authority. */
export const DEFAULT_RULE: ConflictRule = { kind: 'last-write-wins', recordTimestamps: false, skewMs: 0 };

/**
 * Applies `conflicts: { default, fields: { <field>: <rule> } }` to the fields. A rule is a name
 * (`keep-non-empty`, `manual`, `last-write-wins`) or a one-key mapping (`{ prefer: crm }`,
 * `{ last-write-wins: { recordTimestamps: true, skew: 2s } }`). Set fields merge per element and take no rule.
 */
export function applyConflicts(raw: unknown, path: Segment[], fields: FieldDraft[], declared: string[], members: string[], issues: Issues): void {
  const section = isMapping(raw) ? raw : {};
  if (raw !== undefined && !checkDto(ConflictsDto, section, path, issues)) return;
  const fallback = section.default === undefined ? DEFAULT_RULE : parseRule(section.default, [...path, 'default'], members, issues);
  for (const field of fields) field.spec.rule = { ...(fallback ?? DEFAULT_RULE) };
  const perField = isMapping(section.fields) ? section.fields : {};
  for (const [name, rawRule] of Object.entries(perField)) {
    const at = [...path, 'fields', name];
    const field = fields.find((f) => f.spec.name === name);
    if (!field && declared.includes(name)) continue;
    if (!field) {
      issues.error(at, `unknown field "${name}"${didYouMean(name, declared)}`, 'key');
      continue;
    }
    if (field.spec.type === 'set') {
      issues.error(at, 'set fields merge element by element; a conflict rule does not apply', 'key');
      continue;
    }
    const rule = parseRule(rawRule, at, Object.keys(field.spec.apps), issues);
    if (rule) field.spec.rule = rule;
  }
}

function parseRule(raw: unknown, path: Segment[], apps: string[], issues: Issues): ConflictRule | undefined {
  if (typeof raw === 'string') return namedRule(raw, path, issues);
  if (!isMapping(raw) || Object.keys(raw).length !== 1) {
    issues.error(path, `must be a rule name (${CONFLICT_RULES.join(', ')}) or a one-key mapping such as { prefer: <member> }`);
    return undefined;
  }
  const [[name, options]] = Object.entries(raw);
  const at = [...path, name];
  if (name === 'prefer') return preferRule(options, at, apps, issues);
  if (name === 'last-write-wins') return lastWriteWins(options, at, issues);
  if (name === 'keep-non-empty' || name === 'manual') {
    issues.error(at, `"${name}" takes no options; write it as a plain name`, 'key');
    return undefined;
  }
  issues.error(at, `unknown conflict rule "${name}"${didYouMean(name, CONFLICT_RULES)}`, 'key');
  return undefined;
}

function namedRule(name: string, path: Segment[], issues: Issues): ConflictRule | undefined {
  switch (name) {
    case 'last-write-wins':
      return { ...DEFAULT_RULE };
    case 'keep-non-empty':
      return { kind: 'keep-non-empty' };
    case 'manual':
      return { kind: 'manual' };
    case 'prefer':
      issues.error(path, '"prefer" names a member: write { prefer: <member> }');
      return undefined;
    default:
      issues.error(path, `unknown conflict rule "${name}"${didYouMean(name, CONFLICT_RULES)}`);
      return undefined;
  }
}

function preferRule(app: unknown, path: Segment[], apps: string[], issues: Issues): ConflictRule | undefined {
  if (typeof app === 'string' && apps.includes(app)) return { kind: 'prefer', app };
  const hint = typeof app === 'string' ? didYouMean(app, apps) : '';
  issues.error(path, `prefer must name one of ${apps.join(', ')}${typeof app === 'string' ? `, not "${app}"` : ''}${hint}`);
  return undefined;
}

function lastWriteWins(options: unknown, path: Segment[], issues: Issues): ConflictRule | undefined {
  if (options === null) return { ...DEFAULT_RULE };
  if (!isMapping(options)) {
    issues.error(path, 'must be a mapping { recordTimestamps, skew }');
    return undefined;
  }
  if (!checkDto(LastWriteWinsDto, options, path, issues)) return undefined;
  const lww = options as LastWriteWinsDto;
  const skewMs = lww.skew === undefined ? 0 : parseDuration(lww.skew);
  if (skewMs === undefined) {
    issues.error([...path, 'skew'], `skew must be a duration such as 2s or 500ms, not "${lww.skew}"`);
    return undefined;
  }
  return { kind: 'last-write-wins', recordTimestamps: lww.recordTimestamps ?? false, skewMs };
}
