/**
 * Calendar arithmetic and the canonical ISO 8601 forms of the `date` transform, all in UTC (libs/core knows no
 * time zones and no clock).
 *
 * Canonical forms, one per value:
 * | value                              | canonical                  |
 * |------------------------------------|----------------------------|
 * | an instant at 00:00:00.000 UTC     | `2023-04-12` (date only)   |
 * | any other instant                  | `2023-04-12T09:30:00.000Z` |
 * | a month and day without a year     | `--04-12`                  |
 * | a year and month without a day     | `2023-04`                  |
 * | a year alone                       | `2023`                     |
 * A midnight-UTC instant *is* its date: HubSpot stores date properties as epoch ms at midnight UTC, and they must
 * equal another app's plain `2023-04-12`. Years are limited to 0000–9999, the range ISO 8601 writes in 4 digits.
 */

const DAY_MS = 86_400_000;
/** 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z. */
const MIN_MS = -62_167_219_200_000;
const MAX_MS = 253_402_300_799_999;

/** Calendar fields as read from a pattern or an ISO string; a missing field was not in the source. */
export interface DateFields {
  year?: number;
  month?: number;
  day?: number;
  hour?: number;
  minute?: number;
  second?: number;
  ms?: number;
}

/** Gregorian leap years (proleptic: the same rule before 1582). */
export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Days in a month; without a year February has 29 (a yearless `--02-29` is a real birthday). */
export function daysInMonth(month: number, year?: number): number {
  if (month === 2) return year === undefined || isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Whether the present fields form a real date and time (no 2023-02-30, no 24:00, no minute 60). */
export function validFields(f: DateFields): boolean {
  if (f.month !== undefined && (f.month < 1 || f.month > 12)) return false;
  if (f.day !== undefined && (f.month === undefined || f.day < 1 || f.day > daysInMonth(f.month, f.year))) return false;
  return (f.hour ?? 0) < 24 && (f.minute ?? 0) < 60 && (f.second ?? 0) < 60;
}

/** Epoch ms of a full date (and optional time) in UTC. setUTCFullYear keeps years 0–99 literal, unlike Date.UTC. */
export function utcMs(f: Required<Pick<DateFields, 'year' | 'month' | 'day'>> & DateFields): number {
  const date = new Date(0);
  date.setUTCFullYear(f.year, f.month - 1, f.day);
  date.setUTCHours(f.hour ?? 0, f.minute ?? 0, f.second ?? 0, f.ms ?? 0);
  return date.getTime();
}

/** Whether epoch ms fall in the years 0000–9999. */
export function inRange(ms: number): boolean {
  return Number.isFinite(ms) && ms >= MIN_MS && ms <= MAX_MS;
}

/** The canonical string of an instant (date only at midnight UTC), or null outside years 0000–9999. */
export function canonicalOfMs(ms: number): string | null {
  if (!inRange(ms)) return null;
  const iso = new Date(ms).toISOString();
  return ms % DAY_MS === 0 ? iso.slice(0, 10) : iso;
}

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

/** The canonical string of a reduced form (no full date); null for a combination ISO cannot write (a day alone). */
export function canonicalOfPartial(f: DateFields): string | null {
  const { year, month, day } = f;
  if (f.hour !== undefined || f.minute !== undefined || f.second !== undefined) return null;
  if (year === undefined && month !== undefined && day !== undefined) return `--${pad(month)}-${pad(day)}`;
  if (year !== undefined && month !== undefined && day === undefined) return `${pad(year, 4)}-${pad(month)}`;
  if (year !== undefined && month === undefined && day === undefined) return pad(year, 4);
  return null;
}

/** The UTC fields of an instant. */
export function fieldsOfMs(ms: number): Required<DateFields> {
  const d = new Date(ms);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    ms: d.getUTCMilliseconds(),
  };
}
