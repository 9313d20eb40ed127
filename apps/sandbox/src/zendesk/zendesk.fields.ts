import { isRecord } from '../common/http.js';

export type UserFieldType = 'text' | 'textarea' | 'integer' | 'decimal' | 'date' | 'checkbox' | 'dropdown';

export interface UserField {
  id: number;
  key: string;
  type: UserFieldType;
  title: string;
  active: boolean;
  custom_field_options?: { id: number; name: string; value: string }[];
}

function options(values: string[], base: number): UserField['custom_field_options'] {
  return values.map((value, i) => ({ id: base + i, name: value[0]!.toUpperCase() + value.slice(1), value }));
}

/** The custom user fields of the simulated account (keyed by `key` in `user_fields`). */
export const USER_FIELDS: UserField[] = [
  { id: 7001, key: 'first_name', type: 'text', title: 'First name', active: true },
  { id: 7002, key: 'last_name', type: 'text', title: 'Last name', active: true },
  { id: 7003, key: 'plan', type: 'dropdown', title: 'Plan', active: true, custom_field_options: options(['free', 'pro', 'enterprise'], 8001) },
  { id: 7004, key: 'stage', type: 'dropdown', title: 'Stage', active: true, custom_field_options: options(['lead', 'customer'], 8101) },
  { id: 7005, key: 'signup_date', type: 'date', title: 'Signup date', active: true },
  { id: 7006, key: 'vip', type: 'checkbox', title: 'VIP', active: true },
  { id: 7007, key: 'seats', type: 'integer', title: 'Seats', active: true },
];

/** Normalises one value the way Zendesk stores it, or returns an error description. Unknown keys are ignored. */
function coerce(field: UserField, value: unknown): { value: unknown } | { error: string } {
  if (value === null || value === '') return { value: null };
  switch (field.type) {
    case 'text':
    case 'textarea':
      return { value: String(value) };
    case 'integer':
      return Number.isInteger(Number(value)) ? { value: Number(value) } : { error: 'is not a number' };
    case 'decimal':
      return Number.isFinite(Number(value)) ? { value: Number(value) } : { error: 'is not a number' };
    case 'checkbox':
      return { value: value === true || value === 'true' || value === 1 };
    case 'date': {
      const ms = Date.parse(String(value));
      return Number.isFinite(ms) ? { value: `${new Date(ms).toISOString().slice(0, 10)}T00:00:00Z` } : { error: 'is not a date' };
    }
    case 'dropdown':
      return field.custom_field_options?.some((o) => o.value === value) ? { value } : { error: 'is not one of the options' };
  }
}

export function coerceUserFields(input: unknown): { values: Record<string, unknown>; errors: { error: string; description: string }[] } {
  const values: Record<string, unknown> = {};
  const errors: { error: string; description: string }[] = [];
  if (!isRecord(input)) return { values, errors };
  for (const [key, raw] of Object.entries(input)) {
    const field = USER_FIELDS.find((f) => f.key === key);
    if (!field) continue;
    const result = coerce(field, raw);
    if ('error' in result) errors.push({ error: 'InvalidValue', description: `${field.title} ${result.error}` });
    else values[key] = result.value;
  }
  return { values, errors };
}

export function renderUserFields(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(USER_FIELDS.map((f) => [f.key, values[f.key] ?? (f.type === 'checkbox' ? false : null)]));
}

/** Tags are lowercase without spaces; a value with spaces becomes several tags. */
export function normaliseTags(input: unknown): string[] {
  const raw = Array.isArray(input) ? input.map(String) : typeof input === 'string' ? [input] : [];
  return [...new Set(raw.flatMap((t) => t.toLowerCase().split(/[\s,]+/)).filter(Boolean))];
}
