import type { DeletePolicy, MemberSpec, SyncSpec } from '@tandem/core';
import { didYouMean } from '../did-you-mean.js';
import { checkDto } from '../dto/check-dto.js';
import { SyncDto } from '../dto/sync.dto.js';
import { isMapping, wholeNumber } from '../dto/validators.js';
import type { Issues } from '../issues.js';
import type { ConnectionConfig } from '../types.js';
import type { Segment } from '../yaml-source.js';
import { applyConflicts } from './conflicts.js';
import { isSchedule, parseDuration } from './durations.js';
import { resolveField, type FieldDraft } from './field.js';
import { checkDuplicatePaths, checkLossyTransforms, checkSetPaths, checkTemplateRefs } from './field-checks.js';
import { resolveMember } from './member.js';
import { checkName } from '../names.js';

const DEFAULT_DEBOUNCE_MS = 2000;

/** `syncs.<name>` → SyncSpec, or undefined when it has errors (every one reported). */
export function resolveSync(name: string, raw: unknown, connections: Record<string, ConnectionConfig>, issues: Issues): SyncSpec | undefined {
  const path: Segment[] = ['syncs', name];
  if (!isMapping(raw)) {
    issues.error(path, 'must be a mapping with members, match and fields');
    return undefined;
  }
  const before = issues.errorCount;
  checkDto(SyncDto, raw, path, issues);
  const sync = raw as unknown as SyncDto;
  const members = resolveMembers(sync.members, [...path, 'members'], connections, issues);
  // Names declared in the file, valid or not: a broken member or field is reported once, not again by
  // every check that mentions it.
  const names = isMapping(sync.members) ? Object.keys(sync.members).filter((m) => Object.hasOwn(connections, m)) : [];
  const declaredFields = isMapping(sync.fields) ? Object.keys(sync.fields) : [];
  const fields = resolveFields(sync.fields, [...path, 'fields'], names, Object.keys(connections), issues);
  checkFieldRelations(fields, declaredFields, members, path, issues);
  checkDuplicatePaths(fields, issues);
  checkSetPaths(fields, connections, issues);
  checkLossyTransforms(fields, issues);
  applyConflicts(sync.conflicts, [...path, 'conflicts'], fields, declaredFields, names, issues);
  const match = checkMatch(sync.match, fields, declaredFields, [...path, 'match'], issues);
  const authority = resolveAuthority(sync.authority, names, [...path, 'authority'], issues);
  const onLink = resolveOnLink(sync.onLink, names, [...path, 'onLink'], issues);
  const timing = resolveTiming(sync, path, issues);
  if (issues.errorCount > before) return undefined;
  const spec: SyncSpec = {
    name,
    members,
    match,
    authority,
    onLink,
    // archive by default: a delete in one app never destroys data in another unless the user asks for it.
    deletes: (sync.deletes ?? 'archive') as DeletePolicy,
    onDeleteConflict: sync.onDeleteConflict === 'delete-wins' ? 'delete-wins' : 'edit-wins',
    fields: fields.map((f) => f.spec),
    debounceMs: timing.debounceMs,
  };
  if (sync.schedule !== undefined) spec.schedule = sync.schedule;
  if (timing.maxDeletes !== undefined) spec.maxDeletes = timing.maxDeletes;
  return spec;
}

function resolveMembers(raw: unknown, path: Segment[], connections: Record<string, ConnectionConfig>, issues: Issues): Record<string, MemberSpec> {
  if (!isMapping(raw)) return {};
  const known = Object.keys(connections);
  const members: Record<string, MemberSpec> = {};
  for (const [app, value] of Object.entries(raw)) {
    if (!known.includes(app)) {
      issues.error([...path, app], `unknown connection "${app}"${didYouMean(app, known)}`, 'key');
      continue;
    }
    const member = resolveMember(app, value, [...path, app], connections[app].type, issues);
    if (member) members[app] = member;
  }
  const count = Object.keys(raw).length;
  if (count < 2) issues.error(path, `a sync needs at least 2 members, found ${count}`);
  return members;
}

function resolveFields(raw: unknown, path: Segment[], members: string[], connections: string[], issues: Issues): FieldDraft[] {
  if (!isMapping(raw)) return [];
  if (Object.keys(raw).length === 0) issues.error(path, 'a sync needs at least one field');
  const named = Object.entries(raw).filter(([name]) => checkName('field', name, [...path, name], issues));
  const drafts = named.map(([name, value]) => resolveField(name, value, [...path, name], { issues, members, connections }));
  return drafts.filter((d): d is FieldDraft => d !== undefined);
}

/** Templates (field and onCreate) may only refer to canonical fields of this sync. */
function checkFieldRelations(fields: FieldDraft[], names: string[], members: Record<string, MemberSpec>, path: Segment[], issues: Issues): void {
  for (const field of fields) {
    if (field.spec.template !== undefined) checkTemplateRefs(field.spec.template, [...field.path, 'template'], names, issues, field.spec.name);
  }
  for (const member of Object.values(members)) {
    for (const [key, value] of Object.entries(member.onCreate)) {
      if (typeof value === 'string') checkTemplateRefs(value, [...path, 'members', member.app, 'onCreate', key], names, issues);
    }
  }
}

function checkMatch(raw: unknown, fields: FieldDraft[], names: string[], path: Segment[], issues: Issues): string[] {
  if (!Array.isArray(raw)) return [];
  raw.forEach((key: unknown, index) => {
    if (typeof key !== 'string') return;
    const field = fields.find((f) => f.spec.name === key);
    if (!field && names.includes(key)) return;
    if (!field) issues.error([...path, index], `match key "${key}" is not a mapped field${didYouMean(key, names)}`);
    else if (field.spec.type === 'set') issues.error([...path, index], `match key "${key}" is a set field; identity keys are single values`);
    else if (field.spec.template !== undefined) issues.error([...path, index], `match key "${key}" is a template field, which is never read`);
  });
  return raw as string[];
}

function resolveAuthority(raw: unknown, members: string[], path: Segment[], issues: Issues): string[] {
  if (!Array.isArray(raw)) return members;
  const listed = raw.filter((a): a is string => typeof a === 'string');
  listed.forEach((app, index) => {
    if (!members.includes(app)) issues.error([...path, index], `"${app}" is not a member of this sync${didYouMean(app, members)}`);
    else if (listed.indexOf(app) !== index) issues.error([...path, index], `"${app}" is listed twice`);
  });
  const missing = members.filter((m) => !listed.includes(m));
  if (missing.length) issues.error(path, `authority must list every member; missing: ${missing.join(', ')}`);
  return listed;
}

function resolveOnLink(raw: unknown, members: string[], path: Segment[], issues: Issues): SyncSpec['onLink'] {
  if (raw === undefined || raw === 'authority') return { kind: 'authority' };
  if (isMapping(raw) && Object.keys(raw).length === 1 && typeof raw.prefer === 'string') {
    if (members.includes(raw.prefer)) return { kind: 'prefer', app: raw.prefer };
    issues.error([...path, 'prefer'], `"${raw.prefer}" is not a member of this sync${didYouMean(raw.prefer, members)}`);
    return { kind: 'authority' };
  }
  const hint = typeof raw === 'string' ? didYouMean(raw, ['authority']) : '';
  issues.error(path, `onLink must be "authority" or { prefer: <member> }${hint}`);
  return { kind: 'authority' };
}

function resolveTiming(sync: SyncDto, path: Segment[], issues: Issues): { debounceMs: number; maxDeletes?: number } {
  if (typeof sync.schedule === 'string' && !isSchedule(sync.schedule)) {
    issues.error([...path, 'schedule'], `schedule must be an interval (30s, 5m, 1h, 1d) or a cron expression, not "${sync.schedule}"`);
  }
  let debounceMs = DEFAULT_DEBOUNCE_MS;
  if (typeof sync.debounce === 'string') {
    const parsed = parseDuration(sync.debounce);
    if (parsed === undefined) issues.error([...path, 'debounce'], `debounce must be a duration such as 2s or 500ms, not "${sync.debounce}"`);
    else debounceMs = parsed;
  }
  // An invalid value was reported by the DTO check; it is read only in a form that cannot throw.
  const maxDeletes = wholeNumber(sync.maxDeletes);
  return maxDeletes === undefined ? { debounceMs } : { debounceMs, maxDeletes };
}
