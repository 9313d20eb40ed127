/**
 * Reading ISO 8601 strings, strictly: only the shapes below, so that `04/05/2023` is never silently read as
 * April or May. A time without a zone is read as UTC; fractions beyond milliseconds are cut off.
 */
import { canonicalOfMs, canonicalOfPartial, inRange, utcMs, validFields, type DateFields } from './date-calendar.js';

/** A parsed date: an instant, or the fields of a reduced form (`--04-12`, `2023-04`, `2023`). */
export type ParsedDate = { kind: 'instant'; ms: number } | { kind: 'partial'; fields: DateFields };

/** `2023-04-12`, `2023-04-12T09:30`, `2023-04-12 09:30:00.5+02:00`, `…Z`, `…+0200`. */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/iu;
const MONTH_DAY = /^--(\d{2})-(\d{2})$/u;
const YEAR_MONTH = /^(\d{4})-(\d{2})$/u;
const YEAR = /^(\d{4})$/u;

const num = (digits: string | undefined): number | undefined => (digits === undefined ? undefined : Number(digits));

/** Minutes east of UTC of `Z`, `+02`, `+0200` or `-05:30`; null for an impossible offset. */
function offsetMinutes(zone: string | undefined): number | null {
  if (zone === undefined || zone.toUpperCase() === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2) || '0');
  return hours < 24 && minutes < 60 ? sign * (hours * 60 + minutes) : null;
}

function parseDateTime(m: RegExpExecArray): ParsedDate | null {
  const fraction = m[7] === undefined ? undefined : Number(m[7].padEnd(3, '0').slice(0, 3));
  const fields = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]), hour: num(m[4]), minute: num(m[5]), second: num(m[6]), ms: fraction };
  const offset = offsetMinutes(m[8]);
  if (offset === null || !validFields(fields)) return null;
  const ms = utcMs(fields) - offset * 60_000;
  return inRange(ms) ? { kind: 'instant', ms } : null;
}

function partial(fields: DateFields): ParsedDate | null {
  return validFields(fields) ? { kind: 'partial', fields } : null;
}

/** An ISO 8601 string → a parsed date, or null when it is not one of the accepted shapes or not a real date. */
export function parseIso(text: string): ParsedDate | null {
  const dateTime = DATE_TIME.exec(text);
  if (dateTime) return parseDateTime(dateTime);
  const monthDay = MONTH_DAY.exec(text);
  if (monthDay) return partial({ month: Number(monthDay[1]), day: Number(monthDay[2]) });
  const yearMonth = YEAR_MONTH.exec(text);
  if (yearMonth) return partial({ year: Number(yearMonth[1]), month: Number(yearMonth[2]) });
  const year = YEAR.exec(text);
  return year ? partial({ year: Number(year[1]) }) : null;
}

/** Fields read from an app (a pattern) → a parsed date: an instant when they hold a full date. */
export function parsedOfFields(fields: DateFields): ParsedDate | null {
  const { year, month, day } = fields;
  if (!validFields(fields)) return null;
  if (year === undefined || month === undefined || day === undefined) return { kind: 'partial', fields };
  const ms = utcMs({ ...fields, year, month, day });
  return inRange(ms) ? { kind: 'instant', ms } : null;
}

/** The canonical string of a parsed date. */
export function canonicalOf(parsed: ParsedDate): string | null {
  return parsed.kind === 'instant' ? canonicalOfMs(parsed.ms) : canonicalOfPartial(parsed.fields);
}
