import fc from 'fast-check';
import { canonEqual, canonKey, isEmpty, normaliseSet } from './equality.js';
import type { CanonValue } from './model.js';
import { TRANSFORMS } from './transforms/index.js';

const RUNS = { numRuns: 1000 };

const scalar = fc.oneof(fc.string(), fc.double({ noNaN: true }), fc.boolean(), fc.constant(null));
const set = fc.array(fc.string({ maxLength: 4 }), { maxLength: 6 });
const canon: fc.Arbitrary<CanonValue | undefined> = fc.oneof(scalar, set, fc.constant(undefined));
const empty = fc.constantFrom<CanonValue | undefined>(null, undefined, '', []);

describe('isEmpty', () => {
  it.each([[null], [undefined], [''], [[]]])('calls %j empty', (v) => {
    expect(isEmpty(v)).toBe(true);
  });

  it.each([[' '], [0], [false], [['']], ['null'], [{}]])('does not call %j empty', (v) => {
    expect(isEmpty(v)).toBe(false);
  });
});

describe('canonEqual', () => {
  it.each<[CanonValue | undefined, CanonValue | undefined, boolean]>([
    [null, '', true],
    [undefined, [], true],
    ['', [], true],
    [['vip', 'churn-risk'], ['churn-risk', 'vip'], true],
    [['vip', 'vip'], ['vip'], true],
    [['vip'], ['vip', 'churn-risk'], false],
    [['vip'], 'vip', false],
    [1, '1', false],
    [0, -0, true],
    [0, false, false],
    [0, null, false],
    [false, null, false],
    ['Ada', 'ada', false],
    ['+12125550101', '+12125550101', true],
    [1234.5, 1234.5, true],
    [true, 'true', false],
  ])('compares %j and %j as %s', (a, b, equal) => {
    expect(canonEqual(a, b)).toBe(equal);
    expect(canonEqual(b, a)).toBe(equal);
  });

  it('does not see a tag list reordered by an app as an edit', () => {
    expect(canonEqual(['b', 'a', 'c'], ['c', 'b', 'a'])).toBe(true);
  });

  it('is reflexive', () => {
    fc.assert(fc.property(canon, (a) => expect(canonEqual(a, a)).toBe(true)), RUNS);
  });

  it('is reflexive on structurally equal copies (never compares arrays by reference)', () => {
    fc.assert(fc.property(set, (a) => expect(canonEqual([...a], [...a])).toBe(true)), RUNS);
  });

  it('is symmetric', () => {
    fc.assert(fc.property(canon, canon, (a, b) => expect(canonEqual(a, b)).toBe(canonEqual(b, a))), RUNS);
  });

  it('is transitive', () => {
    fc.assert(
      fc.property(canon, canon, canon, (a, b, c) => {
        if (canonEqual(a, b) && canonEqual(b, c)) expect(canonEqual(a, c)).toBe(true);
      }),
      RUNS,
    );
  });

  it('ignores the order and repetition of set elements', () => {
    fc.assert(
      fc.property(set, fc.infiniteStream(fc.nat()), (elements, seeds) => {
        const shuffled = [...elements, ...elements.slice(0, 2)]
          .map((e) => ({ e, k: seeds.next().value }))
          .sort((x, y) => x.k - y.k)
          .map(({ e }) => e);
        expect(canonEqual(elements, shuffled)).toBe(true);
      }),
      RUNS,
    );
  });

  it('tells sets apart when one holds an element the other lacks', () => {
    fc.assert(
      fc.property(set, fc.string({ minLength: 5, maxLength: 5 }), (elements, extra) => {
        expect(canonEqual(elements, [...elements, extra])).toBe(elements.includes(extra));
      }),
      RUNS,
    );
  });

  it('treats every empty as equal to every other, and to nothing else', () => {
    fc.assert(
      fc.property(empty, empty, canon, (a, b, other) => {
        expect(canonEqual(a, b)).toBe(true);
        expect(canonEqual(a, other)).toBe(isEmpty(other));
      }),
      RUNS,
    );
  });
});

describe('canonKey', () => {
  it.each<[CanonValue, string]>([
    [null, 'empty'],
    ['', 'empty'],
    [[], 'empty'],
    ['vip', 's:vip'],
    [12, 'n:12'],
    [-0, 'n:0'],
    [true, 'b:true'],
    [['b', 'a', 'b'], 'set:["s:a","s:b"]'],
  ])('keys %j as %j', (v, key) => {
    expect(canonKey(v)).toBe(key);
  });

  it('gives two values the same key exactly when they are equal', () => {
    fc.assert(fc.property(canon, canon, (a, b) => expect(canonKey(a) === canonKey(b)).toBe(canonEqual(a, b))), RUNS);
  });

  it('gives equal values the same key however a set is ordered', () => {
    fc.assert(fc.property(set, (a) => expect(canonKey([...a].reverse())).toBe(canonKey(a))), RUNS);
  });
});

describe('normaliseSet', () => {
  it('sorts, de-duplicates and drops empties without a transform', () => {
    expect(normaliseSet(['vip', 'billing', 'vip', '', null, undefined])).toEqual(['billing', 'vip']);
  });

  it('keeps scalars as text and drops values that cannot be elements', () => {
    expect(normaliseSet([3, true, { tag: 'x' }, ['y'], Number.NaN])).toEqual(['3', 'true']);
  });

  it('makes VIP and vip one element under lowercase', () => {
    expect(normaliseSet([' VIP', 'vip', 'Churn-Risk'], TRANSFORMS.lowercase)).toEqual(['churn-risk', 'vip']);
  });

  it('drops values the transform cannot read instead of failing the set', () => {
    expect(normaliseSet(['ADA@example.test', 'not an address', 'ada@example.test'], TRANSFORMS.email)).toEqual(['ada@example.test']);
  });

  it('passes options to the transform', () => {
    expect(normaliseSet(['12/04/2023', '2023-04-12', '31/02/2023'], TRANSFORMS.date, { format: 'DD/MM/YYYY' })).toEqual(['2023-04-12']);
  });

  it('returns distinct sorted elements, is idempotent, and ignores input order', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), fc.integer(), fc.constant(null))), (values) => {
        const out = normaliseSet(values);
        expect(out).toEqual([...new Set(out)].sort());
        expect(normaliseSet(out)).toEqual(out);
        expect(normaliseSet([...values].reverse())).toEqual(out);
      }),
      RUNS,
    );
  });

  it('is idempotent after a transform', () => {
    fc.assert(
      fc.property(fc.array(fc.string()), (values) => {
        const out = normaliseSet(values, TRANSFORMS.uppercase);
        expect(normaliseSet(out, TRANSFORMS.uppercase)).toEqual(out);
      }),
      RUNS,
    );
  });
});
