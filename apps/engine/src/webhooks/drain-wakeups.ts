/**
 * In-process wake-ups of webhook drains. The job queue only sees a due job at its next poll (up to a polling interval
 * late), so a process that drains a connection itself also keeps one timer per connection, set to the earliest time a
 * pass is wanted: when a record's debounce window closes, or right after the cycle that kept the sync busy ended.
 * The queued jobs stay as the durable path (another process, a restart); a pass they start finds the work done.
 */

export class DrainWakeups {
  private readonly timers = new Map<string, { at: number; handle: NodeJS.Timeout }>();
  private stopped = false;

  constructor(
    private readonly run: (connection: string) => void,
    private readonly now: () => number,
  ) {}

  /** A pass of `connection` in `delayMs`, unless one is already due sooner. */
  wake(connection: string, delayMs: number): void {
    if (this.stopped) return;
    const delay = Math.max(0, delayMs);
    const at = this.now() + delay;
    const armed = this.timers.get(connection);
    if (armed && armed.at <= at) return;
    if (armed) clearTimeout(armed.handle);
    const handle = setTimeout(() => {
      this.timers.delete(connection);
      if (!this.stopped) this.run(connection);
    }, delay);
    handle.unref();
    this.timers.set(connection, { at, handle });
  }

  /** When the next pass of `connection` is due (epoch ms), or null when none is armed. */
  dueAt(connection: string): number | null {
    return this.timers.get(connection)?.at ?? null;
  }

  /** No more wake-ups (shutdown): what is left is swept up by the next process. */
  stop(): void {
    this.stopped = true;
    for (const { handle } of this.timers.values()) clearTimeout(handle);
    this.timers.clear();
  }
}
