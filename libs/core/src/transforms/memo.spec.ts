import { BoundedMemo } from './memo.js';

describe('BoundedMemo', () => {
  it('remembers what it was given', () => {
    const memo = new BoundedMemo<string, number>(4);
    memo.set('a', 1);
    expect(memo.get('a')).toBe(1);
    expect(memo.get('b')).toBeUndefined();
  });

  it('never holds more than two generations, however many keys pass through', () => {
    const memo = new BoundedMemo<number, number>(100);
    for (let i = 0; i < 10_000; i += 1) {
      memo.set(i, i);
      expect(memo.size).toBeLessThanOrEqual(200);
    }
    expect(memo.get(0)).toBeUndefined();
    expect(memo.get(9_999)).toBe(9_999);
  });

  it('keeps a value in steady use across rotations, and lets an unused one go', () => {
    const memo = new BoundedMemo<string, string>(3);
    memo.set('used', 'u');
    memo.set('idle', 'i');
    for (let i = 0; i < 20; i += 1) {
      memo.set(`k${i}`, 'x');
      expect(memo.get('used')).toBe('u');
    }
    expect(memo.get('idle')).toBeUndefined();
  });

  it('refuses a limit that is not a positive whole number', () => {
    expect(() => new BoundedMemo(0)).toThrow(RangeError);
    expect(() => new BoundedMemo(1.5)).toThrow(RangeError);
  });
});
