import type { MemberSpec, OnLeavePolicy, Scalar } from '@tandem/core';
import { checkDto } from '../dto/check-dto.js';
import { MemberDto } from '../dto/sync.dto.js';
import { isMapping, isScalarValue } from '../dto/validators.js';
import type { Issues } from '../issues.js';
import type { Segment } from '../yaml-source.js';

/** `members.<connection>: { object, create, filter, onCreate, onLeave }` → MemberSpec. */
export function resolveMember(app: string, raw: unknown, path: Segment[], connectionType: string | undefined, issues: Issues): MemberSpec | undefined {
  if (!isMapping(raw)) {
    issues.error(path, 'must be a mapping with at least { object: <app object> }');
    return undefined;
  }
  if (!checkDto(MemberDto, raw, path, issues)) return undefined;
  const member = raw as unknown as MemberDto;
  const filter = member.filter === undefined ? undefined : resolveFilter(member.filter, [...path, 'filter'], issues);
  const onCreate = member.onCreate === undefined ? {} : scalarValues(member.onCreate, [...path, 'onCreate'], issues);
  if ((member.filter !== undefined && !filter) || !onCreate) return undefined;
  const spec: MemberSpec = {
    app,
    object: member.object,
    create: member.create ?? true,
    onCreate,
    // A record that leaves the filter is unlinked by default: nothing is deleted because a filter changed.
    onLeave: (member.onLeave ?? 'unlink') as OnLeavePolicy,
  };
  if (connectionType !== undefined) spec.connectionType = connectionType;
  if (filter) spec.filter = filter;
  return spec;
}

/** `filter: { status: [subscribed, unsubscribed], role: end-user }`: one value or a list of values per path. */
function resolveFilter(raw: Record<string, unknown>, path: Segment[], issues: Issues): Record<string, Scalar[]> | undefined {
  const out: Record<string, Scalar[]> = {};
  let ok = true;
  for (const [key, value] of Object.entries(raw)) {
    const values = Array.isArray(value) ? value : [value];
    if (values.length === 0 || !values.every(isScalarValue)) {
      issues.error([...path, key], 'must be a value or a non-empty list of values');
      ok = false;
      continue;
    }
    out[key] = values;
  }
  return ok ? out : undefined;
}

function scalarValues(raw: Record<string, unknown>, path: Segment[], issues: Issues): Record<string, Scalar> | undefined {
  let ok = true;
  for (const [key, value] of Object.entries(raw)) {
    if (isScalarValue(value)) continue;
    issues.error([...path, key], 'must be a single value, not a list or mapping');
    ok = false;
  }
  return ok ? (raw as Record<string, Scalar>) : undefined;
}
