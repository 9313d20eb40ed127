/**
 * A sync's `schedule` as ticks on the wall clock. Ticks are aligned (an interval's ticks fall on multiples of the
 * interval since the epoch, a cron's on its own times), so every engine process computes the same tick and the same
 * job key for it: one cycle per tick however many processes enqueue it.
 */
import { CronTime } from 'cron';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(\d+)(ms|s|m|h|d)$/;

export type SchedulePlan =
  | { kind: 'interval'; everyMs: number; text: string }
  | { kind: 'cron'; cron: CronTime; text: string };

/** `5m` → an interval, `*\/5 * * * *` → a cron; undefined when the text is neither (config validation names it). */
export function planSchedule(text: string): SchedulePlan | undefined {
  const match = DURATION.exec(text.trim());
  if (match) {
    const everyMs = Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? 0);
    return everyMs > 0 ? { kind: 'interval', everyMs, text } : undefined;
  }
  try {
    return { kind: 'cron', cron: new CronTime(text.trim()), text };
  } catch {
    return undefined;
  }
}

/** The first tick strictly after `afterMs`. */
export function nextTick(plan: SchedulePlan, afterMs: number): number {
  if (plan.kind === 'interval') return (Math.floor(afterMs / plan.everyMs) + 1) * plan.everyMs;
  return plan.cron.getNextDateFrom(new Date(afterMs)).toMillis();
}

/**
 * A tick whose successor is already due is stale: a slow cycle held the queue past it, and the newer tick's job
 * covers the same work. Dropping it keeps missed ticks from piling up into back-to-back cycles.
 */
export function isSuperseded(plan: SchedulePlan, tickMs: number, nowMs: number): boolean {
  return nextTick(plan, tickMs) <= nowMs;
}

/** The job key of one tick of one sync. */
export function tickKey(sync: string, tickMs: number): string {
  return `${sync}@${tickMs}`;
}
