const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(\d+)(ms|s|m|h|d)$/;
/** One cron field: numbers, names (JAN, MON), ranges, lists, steps, `*`, `?` and the L/W/# extensions. */
const CRON_FIELD = /^[\dA-Za-z*?,/#-]+$/;

/** `2s` → 2000, `5m` → 300000; undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  return match ? Number(match[1]) * UNIT_MS[match[2]] : undefined;
}

/** A schedule is an interval (`5m`) or a cron expression of 5 or 6 fields. */
export function isSchedule(text: string): boolean {
  if (parseDuration(text) !== undefined) return (parseDuration(text) ?? 0) > 0;
  const fields = text.trim().split(/\s+/);
  return (fields.length === 5 || fields.length === 6) && fields.every((f) => CRON_FIELD.test(f));
}
