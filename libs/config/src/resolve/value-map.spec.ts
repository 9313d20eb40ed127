import fc from 'fast-check';
import { Issues } from '../issues.js';
import { resolveValueMap } from './value-map.js';

describe('value maps', () => {
  it('writes back exactly the app value that was read, for any one-to-one map', () => {
    const pairs = fc.uniqueArray(fc.tuple(fc.string({ minLength: 1 }), fc.string({ minLength: 1 })), {
      selector: ([raw, canonical]) => [raw, canonical].join('\u0000'),
    });
    fc.assert(
      fc.property(pairs, (entries) => {
        const raws = new Set(entries.map(([raw]) => raw));
        const canonicals = new Set(entries.map(([, canonical]) => canonical));
        fc.pre(raws.size === entries.length && canonicals.size === entries.length);
        const issues = new Issues('t.yaml', null);
        const spec = resolveValueMap({ map: Object.fromEntries(entries) }, ['m'], issues);
        expect(issues.list).toEqual([]);
        for (const [raw] of entries) expect(spec?.fromCanonical[String(spec.toCanonical[raw])]).toBe(raw);
      }),
    );
  });

  it('writes the reverse entry for a canonical value several app values give', () => {
    const issues = new Issues('t.yaml', null);
    const spec = resolveValueMap({ map: { mql: 'Lead', lead: 'Lead' }, reverse: { Lead: 'mql' }, unmapped: { default: 'Other' } }, ['m'], issues);
    expect(spec).toEqual({ toCanonical: { mql: 'Lead', lead: 'Lead' }, fromCanonical: { Lead: 'mql' }, unmapped: { kind: 'default', value: 'Other' } });
  });

  it('refuses reverse and unmapped without a map, and an unknown unmapped policy', () => {
    const issues = new Issues('t.yaml', null);
    resolveValueMap({ reverse: { a: 'b' } }, ['m'], issues);
    resolveValueMap({ map: { a: 'b' }, unmapped: 'dropp' }, ['n'], issues);
    expect(issues.list.map((i) => `${i.path}: ${i.message}`)).toEqual([
      'm.reverse: "reverse" needs a "map"',
      'n.unmapped: unmapped must be pass, drop, error or { default: <value> } (did you mean "drop"?)',
    ]);
  });
});
