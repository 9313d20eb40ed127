import { isRecord } from '../common/http.js';
import { recordInvalid, zdFail } from './zendesk.errors.js';
import { coerceUserFields, normaliseTags } from './zendesk.fields.js';
import type { ZendeskSimulator } from './zendesk.simulator.js';
import type { ZdUser } from './zendesk.store.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const ROLES = ['end-user', 'agent', 'admin'];
type Problems = Record<string, { error: string; description: string }[]>;

/** Validates a `user` object into stored fields; collects every problem into one 422 like Zendesk. */
function prepare(sim: ZendeskSimulator, input: unknown, self?: ZdUser): Partial<ZdUser> {
  if (!isRecord(input)) zdFail(400, 'InvalidValue', 'user must be an object');
  const out: Partial<ZdUser> = {};
  const problems: Problems = {};
  const add = (field: string, error: string, description: string) => (problems[field] ??= []).push({ error, description });
  if (input.name !== undefined) out.name = String(input.name ?? '').trim();
  if (!self && !out.name) add('name', 'BlankValue', 'Name: cannot be blank');
  if (input.email !== undefined && input.email !== null) {
    const email = String(input.email).trim().toLowerCase();
    const owner = sim.store.byEmail(email);
    if (!EMAIL.test(email)) add('email', 'InvalidValue', 'Email: is not properly formatted');
    else if (owner && owner.id !== self?.id) add('email', 'DuplicateValue', `Email: ${email} is already being used by another user`);
    out.email = email;
  }
  if (input.external_id !== undefined) {
    const ext = input.external_id === null ? null : String(input.external_id);
    const owner = ext === null ? undefined : sim.store.byExternalId(ext);
    if (owner && owner.id !== self?.id) add('external_id', 'DuplicateValue', 'External ID: has already been taken');
    out.external_id = ext;
  }
  if (input.phone !== undefined) out.phone = (sim.reformatField('phone', input.phone === null ? null : String(input.phone)) ?? null) || null;
  if (input.role !== undefined) {
    if (!ROLES.includes(String(input.role))) add('role', 'InvalidValue', 'Role: is invalid');
    out.role = String(input.role);
  }
  if (input.tags !== undefined) out.tags = normaliseTags(input.tags);
  if (input.user_fields !== undefined) {
    const { values, errors } = coerceUserFields(input.user_fields);
    if (errors.length > 0) problems.user_fields = errors;
    for (const [key, value] of Object.entries(values)) values[key] = typeof value === 'string' ? sim.reformatField(`user_fields.${key}`, value) : value;
    out.user_fields = { ...(self?.user_fields ?? {}), ...values };
  }
  for (const key of ['notes', 'details', 'alias', 'locale', 'time_zone'] as const) if (typeof input[key] === 'string') out[key] = input[key];
  for (const key of ['verified', 'suspended'] as const) if (typeof input[key] === 'boolean') out[key] = input[key];
  if (typeof input.organization_id === 'number' || input.organization_id === null) out.organization_id = input.organization_id;
  if (Object.keys(problems).length > 0) recordInvalid(problems);
  return out;
}

export function createUser(sim: ZendeskSimulator, input: unknown): ZdUser {
  const fields = prepare(sim, input);
  const user = sim.store.create({ ...fields, name: fields.name ?? '' }, sim.clock.now());
  sim.stats.write(`users:${user.id}`);
  sim.event('user.created', user, { current: null });
  return user;
}

const SIMPLE_EVENTS: [keyof ZdUser, string][] = [
  ['name', 'user.name_changed'],
  ['external_id', 'user.external_id_changed'],
  ['role', 'user.role_changed'],
  ['active', 'user.active_changed'],
  ['tags', 'user.tags_changed'],
];

/** Applies changed fields, bumps updated_at only on a real change, and raises one event per kind of change. */
export function applyChange(sim: ZendeskSimulator, user: ZdUser, fields: Partial<ZdUser>): ZdUser {
  const before = structuredClone(user);
  Object.assign(user, fields);
  sim.store.emailChanged(user, before.email);
  sim.stats.write(`users:${user.id}`);
  const same = (k: keyof ZdUser) => JSON.stringify(before[k]) === JSON.stringify(user[k]);
  const keys = Object.keys(fields) as (keyof ZdUser)[];
  if (keys.every(same)) return user;
  user.updated_at = sim.clock.now();
  for (const [key, type] of SIMPLE_EVENTS) if (!same(key)) sim.event(type, user, { previous: before[key], current: user[key] });
  for (const kind of ['email', 'phone'] as const) {
    if (!same(kind)) sim.event('user.identity_changed', user, { previous: { type: kind, value: before[kind] }, current: { type: kind, value: user[kind] } });
  }
  for (const key of new Set([...Object.keys(before.user_fields), ...Object.keys(user.user_fields)])) {
    if (JSON.stringify(before.user_fields[key]) !== JSON.stringify(user.user_fields[key])) {
      sim.event('user.custom_field_changed', user, { field: { key }, previous: before.user_fields[key] ?? null, current: user.user_fields[key] ?? null });
    }
  }
  return user;
}

export function updateUser(sim: ZendeskSimulator, user: ZdUser, input: unknown): ZdUser {
  return applyChange(sim, user, prepare(sim, input, user));
}

/** create_or_update: matched by email, then external_id (case-insensitive; the stored id takes the request's case). */
export function upsertUser(sim: ZendeskSimulator, input: unknown): { user: ZdUser; created: boolean } {
  const record = isRecord(input) ? input : {};
  const byEmail = typeof record.email === 'string' ? sim.store.byEmail(record.email) : undefined;
  const byExt = record.external_id !== undefined && record.external_id !== null ? sim.store.byExternalId(String(record.external_id)) : undefined;
  const existing = byEmail ?? byExt;
  if (existing) return { user: updateUser(sim, existing, input), created: false };
  return { user: createUser(sim, input), created: true };
}

export function softDelete(sim: ZendeskSimulator, user: ZdUser): ZdUser {
  applyChange(sim, user, { active: false, deletion: 'soft' });
  return user;
}

/** Permanent deletion scrubs the personal data and leaves a tombstone under deleted_users. */
export function permanentDelete(sim: ZendeskSimulator, user: ZdUser): void {
  const previous = user.email;
  Object.assign(user, { name: 'Permanently Deleted User', email: null, phone: null, external_id: null, tags: [], user_fields: {}, notes: '', details: '', deletion: 'permanent', updated_at: sim.clock.now() });
  sim.store.emailChanged(user, previous);
  sim.stats.write(`users:${user.id}`);
}

/** Merges `source` into `target`: the target keeps its values and gains what it lacked; the source is soft-deleted. */
export function mergeUsers(sim: ZendeskSimulator, source: ZdUser, target: ZdUser): ZdUser {
  if (source.id === target.id || target.deletion !== 'none' || source.role !== 'end-user') zdFail(422, 'InvalidValue', 'Only a different, active end user can be merged');
  const fill: Partial<ZdUser> = {};
  if (!target.phone && source.phone) fill.phone = source.phone;
  if (!target.external_id && source.external_id) fill.external_id = source.external_id;
  fill.tags = [...new Set([...target.tags, ...source.tags])];
  fill.user_fields = { ...source.user_fields, ...Object.fromEntries(Object.entries(target.user_fields).filter(([, v]) => v !== null)) };
  const previous = source.email;
  Object.assign(source, { email: null, external_id: null });
  sim.store.emailChanged(source, previous);
  softDelete(sim, source);
  sim.event('user.merged', source, { current: { id: String(target.id) } });
  return applyChange(sim, target, fill);
}
