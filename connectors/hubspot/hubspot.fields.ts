/**
 * HubSpot's field catalogue and value forms. Every property value travels as a string (or null when unset):
 * numbers as decimal text, checkboxes as "true"/"false", multi-selects joined with ";", `date` properties as
 * epoch ms at midnight UTC (the API refuses any other time of day) and `datetime` as epoch ms or ISO 8601.
 * Reads keep the strings exactly as HubSpot returns them; writes turn engine values into those strings.
 */
import { ConnectorError, type AppRecord, type FieldInfo } from '@tandem/connector-sdk';

export const HUBSPOT_OBJECTS = ['contacts', 'companies'] as const;
export type HubspotObject = (typeof HUBSPOT_OBJECTS)[number];

/** The property whose value moves on every change; search filters and sorts on it. */
export const MODIFIED_PROPERTY: Record<HubspotObject, string> = {
  contacts: 'lastmodifieddate',
  companies: 'hs_lastmodifieddate',
};

const DAY_MS = 86_400_000;

/** A property definition as `GET /crm/v3/properties/{object}` returns it (only what the connector reads). */
export interface HubspotProperty {
  name: string;
  type: string;
  fieldType?: string;
  /** HubSpot answers `{label, value}` objects; some tools answer plain strings. */
  options?: Array<string | { value?: string; label?: string; hidden?: boolean }>;
  readOnly?: boolean;
  modificationMetadata?: { readOnlyValue?: boolean };
  calculated?: boolean;
}

export function isHubspotObject(object: string): object is HubspotObject {
  return (HUBSPOT_OBJECTS as readonly string[]).includes(object);
}

/** A multi-select (checkbox enumeration) holds a set of options joined with ";". */
function isMultiSelect(prop: HubspotProperty): boolean {
  return prop.type === 'enumeration' && prop.fieldType === 'checkbox';
}

function fieldType(prop: HubspotProperty): FieldInfo['type'] {
  switch (prop.type) {
    case 'number':
      return 'number';
    case 'bool':
    case 'boolean':
      return 'boolean';
    case 'date':
      return 'date';
    case 'datetime':
      return 'datetime';
    case 'enumeration':
      return isMultiSelect(prop) ? 'set' : 'enum';
    default:
      return 'string';
  }
}

/** One property definition as the engine's FieldInfo. HubSpot requires no property on create. */
export function toFieldInfo(prop: HubspotProperty): FieldInfo {
  const options = prop.options
    ?.map((o) => (typeof o === 'string' ? o : o.value))
    .filter((v): v is string => typeof v === 'string');
  const readOnly = prop.readOnly === true || prop.modificationMetadata?.readOnlyValue === true || prop.calculated === true;
  return {
    path: prop.name,
    type: fieldType(prop),
    requiredOnCreate: false,
    setValued: isMultiSelect(prop),
    readOnly,
    ...(options && options.length > 0 ? { options } : {}),
  };
}

/** A value the engine asked to write that has no HubSpot string form. */
export class HubspotValueError extends ConnectorError {
  constructor(
    readonly field: string,
    why: string,
  ) {
    super('CONNECTOR_RECORD_REJECTED', `hubspot property ${field} ${why}`, { retryable: false, details: { field } });
  }
}

/** Epoch ms at midnight UTC of the day a date value names (ISO date, ISO datetime, epoch ms or a Date). */
export function midnightUtcMs(field: string, value: unknown): number {
  let ms: number;
  if (value instanceof Date) ms = value.getTime();
  else if (typeof value === 'number') ms = value;
  else if (typeof value === 'string' && /^\d+$/.test(value.trim())) ms = Number(value.trim());
  else if (typeof value === 'string') ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value.trim()) ? `${value.trim()}T00:00:00Z` : value);
  else ms = Number.NaN;
  if (!Number.isFinite(ms)) throw new HubspotValueError(field, 'needs a date');
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

function scalarText(field: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new HubspotValueError(field, 'needs a finite number');
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return String(value.getTime());
  throw new HubspotValueError(field, 'has a value with no text form');
}

/**
 * The string HubSpot stores for an engine value. `type` is the property's FieldInfo type when the catalogue
 * knows it. null/undefined clear the property (HubSpot clears on "").
 */
export function toHubspotValue(field: string, value: unknown, type?: FieldInfo['type']): string {
  if (value === null || value === undefined) return '';
  if (type === 'date') return value === '' ? '' : String(midnightUtcMs(field, value));
  if (type === 'datetime' && value instanceof Date) return String(value.getTime());
  if (Array.isArray(value)) return value.map((item) => scalarText(field, item)).join(';');
  if (type === 'boolean' && typeof value === 'string' && /^(true|false)$/i.test(value.trim())) {
    return value.trim().toLowerCase();
  }
  return scalarText(field, value);
}

/** Properties to send for one write: engine values keyed by property name, turned into HubSpot strings. */
export function toHubspotProperties(
  fields: Record<string, unknown>,
  types: ReadonlyMap<string, FieldInfo['type']>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [path, value] of Object.entries(fields)) {
    // HubSpot properties are flat; a dotted path such as `properties.email` names the property after the prefix.
    const name = path.startsWith('properties.') ? path.slice('properties.'.length) : path;
    out[name] = toHubspotValue(name, value, types.get(name));
  }
  return out;
}

/** A CRM object as list, search and batch endpoints return it. */
export interface HubspotObjectRecord {
  id: string;
  properties: Record<string, string | null>;
  propertiesWithHistory?: Record<string, Array<{ value?: unknown; timestamp?: string }>>;
  createdAt?: string;
  updatedAt?: string;
  archived?: boolean;
  archivedAt?: string;
}

/** When the record last changed, epoch ms: the modified property (what search filters on), else `updatedAt`. */
export function modifiedAt(object: HubspotObject, record: HubspotObjectRecord): number {
  const fromProperty = parseTime(record.properties[MODIFIED_PROPERTY[object]]);
  return fromProperty ?? parseTime(record.updatedAt) ?? 0;
}

export function parseTime(value: string | null | undefined): number | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

/** Newest change time per property from `propertiesWithHistory` (HubSpot lists the newest entry first). */
export function fieldTimes(history: HubspotObjectRecord['propertiesWithHistory']): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, entries] of Object.entries(history ?? {})) {
    const times = entries.map((e) => parseTime(e.timestamp)).filter((t): t is number => t !== undefined);
    if (times.length > 0) out[name] = Math.max(...times);
  }
  return out;
}

/** The engine's record: the raw property strings, version = modification time in epoch ms. */
export function toAppRecord(object: HubspotObject, record: HubspotObjectRecord): AppRecord {
  const updatedAt = record.archived ? (parseTime(record.archivedAt) ?? modifiedAt(object, record)) : modifiedAt(object, record);
  const times = record.propertiesWithHistory ? fieldTimes(record.propertiesWithHistory) : undefined;
  return {
    id: String(record.id),
    version: String(updatedAt),
    fields: { ...record.properties },
    updatedAt,
    ...(times ? { fieldUpdatedAt: times } : {}),
    ...(record.archived ? { deleted: true } : {}),
  };
}
