import { isRecord } from '../common/http.js';
import { invalid } from './mailchimp.errors.js';

export type MergeType = 'text' | 'number' | 'address' | 'phone' | 'date' | 'birthday' | 'dropdown';

export interface MergeField {
  merge_id: number;
  tag: string;
  name: string;
  type: MergeType;
  required: boolean;
  default_value: string;
  public: boolean;
  display_order: number;
  options: Record<string, unknown>;
}

function field(merge_id: number, tag: string, name: string, type: MergeType, options: Record<string, unknown> = {}): MergeField {
  return { merge_id, tag, name, type, required: false, default_value: '', public: true, display_order: merge_id + 1, options };
}

/** The merge fields every simulated audience has. */
export const MERGE_FIELDS: MergeField[] = [
  field(1, 'FNAME', 'First Name', 'text', { size: 25 }),
  field(2, 'LNAME', 'Last Name', 'text', { size: 25 }),
  field(3, 'ADDRESS', 'Address', 'address', { default_country: 164 }),
  field(4, 'PHONE', 'Phone Number', 'phone', { phone_format: 'none' }),
  field(5, 'BIRTHDAY', 'Birthday', 'birthday', { date_format: 'MM/DD' }),
  field(6, 'COMPANY', 'Company', 'text', { size: 25 }),
  field(7, 'PLAN', 'Plan', 'dropdown', { choices: ['free', 'pro', 'enterprise'] }),
];

const ADDRESS_KEYS = ['addr1', 'addr2', 'city', 'state', 'zip', 'country'];

function check(def: MergeField, value: unknown): string | null {
  if (value === '') return null;
  switch (def.type) {
    case 'number':
      return typeof value === 'number' || (typeof value === 'string' && Number.isFinite(Number(value))) ? null : 'Please enter a number';
    case 'address':
      return isRecord(value) && Object.keys(value).every((k) => ADDRESS_KEYS.includes(k)) ? null : 'Please enter a complete address';
    case 'birthday':
      return typeof value === 'string' && /^(0[1-9]|1[0-2])\/(0[1-9]|[12]\d|3[01])$/.test(value) ? null : 'Please enter the date as MM/DD';
    case 'dropdown':
      return typeof value === 'string' && (def.options.choices as string[]).includes(value) ? null : 'Please choose one of the listed options';
    case 'text':
    case 'phone':
    case 'date':
      return typeof value === 'string' ? null : 'Please enter a text value';
  }
}

/** Validates `merge_fields` of a write; booleans and unknown tags are rejected like Mailchimp's "Your merge fields were invalid." */
export function validateMergeFields(input: unknown): Record<string, unknown> {
  if (input === undefined) return {};
  if (!isRecord(input)) invalid('Your merge fields were invalid.', [{ field: 'merge_fields', message: 'Schema describes object, other found instead' }]);
  const errors: { field: string; message: string }[] = [];
  for (const [tag, value] of Object.entries(input)) {
    const def = MERGE_FIELDS.find((f) => f.tag === tag);
    const message = def ? check(def, value) : 'This merge field does not exist on the audience';
    if (message) errors.push({ field: tag, message });
  }
  if (errors.length > 0) invalid('Your merge fields were invalid.', errors);
  return { ...input };
}

/** Every defined tag appears in an answer; empty ones as `''`. */
export function renderMergeFields(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const def of MERGE_FIELDS) out[def.tag] = values[def.tag] ?? '';
  return out;
}
