import type { FieldAppSpec, FieldSpec, Scalar, TransformSpec } from '@tandem/core';
import { didYouMean } from '../did-you-mean.js';
import { checkDto, dtoKeys } from '../dto/check-dto.js';
import { FieldDto, FieldMemberDto } from '../dto/field.dto.js';
import { isMapping } from '../dto/validators.js';
import type { Issues } from '../issues.js';
import type { Segment } from '../yaml-source.js';
import { parseDirection } from './direction.js';
import { resolveTransform, transformOptionNames } from './transforms.js';
import { resolveValueMap } from './value-map.js';

/** What the sync-level checks need to know about a field beyond its FieldSpec. */
export interface FieldDraft {
  spec: FieldSpec;
  path: Segment[];
  /** Where each app's path is written, for duplicate-path and set/scalar messages. */
  appPathAt: Record<string, Segment[]>;
  /** Several apps both read and write this field. */
  twoWay: boolean;
}

export interface FieldContext {
  issues: Issues;
  members: string[];
  connections: string[];
}

/** Placeholder rule until the sync's `conflicts` section is applied. */
const NO_RULE_YET = { kind: 'last-write-wins', recordTimestamps: false, skewMs: 0 } as const;

/** One entry of `fields:` → a FieldDraft, or undefined when it has errors (all reported). */
export function resolveField(name: string, raw: unknown, path: Segment[], ctx: FieldContext): FieldDraft | undefined {
  const { issues } = ctx;
  if (!isMapping(raw)) {
    issues.error(path, 'must be a mapping of member: path (e.g. { crm: email, mail: email_address })');
    return undefined;
  }
  let ok = checkDto(FieldDto, raw, path, issues, {
    extraKey: (key) => ctx.members.includes(key),
    extraNames: ctx.members,
    unknownKeyMessage: (key) => unknownFieldKey(key, ctx),
  });
  const field = raw as FieldDto;
  const type = field.type === 'set' ? 'set' : 'scalar';
  const transform = field.transform === undefined ? undefined : resolveTransform(field.transform, [...path, 'transform'], issues);
  if (field.transform !== undefined && transform === undefined) ok = false;

  const apps: Record<string, FieldAppSpec> = {};
  const appPathAt: Record<string, Segment[]> = {};
  for (const app of ctx.members.filter((m) => Object.hasOwn(raw, m))) {
    const resolved = resolveFieldApp(raw[app], [...path, app], transform, issues);
    if (!resolved) {
      ok = false;
      continue;
    }
    apps[app] = resolved.spec;
    appPathAt[app] = resolved.pathAt;
  }
  if (Object.keys(apps).length === 0 && ok) {
    issues.error(path, `maps no member; name at least one of ${ctx.members.join(', ')}`);
    ok = false;
  }
  ok = applyDirection(field, apps, path, issues) && ok;
  ok = checkTypeKeys(field, type, path, issues) && ok;
  if (!ok) return undefined;

  const spec: FieldSpec = { name, type, apps, rule: NO_RULE_YET };
  if (transform) spec.transform = transform;
  if (field.default !== undefined) spec.default = field.default as Scalar;
  if (field.template !== undefined) spec.template = field.template;
  if (field.only !== undefined) spec.only = field.only;
  const writers = Object.values(apps).filter((a) => a.read && a.write).length;
  return { spec, path, appPathAt, twoWay: writers >= 2 };
}

function unknownFieldKey(key: string, ctx: FieldContext): string | undefined {
  if (key === 'map') return '"map" belongs to a member: write <member>: { path: …, map: { <app value>: <canonical value> } }';
  if (ctx.connections.includes(key)) return `"${key}" is a connection but not a member of this sync`;
  return `unknown member or key "${key}"${didYouMean(key, [...ctx.members, ...dtoKeys(FieldDto)])}`;
}

/** `crm: email` or `crm: { path, map, reverse, unmapped, format, write }`. */
function resolveFieldApp(raw: unknown, path: Segment[], transform: TransformSpec | undefined, issues: Issues): { spec: FieldAppSpec; pathAt: Segment[] } | undefined {
  const base = { read: true, write: true, writeMode: 'always' as const };
  if (typeof raw === 'string' && raw !== '') return { spec: { path: raw, ...base }, pathAt: path };
  if (!isMapping(raw)) {
    issues.error(path, 'must be an app field path or { path, map, format, write }');
    return undefined;
  }
  if (!checkDto(FieldMemberDto, raw, path, issues)) return undefined;
  const member = raw as unknown as FieldMemberDto;
  const spec: FieldAppSpec = { ...base, path: member.path, writeMode: member.write === 'if-empty' ? 'if-empty' : 'always' };
  const map = resolveValueMap(member, path, issues);
  if (member.map !== undefined && map === undefined) return undefined;
  if (map) spec.map = map;
  if (member.format !== undefined) {
    if (!transform || !transformOptionNames(transform.name).includes('format')) {
      issues.error([...path, 'format'], '"format" needs a transform that takes a format (e.g. transform: date)', 'key');
      return undefined;
    }
    spec.transformOptions = { format: member.format };
  }
  return { spec, pathAt: [...path, 'path'] };
}

/** Sets read/write of every app from `direction` (or `template`, which is write-only). */
function applyDirection(field: FieldDto, apps: Record<string, FieldAppSpec>, path: Segment[], issues: Issues): boolean {
  if (field.template !== undefined) {
    if (field.direction !== undefined) {
      issues.error([...path, 'direction'], 'a template field is one-way already: it is written, never read', 'key');
      return false;
    }
    for (const app of Object.values(apps)) app.read = false;
    return true;
  }
  if (field.direction === undefined || typeof field.direction !== 'string') return true;
  const direction = parseDirection(field.direction);
  const at = [...path, 'direction'];
  if ('error' in direction) {
    issues.error(at, direction.error);
    return false;
  }
  if (direction.kind === 'both') return true;
  const mapped = Object.keys(apps);
  const named = [...direction.from, ...direction.to];
  const problems = [
    ...named.filter((n) => !mapped.includes(n)).map((n) => `"${n}" does not map this field${didYouMean(n, mapped)}`),
    ...named.filter((n, i) => named.indexOf(n) !== i).map((n) => `"${n}" is named twice`),
    ...mapped.filter((n) => !named.includes(n)).map((n) => `"${n}" maps this field but is not in the direction`),
  ];
  for (const problem of problems) issues.error(at, `direction: ${problem}`);
  if (problems.length) return false;
  for (const [app, spec] of Object.entries(apps)) {
    spec.read = direction.from.includes(app);
    spec.write = direction.to.includes(app);
  }
  return true;
}

/** Keys that only make sense for one field type. */
function checkTypeKeys(field: FieldDto, type: 'scalar' | 'set', path: Segment[], issues: Issues): boolean {
  const wrong: [string, string][] = [];
  if (type === 'scalar' && field.only !== undefined) wrong.push(['only', '"only" applies to set fields (type: set)']);
  if (type === 'set' && field.template !== undefined) wrong.push(['template', 'a set field cannot have a template']);
  if (type === 'set' && field.default !== undefined) wrong.push(['default', 'a set field cannot have a default']);
  for (const [key, message] of wrong) issues.error([...path, key], message, 'key');
  return wrong.length === 0;
}
