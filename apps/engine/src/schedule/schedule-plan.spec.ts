import fc from 'fast-check';
import { isSuperseded, nextTick, planSchedule, tickKey } from './schedule-plan.js';

describe('schedule plans', () => {
  it('puts every interval tick on a multiple of the interval, strictly after the given time', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 600 }), fc.integer({ min: 0, max: 4_000_000_000_000 }), (seconds, at) => {
        const plan = planSchedule(`${seconds}s`)!;
        const tick = nextTick(plan, at);
        expect(tick % (seconds * 1000)).toBe(0);
        expect(tick).toBeGreaterThan(at);
        expect(tick - at).toBeLessThanOrEqual(seconds * 1000);
      }),
    );
  });

  it('gives two processes that wake at different moments within one interval the same tick key', () => {
    const plan = planSchedule('5m')!;
    const base = Date.parse('2026-03-01T09:00:00Z');
    expect(tickKey('contacts', nextTick(plan, base + 1))).toBe(tickKey('contacts', nextTick(plan, base + 299_000)));
  });

  it('drops a tick only once the following tick is due', () => {
    const plan = planSchedule('2s')!;
    expect(isSuperseded(plan, 10_000, 11_999)).toBe(false);
    expect(isSuperseded(plan, 10_000, 12_000)).toBe(true);
  });

  it('reads cron expressions and finds their next time', () => {
    const plan = planSchedule('*/15 * * * *')!;
    expect(plan.kind).toBe('cron');
    const from = Date.parse('2026-03-01T09:07:30Z');
    expect(new Date(nextTick(plan, from)).getUTCMinutes() % 15).toBe(0);
    expect(nextTick(plan, from)).toBeGreaterThan(from);
  });

  it('rejects text that is neither an interval nor a cron expression', () => {
    expect(planSchedule('every now and then')).toBeUndefined();
    expect(planSchedule('0s')).toBeUndefined();
  });
});
