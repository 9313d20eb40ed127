/**
 * A bounded memo for pure, costly transform outcomes (phone parsing). It lives for the process, so cycle after cycle
 * over the same people reads each spelling once, but it never holds more than two generations of `limit` entries:
 * new entries fill the young generation; when it is full it becomes the old one and the previous old one is
 * dropped. A hit in the old generation moves back to the young one, so values in steady use survive a rotation
 * (an LRU in effect, without reordering a Map on every hit), and memory stays flat however many values pass.
 * Only for functions whose result depends on nothing but the key: the memo can never change an outcome.
 */
export class BoundedMemo<K, V> {
  private young = new Map<K, V>();
  private old = new Map<K, V>();

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('a memo needs a positive whole limit');
  }

  /** The remembered value, or undefined. */
  get(key: K): V | undefined {
    const young = this.young.get(key);
    if (young !== undefined) return young;
    const old = this.old.get(key);
    if (old !== undefined) this.set(key, old);
    return old;
  }

  /** Remembers a value (undefined cannot be remembered: it means "not known"). */
  set(key: K, value: V): void {
    if (this.young.size >= this.limit) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, value);
  }

  /** Entries held, across both generations (a value promoted from the old one counts twice): at most 2 × limit. */
  get size(): number {
    return this.young.size + this.old.size;
  }
}
