/**
 * Mailchimp member fields: the catalogue `describe` returns, the raw record shape reads produce, and the translation
 * of a write's dotted paths (`merge_fields.FNAME`, `tags`, `status`) into a member body.
 */
import { fieldInfo, type AppRecord, type FieldInfo } from '@tandem/connector-sdk';
import type { McMember, McMergeField } from './mailchimp.client.js';

export const MEMBER_STATUSES = ['subscribed', 'unsubscribed', 'cleaned', 'pending', 'transactional', 'archived'];

/** Member fields every audience has; merge fields are added from the audience's own definitions. */
export const MEMBER_FIELDS: readonly FieldInfo[] = Object.freeze([
  fieldInfo('email_address', 'string', { requiredOnCreate: true }),
  fieldInfo('status', 'enum', { options: MEMBER_STATUSES, requiredOnCreate: true }),
  fieldInfo('tags', 'set'),
  fieldInfo('email_type', 'enum', { options: ['html', 'text'] }),
  fieldInfo('language', 'string'),
  fieldInfo('vip', 'boolean'),
  fieldInfo('contact_id', 'string', { readOnly: true }),
  fieldInfo('id', 'string', { readOnly: true }),
  fieldInfo('unique_email_id', 'string', { readOnly: true }),
  fieldInfo('web_id', 'number', { readOnly: true }),
  fieldInfo('source', 'string', { readOnly: true }),
  fieldInfo('timestamp_signup', 'datetime', { readOnly: true }),
  fieldInfo('timestamp_opt', 'datetime', { readOnly: true }),
  fieldInfo('last_changed', 'datetime', { readOnly: true }),
]);

const MERGE_TYPES: Record<string, FieldInfo['type']> = {
  number: 'number',
  date: 'date',
  dropdown: 'enum',
  radio: 'enum',
};

/** A merge-field definition as a catalogue entry (`merge_fields.TAG`). */
export function mergeFieldInfo(def: McMergeField): FieldInfo {
  const type = MERGE_TYPES[def.type] ?? 'string';
  const options = type === 'enum' && Array.isArray(def.options?.choices) ? [...def.options.choices] : undefined;
  return fieldInfo(`merge_fields.${def.tag}`, type, {
    requiredOnCreate: def.required === true,
    ...(options ? { options } : {}),
  });
}

const READ_ONLY = new Set(MEMBER_FIELDS.filter((f) => f.readOnly).map((f) => f.path));
const KEPT = ['email_address', 'status', 'email_type', 'language', 'vip', 'interests', ...READ_ONLY];

/** Mailchimp times are ISO 8601 to the second; epoch ms, or NaN when unreadable. */
export function parseMcTime(value: unknown): number {
  return typeof value === 'string' ? Date.parse(value) : Number.NaN;
}

/** Mailchimp's own time format for query parameters. */
export function mcTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}+00:00`;
}

/** The member as a raw record: id = contact_id (the MD5 `id` changes with the email and stays in fields). */
export function toAppRecord(member: McMember): AppRecord {
  const fields: Record<string, unknown> = {};
  for (const key of KEPT) if (member[key] !== undefined) fields[key] = member[key];
  fields.merge_fields = { ...(member.merge_fields ?? {}) };
  fields.tags = (member.tags ?? []).map((t) => t.name);
  const updatedAt = parseMcTime(member.last_changed);
  return {
    id: member.contact_id,
    version: Number.isFinite(updatedAt) ? String(updatedAt) : null,
    fields,
    ...(Number.isFinite(updatedAt) ? { updatedAt } : {}),
    ...(member.status === 'archived' ? { deleted: true } : {}),
  };
}

/** Merge values Mailchimp accepts: "" clears a field of any type; booleans must be strings. */
function mergeValue(value: unknown): unknown {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return String(value);
  return value;
}

export interface MemberChange {
  /** The member body (email_address, status, merge_fields, …) without tags. */
  body: Record<string, unknown>;
  /** The wanted tag set, when the write names `tags`. */
  tags?: string[];
}

export type FieldProblem = { code: string; message: string; field: string };

/** Turns a write's dotted (or nested) fields into a member body; read-only or unknown paths are a per-op problem. */
export function toMemberChange(fields: Record<string, unknown>): MemberChange | FieldProblem {
  const body: Record<string, unknown> = {};
  const merges: Record<string, unknown> = {};
  let tags: string[] | undefined;
  for (const [path, value] of Object.entries(fields)) {
    if (path === 'tags') tags = toTagList(value);
    else if (path === 'merge_fields' && isPlainObject(value)) {
      for (const [tag, v] of Object.entries(value)) merges[tag] = mergeValue(v);
    } else if (path.startsWith('merge_fields.')) merges[path.slice('merge_fields.'.length)] = mergeValue(value);
    else if (path.startsWith('interests.')) {
      body.interests = { ...(body.interests as object), [path.slice('interests.'.length)]: value === true };
    } else if (READ_ONLY.has(path)) {
      return { code: 'READ_ONLY_FIELD', message: `mailchimp field ${path} is read-only`, field: path };
    } else if (['email_address', 'status', 'email_type', 'language', 'vip', 'interests'].includes(path)) {
      body[path] = value;
    } else {
      return { code: 'UNKNOWN_FIELD', message: `mailchimp members have no field ${path}`, field: path };
    }
  }
  if (Object.keys(merges).length > 0) body.merge_fields = merges;
  return tags === undefined ? { body } : { body, tags };
}

/** Distinct tag names; Mailchimp compares tag names ignoring case. */
export function toTagList(value: unknown): string[] {
  if (value === null || value === undefined || value === '') return [];
  const items = Array.isArray(value) ? value : [value];
  const out: string[] = [];
  for (const item of items) {
    const name = String(item).trim();
    if (name !== '' && !out.some((t) => t.toLowerCase() === name.toLowerCase())) out.push(name);
  }
  return out;
}

/** The tag changes that turn `current` into `wanted` (case-insensitive, as Mailchimp matches names). */
export function tagDiff(current: string[], wanted: string[]): { name: string; status: 'active' | 'inactive' }[] {
  const has = (list: string[], name: string) => list.some((t) => t.toLowerCase() === name.toLowerCase());
  return [
    ...wanted.filter((t) => !has(current, t)).map((name) => ({ name, status: 'active' as const })),
    ...current.filter((t) => !has(wanted, t)).map((name) => ({ name, status: 'inactive' as const })),
  ];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
