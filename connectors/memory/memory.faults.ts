/**
 * Fault knobs of the memory app. Each knob is armed by a test and consumed by the app's API calls, so a
 * fault fires exactly where the test put it and nowhere else.
 */
import type { WriteOp } from '@tandem/connector-sdk';
import { MemoryCrashError, MemoryUnavailableError, type MemoryWriteError } from './memory.errors.js';

/** Record ids (matching update/delete/archive ops), or any predicate over an op (creates have no id). */
export type WriteMatcher = readonly string[] | ((op: WriteOp) => boolean);

interface Rule<T> {
  matches: (op: WriteOp) => boolean;
  remaining: number;
  payload: T;
}

function opId(op: WriteOp): string | undefined {
  return op.op === 'create' ? undefined : op.id;
}

/** One rule per id, so `failNext(['m-1', 'm-2'])` fails each of the two once. */
function rulesFor<T>(target: WriteMatcher, times: number, payload: T): Array<Rule<T>> {
  if (typeof target === 'function') return [{ matches: target, remaining: times, payload }];
  return (target as readonly string[]).map((id) => ({ matches: (op) => opId(op) === id, remaining: times, payload }));
}

function take<T>(rules: Array<Rule<T>>, op: WriteOp): Rule<T> | undefined {
  const rule = rules.find((candidate) => candidate.remaining > 0 && candidate.matches(op));
  if (rule) rule.remaining -= 1;
  return rule;
}

export class MemoryFaults {
  private failRules: Array<Rule<MemoryWriteError>> = [];
  private crashRules: Array<Rule<null>> = [];
  private unknownLeft = 0;
  private unknownApplies = true;
  private readFailure: { pageIndex: number; served: number; error: MemoryUnavailableError } | null = null;
  /** Every API call fails with a retryable CONNECTOR_UNAVAILABLE while set. */
  offline = false;

  failNext(target: WriteMatcher, error: MemoryWriteError, times = 1): void {
    this.failRules.push(...rulesFor(target, times, error));
  }

  /** The next `n` write ops answer `unknown`; `applied: false` drops them instead of applying them. */
  unknownNext(n: number, options: { applied?: boolean } = {}): void {
    this.unknownLeft = n;
    this.unknownApplies = options.applied ?? true;
  }

  /** After applying a matching op (default: the next op), the whole write call throws MemoryCrashError. */
  crashAfterWrite(target: WriteMatcher = () => true, times = 1): void {
    this.crashRules.push(...rulesFor(target, times, null));
  }

  /** The read page request with this index (0-based, counted from now) throws. */
  failReadAt(pageIndex: number, error = new MemoryUnavailableError('simulated read failure', { pageIndex })): void {
    this.readFailure = { pageIndex, served: 0, error };
  }

  clear(): void {
    this.failRules = [];
    this.crashRules = [];
    this.unknownLeft = 0;
    this.readFailure = null;
    this.offline = false;
  }

  assertOnline(): void {
    if (this.offline) throw new MemoryUnavailableError('the memory app is offline');
  }

  takeFailure(op: WriteOp): MemoryWriteError | null {
    return take(this.failRules, op)?.payload ?? null;
  }

  takeUnknown(): { applied: boolean } | null {
    if (this.unknownLeft <= 0) return null;
    this.unknownLeft -= 1;
    return { applied: this.unknownApplies };
  }

  throwIfCrash(op: WriteOp): void {
    if (take(this.crashRules, op)) throw new MemoryCrashError({ op: op.op, ref: op.ref });
  }

  /** Called once per read page request. */
  onReadPage(): void {
    this.assertOnline();
    const armed = this.readFailure;
    if (!armed) return;
    if (armed.served === armed.pageIndex) {
      this.readFailure = null;
      throw armed.error;
    }
    armed.served += 1;
  }
}
