import { KeyedMutex } from './mutex.js';

describe('KeyedMutex', () => {
  it('hands a held key to waiters in arrival order', async () => {
    const mutex = new KeyedMutex();
    const order: string[] = [];
    const first = await mutex.acquire('sync:contacts');
    const waiters = ['b', 'c'].map(async (name) => {
      const release = await mutex.acquire('sync:contacts');
      order.push(name);
      release();
    });
    order.push('a');
    first();
    await Promise.all(waiters);
    expect(order).toEqual(['a', 'b', 'c']);
    expect(mutex.isHeld('sync:contacts')).toBe(false);
  });

  it('refuses tryAcquire on a held key but not on another key', () => {
    const mutex = new KeyedMutex();
    const release = mutex.tryAcquire('link:1');
    expect(release).not.toBeNull();
    expect(mutex.tryAcquire('link:1')).toBeNull();
    const other = mutex.tryAcquire('link:2');
    expect(other).not.toBeNull();
    release?.();
    other?.();
    expect(mutex.tryAcquire('link:1')).not.toBeNull();
  });

  it('ignores a second release so a waiter is not let in twice', async () => {
    const mutex = new KeyedMutex();
    const release = await mutex.acquire('k');
    const second = mutex.acquire('k');
    release();
    release();
    const releaseSecond = await second;
    expect(mutex.tryAcquire('k')).toBeNull();
    releaseSecond();
    expect(mutex.isHeld('k')).toBe(false);
  });
});
