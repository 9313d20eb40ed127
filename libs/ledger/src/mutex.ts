/** Release function handed out by KeyedMutex; calling it twice is harmless. */
export type Release = () => void;

interface Slot {
  waiters: Array<(release: Release) => void>;
}

/**
 * A FIFO mutex per string key, in process memory. Used alone on PGlite (where advisory locks exclude nothing because
 * every connection shares one backend session) and in front of advisory locks on Postgres (where one session may
 * re-take its own lock).
 */
export class KeyedMutex {
  private readonly slots = new Map<string, Slot>();

  /** Waits until `key` is free, then holds it. */
  acquire(key: string): Promise<Release> {
    const slot = this.slots.get(key);
    if (!slot) return Promise.resolve(this.take(key));
    return new Promise((resolve) => slot.waiters.push(resolve));
  }

  /** Holds `key` if it is free right now, else returns null. */
  tryAcquire(key: string): Release | null {
    return this.slots.has(key) ? null : this.take(key);
  }

  isHeld(key: string): boolean {
    return this.slots.has(key);
  }

  private take(key: string): Release {
    this.slots.set(key, { waiters: [] });
    return this.releaserFor(key);
  }

  private releaserFor(key: string): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const slot = this.slots.get(key);
      const next = slot?.waiters.shift();
      if (next) next(this.releaserFor(key));
      else this.slots.delete(key);
    };
  }
}
