import fc from 'fast-check';
import { advisoryKey } from './locks.js';
import { hashMatchKey } from './match-keys.js';

describe('hashMatchKey', () => {
  it('is a 64-character hex digest that depends on the secret, the key name and the value', () => {
    const h = hashMatchKey('s1', 'email', 'ada@example.test');
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(hashMatchKey('s1', 'email', 'ada@example.test')).toBe(h);
    expect(hashMatchKey('s2', 'email', 'ada@example.test')).not.toBe(h);
    expect(hashMatchKey('s1', 'phone', 'ada@example.test')).not.toBe(h);
    expect(hashMatchKey('s1', 'email', 'ada@example.tes')).not.toBe(h);
  });

  it('never lets the field/value boundary blur into a collision', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme-ascii' }),
        fc.string({ unit: 'grapheme-ascii' }),
        fc.string({ unit: 'grapheme-ascii' }),
        (a, b, c) => {
          fc.pre(b.length > 0);
          return hashMatchKey('k', a + b, c) !== hashMatchKey('k', a, b + c);
        },
      ),
    );
  });
});

describe('advisoryKey', () => {
  it('is a signed 64-bit integer that separates schemas, kinds and names', () => {
    const k = BigInt(advisoryKey('public', 'sync', 'contacts'));
    expect(k >= -(2n ** 63n) && k < 2n ** 63n).toBe(true);
    expect(advisoryKey('public', 'sync', 'contacts')).toBe(k.toString());
    expect(advisoryKey('tenant_b', 'sync', 'contacts')).not.toBe(k.toString());
    expect(advisoryKey('public', 'link', 'contacts')).not.toBe(k.toString());
  });
});
