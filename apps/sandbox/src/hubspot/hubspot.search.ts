import { isRecord } from '../common/http.js';
import { badRequest } from './hubspot.errors.js';
import { findProperty, type HsObjectType } from './hubspot.properties.js';
import type { IndexedView } from './hubspot.store.js';

export const OPERATORS = ['EQ', 'NEQ', 'LT', 'LTE', 'GT', 'GTE', 'BETWEEN', 'IN', 'NOT_IN', 'HAS_PROPERTY', 'NOT_HAS_PROPERTY', 'CONTAINS_TOKEN', 'NOT_CONTAINS_TOKEN'] as const;
type Operator = (typeof OPERATORS)[number];

export interface Filter {
  propertyName: string;
  operator: Operator;
  value?: unknown;
  values?: unknown[];
  highValue?: unknown;
}

export interface Sort {
  propertyName: string;
  direction: 'ASCENDING' | 'DESCENDING';
}

export interface SearchRow {
  id: string;
  view: IndexedView;
}

/** Parses and checks `filterGroups` against HubSpot's limits (5 groups, 10 filters per group, 25 in all). */
export function parseFilterGroups(input: unknown): Filter[][] {
  if (input === undefined) return [];
  if (!Array.isArray(input)) badRequest('filterGroups must be an array');
  if (input.length > 5) badRequest('Too many filter groups: the maximum is 5');
  const groups = input.map((group: unknown) => {
    const filters = isRecord(group) && Array.isArray(group.filters) ? group.filters : badRequest('each filter group needs a filters array');
    if (filters.length > 10) badRequest('Too many filters in a group: the maximum is 10');
    return filters.map(parseFilter);
  });
  if (groups.flat().length > 25) badRequest('Too many filters: the maximum is 25');
  return groups;
}

function parseFilter(raw: unknown): Filter {
  if (!isRecord(raw) || typeof raw.propertyName !== 'string') badRequest('a filter needs a propertyName');
  if (!OPERATORS.includes(raw.operator as Operator)) badRequest(`Unknown operator: ${String(raw.operator)}`);
  return { propertyName: raw.propertyName, operator: raw.operator as Operator, value: raw.value, values: Array.isArray(raw.values) ? raw.values : undefined, highValue: raw.highValue };
}

/** Accepts sort objects and the older string form (`"-createdate"`). */
export function parseSorts(input: unknown): Sort[] {
  if (input === undefined) return [];
  if (!Array.isArray(input)) badRequest('sorts must be an array');
  return input.map((raw: unknown): Sort => {
    if (typeof raw === 'string') return raw.startsWith('-') ? { propertyName: raw.slice(1), direction: 'DESCENDING' } : { propertyName: raw, direction: 'ASCENDING' };
    if (!isRecord(raw) || typeof raw.propertyName !== 'string') badRequest('a sort needs a propertyName');
    return { propertyName: raw.propertyName, direction: raw.direction === 'DESCENDING' ? 'DESCENDING' : 'ASCENDING' };
  });
}

/** Turns a value into something comparable: numbers and dates (epoch ms or ISO) compare as numbers, text case-insensitively. */
function comparable(objectType: HsObjectType, property: string, value: unknown): number | string {
  const type = findProperty(objectType, property)?.type;
  const text = String(value ?? '');
  if (type === 'date' || type === 'datetime') {
    const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
    if (Number.isFinite(ms)) return ms;
  }
  if (type === 'number' && text !== '' && Number.isFinite(Number(text))) return Number(text);
  return text.toLowerCase();
}

function compare(a: number | string, b: number | string): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

function tokenMatch(stored: string, pattern: string): boolean {
  const glob = new RegExp(`^${pattern.toLowerCase().replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
  const tokens = stored.toLowerCase().split(/[\s@.,;_-]+/).filter(Boolean);
  return glob.test(stored.toLowerCase()) || tokens.some((t) => glob.test(t));
}

function matches(objectType: HsObjectType, view: IndexedView, filter: Filter): boolean {
  const stored = view.properties[filter.propertyName];
  const has = stored !== undefined && stored !== '';
  const left = comparable(objectType, filter.propertyName, stored);
  const right = () => comparable(objectType, filter.propertyName, filter.value);
  switch (filter.operator) {
    case 'HAS_PROPERTY':
      return has;
    case 'NOT_HAS_PROPERTY':
      return !has;
    case 'EQ':
      return has && compare(left, right()) === 0;
    case 'NEQ':
      return !has || compare(left, right()) !== 0;
    case 'LT':
      return has && compare(left, right()) < 0;
    case 'LTE':
      return has && compare(left, right()) <= 0;
    case 'GT':
      return has && compare(left, right()) > 0;
    case 'GTE':
      return has && compare(left, right()) >= 0;
    case 'BETWEEN':
      return has && compare(left, right()) >= 0 && compare(left, comparable(objectType, filter.propertyName, filter.highValue)) <= 0;
    case 'IN':
      return has && (filter.values ?? []).some((v) => compare(left, comparable(objectType, filter.propertyName, v)) === 0);
    case 'NOT_IN':
      return !has || !(filter.values ?? []).some((v) => compare(left, comparable(objectType, filter.propertyName, v)) === 0);
    case 'CONTAINS_TOKEN':
      return has && tokenMatch(stored, String(filter.value ?? ''));
    case 'NOT_CONTAINS_TOKEN':
      return !has || !tokenMatch(stored, String(filter.value ?? ''));
  }
}

const QUERY_FIELDS = ['firstname', 'lastname', 'email', 'phone', 'company', 'name', 'domain', 'website'];

/** Groups are ORed, filters inside a group ANDed; `query` is a free-text match on the default text fields. */
export function selectRows(objectType: HsObjectType, rows: SearchRow[], groups: Filter[][], query: string | undefined): SearchRow[] {
  return rows.filter(({ view }) => {
    if (groups.length > 0 && !groups.some((group) => group.every((f) => matches(objectType, view, f)))) return false;
    if (!query) return true;
    const needle = query.toLowerCase();
    return QUERY_FIELDS.some((field) => (view.properties[field] ?? '').toLowerCase().includes(needle));
  });
}

export function sortRows(objectType: HsObjectType, rows: SearchRow[], sorts: Sort[]): SearchRow[] {
  return [...rows].sort((a, b) => {
    for (const sort of sorts) {
      const diff = compare(comparable(objectType, sort.propertyName, a.view.properties[sort.propertyName]), comparable(objectType, sort.propertyName, b.view.properties[sort.propertyName]));
      if (diff !== 0) return sort.direction === 'DESCENDING' ? -diff : diff;
    }
    return Number(a.id) - Number(b.id);
  });
}
