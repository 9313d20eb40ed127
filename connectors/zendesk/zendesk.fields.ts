/**
 * Zendesk user fields: the catalogue `describe` returns (system fields plus the account's `user_fields`), the raw record
 * reads produce, and a write's dotted paths (`user_fields.plan`, `tags`) as a `user` body.
 */
import { fieldInfo, type AppRecord, type FieldInfo } from '@tandem/connector-sdk';
import type { ZdUser, ZdUserField } from './zendesk.client.js';

export const USER_FIELDS: readonly FieldInfo[] = Object.freeze([
  fieldInfo('name', 'string', { requiredOnCreate: true }),
  fieldInfo('email', 'string'),
  fieldInfo('phone', 'string'),
  fieldInfo('external_id', 'string'),
  fieldInfo('role', 'enum', { options: ['end-user', 'agent', 'admin'] }),
  fieldInfo('tags', 'set'),
  fieldInfo('organization_id', 'number'),
  fieldInfo('notes', 'string'),
  fieldInfo('details', 'string'),
  fieldInfo('alias', 'string'),
  fieldInfo('locale', 'string'),
  fieldInfo('time_zone', 'string'),
  fieldInfo('verified', 'boolean'),
  fieldInfo('suspended', 'boolean'),
  fieldInfo('id', 'number', { readOnly: true }),
  fieldInfo('active', 'boolean', { readOnly: true }),
  fieldInfo('created_at', 'datetime', { readOnly: true }),
  fieldInfo('updated_at', 'datetime', { readOnly: true }),
]);

const CUSTOM_TYPES: Record<string, FieldInfo['type']> = {
  integer: 'number',
  decimal: 'number',
  checkbox: 'boolean',
  date: 'date',
  dropdown: 'enum',
  multiselect: 'set',
};

/** A custom user field as `user_fields.<key>`. */
export function userFieldInfo(def: ZdUserField): FieldInfo {
  const type = CUSTOM_TYPES[def.type] ?? 'string';
  const options = def.custom_field_options?.map((o) => o.value);
  return fieldInfo(`user_fields.${def.key}`, type, options && options.length > 0 ? { options } : {});
}

const KEPT = USER_FIELDS.map((f) => f.path).filter((p) => p !== 'tags');
const WRITABLE = new Set(USER_FIELDS.filter((f) => !f.readOnly).map((f) => f.path));

export function toAppRecord(user: ZdUser): AppRecord {
  const fields: Record<string, unknown> = {};
  for (const key of KEPT) if (user[key] !== undefined) fields[key] = user[key];
  fields.tags = [...(user.tags ?? [])];
  fields.user_fields = { ...(user.user_fields ?? {}) };
  const updatedAt = Date.parse(user.updated_at);
  return {
    id: String(user.id),
    version: Number.isFinite(updatedAt) ? String(updatedAt) : null,
    fields,
    ...(Number.isFinite(updatedAt) ? { updatedAt } : {}),
    // Soft-deleted (and permanently deleted, scrubbed) users come back from the export with active: false.
    ...(user.active === false ? { deleted: true } : {}),
  };
}

export type FieldProblem = { code: string; message: string; field: string };

/** A write's dotted or nested fields as a Zendesk `user` object; custom fields merge, siblings untouched. */
export function toUserBody(
  fields: Record<string, unknown>,
): { body: Record<string, unknown> } | { problem: FieldProblem } {
  const body: Record<string, unknown> = {};
  const custom: Record<string, unknown> = {};
  for (const [path, value] of Object.entries(fields)) {
    if (path === 'user_fields' && typeof value === 'object' && value !== null && !Array.isArray(value)) {
      Object.assign(custom, value);
    } else if (path.startsWith('user_fields.')) {
      custom[path.slice('user_fields.'.length)] = value ?? null;
    } else if (path === 'tags') {
      body.tags = toTags(value);
    } else if (WRITABLE.has(path)) {
      body[path] = value ?? null;
    } else {
      const readOnly = USER_FIELDS.some((f) => f.path === path);
      const problem = readOnly
        ? { code: 'READ_ONLY_FIELD', message: `zendesk field ${path} is read-only`, field: path }
        : { code: 'UNKNOWN_FIELD', message: `zendesk users have no field ${path}`, field: path };
      return { problem };
    }
  }
  if (Object.keys(custom).length > 0) body.user_fields = custom;
  return { body };
}

/** Zendesk stores tags lowercased without spaces; sending them that way keeps the echo identical. */
export function toTags(value: unknown): string[] {
  if (value === null || value === undefined || value === '') return [];
  const items = Array.isArray(value) ? value : [value];
  const tags = items
    .flatMap((item) =>
      String(item)
        .toLowerCase()
        .split(/[\s,]+/),
    )
    .filter((t) => t !== '');
  return [...new Set(tags)];
}
