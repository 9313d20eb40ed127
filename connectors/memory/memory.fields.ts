/**
 * The memory app's field catalogue (what `describe` returns) and the checks the app makes on writes
 * because of it: required-on-create, read-only, enum options, and set-valued fields stored as arrays.
 * The app is otherwise schemaless: paths outside the catalogue are stored as given.
 */
import { fieldInfo, type FieldInfo } from '@tandem/connector-sdk';
import type { MemoryWriteError } from './memory.errors.js';
import { getPath, type Fields } from './memory.paths.js';

/** A contact-like object: nested paths, a set field, and enum fields that config `filter:` can name. */
export const DEFAULT_MEMORY_FIELDS: readonly FieldInfo[] = Object.freeze([
  fieldInfo('email', 'string', { requiredOnCreate: true }),
  fieldInfo('firstname', 'string'),
  fieldInfo('lastname', 'string'),
  fieldInfo('phone', 'string'),
  fieldInfo('company', 'string'),
  fieldInfo('plan', 'string'),
  fieldInfo('stage', 'string'),
  fieldInfo('status', 'enum', { options: ['subscribed', 'unsubscribed', 'pending', 'cleaned'] }),
  fieldInfo('role', 'enum', { options: ['end-user', 'agent', 'admin'] }),
  fieldInfo('tags', 'set'),
  fieldInfo('address.city', 'string'),
  fieldInfo('address.country', 'string'),
  fieldInfo('birthday', 'date'),
  fieldInfo('archived', 'boolean'),
]);

/** The stable key of an email-as-id app: survives a change of email (as Mailchimp's `contact_id`). */
export const STABLE_KEY_FIELD: FieldInfo = fieldInfo('contact_id', 'string', { readOnly: true });

export function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

/** Stores set-valued input as an array of distinct strings, in the order given. */
export function toStoredSet(value: unknown): string[] {
  if (isEmpty(value)) return [];
  const items = Array.isArray(value) ? value : [value];
  return [...new Set(items.map((item) => String(item)))];
}

export class FieldCatalogue {
  private readonly byPath: Map<string, FieldInfo>;

  constructor(readonly fields: readonly FieldInfo[]) {
    this.byPath = new Map(fields.map((info) => [info.path, info]));
  }

  isSet(path: string): boolean {
    return this.byPath.get(path)?.setValued ?? false;
  }

  /** Why the app refuses to store `value` at `path`, or null. `system` writes may set read-only fields. */
  checkValue(path: string, value: unknown, system = false): MemoryWriteError | null {
    const info = this.byPath.get(path);
    if (!info) return null;
    if (info.readOnly && !system) {
      return { code: 'READ_ONLY_FIELD', message: `field ${path} is read-only`, retryable: false, field: path };
    }
    if (info.options && !isEmpty(value) && !info.options.includes(String(value))) {
      return {
        code: 'INVALID_OPTION',
        message: `value is not an option of field ${path}`,
        retryable: false,
        field: path,
      };
    }
    return null;
  }

  /** The first required field a new record lacks, as an error, or null. */
  checkRequired(fields: Fields): MemoryWriteError | null {
    const missing = this.fields.find((info) => info.requiredOnCreate && isEmpty(getPath(fields, info.path)));
    if (!missing) return null;
    return {
      code: 'REQUIRED_FIELD',
      message: `field ${missing.path} is required on create`,
      retryable: false,
      field: missing.path,
    };
  }
}
