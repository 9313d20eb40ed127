/** Property catalogue and value rules of the simulated HubSpot portal. Every stored value is a string. */
export type HsObjectType = 'contacts' | 'companies';
export type HsPropertyType = 'string' | 'number' | 'date' | 'datetime' | 'enumeration' | 'bool';

export interface HsProperty {
  name: string;
  label: string;
  type: HsPropertyType;
  fieldType: string;
  readOnly?: boolean;
  unique?: boolean;
  options?: string[];
}

const LIFECYCLE = ['subscriber', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer', 'evangelist', 'other'];

function p(name: string, type: HsPropertyType, extra: Partial<HsProperty> = {}): HsProperty {
  const fieldType = { string: 'text', number: 'number', date: 'date', datetime: 'date', enumeration: 'select', bool: 'booleancheckbox' }[type];
  return { name, label: name, type, fieldType, ...extra };
}

const SYSTEM = [p('hs_object_id', 'number', { readOnly: true, unique: true }), p('createdate', 'datetime', { readOnly: true })];

export const CATALOGUE: Record<HsObjectType, HsProperty[]> = {
  contacts: [
    ...SYSTEM,
    p('lastmodifieddate', 'datetime', { readOnly: true }),
    p('email', 'string', { unique: true }),
    ...['firstname', 'lastname', 'phone', 'mobilephone', 'company', 'jobtitle', 'city', 'country', 'website'].map((n) => p(n, 'string')),
    p('lifecyclestage', 'enumeration', { options: LIFECYCLE, fieldType: 'radio' }),
    p('plan_tier', 'enumeration', { options: ['free', 'pro', 'enterprise'] }),
    p('customer_tags', 'enumeration', { options: ['vip', 'churn-risk', 'beta', 'newsletter'], fieldType: 'checkbox' }),
    p('hs_email_optout', 'bool'),
    p('renewal_date', 'date'),
  ],
  companies: [
    ...SYSTEM,
    p('hs_lastmodifieddate', 'datetime', { readOnly: true }),
    ...['name', 'domain', 'city', 'industry', 'phone'].map((n) => p(n, 'string')),
    p('numberofemployees', 'number'),
  ],
};

export const MODIFIED_PROPERTY: Record<HsObjectType, string> = { contacts: 'lastmodifieddate', companies: 'hs_lastmodifieddate' };

export const DEFAULT_PROPERTIES: Record<HsObjectType, string[]> = {
  contacts: ['firstname', 'lastname', 'email', 'lastmodifieddate', 'hs_object_id', 'createdate'],
  companies: ['name', 'domain', 'createdate', 'hs_lastmodifieddate', 'hs_object_id'],
};

export function findProperty(objectType: HsObjectType, name: string): HsProperty | undefined {
  return CATALOGUE[objectType].find((prop) => prop.name === name);
}

/** One rejected property value, shaped like HubSpot's validation results. */
export interface PropertyProblem {
  name: string;
  error: string;
  message: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MIDNIGHT_DATE = /^\d{4}-\d{2}-\d{2}$/;

function toText(raw: unknown): string | null {
  if (raw === null || raw === undefined) return '';
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  return null;
}

/** Turns one input value into the stored string, or a problem. `''` clears. */
export function coerceValue(prop: HsProperty, raw: unknown): string | PropertyProblem {
  const text = toText(raw);
  const bad = (error: string, message: string): PropertyProblem => ({ name: prop.name, error, message });
  if (text === null) return bad('INVALID_PROPERTY_VALUE', `Property "${prop.name}" needs a string value`);
  if (text === '') return '';
  switch (prop.type) {
    case 'string':
      if (prop.name !== 'email') return text;
      return EMAIL.test(text.trim()) ? text.trim().toLowerCase() : bad('INVALID_EMAIL', 'Email address is invalid');
    case 'number':
      return Number.isFinite(Number(text)) ? text : bad('INVALID_INTEGER', `Property "${prop.name}" is not a number`);
    case 'bool':
      return text === 'true' || text === 'false' ? text : bad('INVALID_BOOLEAN', `Property "${prop.name}" must be true or false`);
    case 'enumeration': {
      const wrong = text.split(';').filter((v) => !prop.options?.includes(v));
      return wrong.length === 0 ? text : bad('INVALID_OPTION', `Property "${prop.name}" has an option that is not allowed`);
    }
    case 'date':
      return coerceDate(prop, text);
    case 'datetime': {
      const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
      return Number.isFinite(ms) ? new Date(ms).toISOString() : bad('INVALID_DATETIME', `Property "${prop.name}" is not a datetime`);
    }
  }
}

function coerceDate(prop: HsProperty, text: string): string | PropertyProblem {
  if (MIDNIGHT_DATE.test(text)) return text;
  const ms = Number(text);
  if (/^\d+$/.test(text) && ms % 86_400_000 === 0) return new Date(ms).toISOString().slice(0, 10);
  return { name: prop.name, error: 'INVALID_DATE', message: `Property "${prop.name}" must be midnight UTC in epoch milliseconds` };
}

/** Validates a whole properties object; returns stored strings or every problem found. */
export function coerceProperties(objectType: HsObjectType, input: unknown): { values: Record<string, string>; problems: PropertyProblem[] } {
  const values: Record<string, string> = {};
  const problems: PropertyProblem[] = [];
  const entries = typeof input === 'object' && input !== null ? Object.entries(input as Record<string, unknown>) : [];
  for (const [name, raw] of entries) {
    const prop = findProperty(objectType, name);
    if (!prop) problems.push({ name, error: 'PROPERTY_DOESNT_EXIST', message: `Property "${name}" does not exist` });
    else if (prop.readOnly) problems.push({ name, error: 'READ_ONLY_VALUE', message: `"${name}" is a read only property; its value cannot be set.` });
    else {
      const result = coerceValue(prop, raw);
      if (typeof result === 'string') values[name] = result;
      else problems.push(result);
    }
  }
  return { values, problems };
}
