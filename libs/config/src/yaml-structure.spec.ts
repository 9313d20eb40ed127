import { ConfigError, type ConfigIssue } from '@tandem/core';
import fc from 'fast-check';
import { formatIssue, parseConfig } from './index.js';

const FILE = 'tandem.yaml';

const BASE = `connections:
  a: &conn { type: memory }
  b: { type: memory }
syncs:
  people:
    members:
      a: { object: people }
      b: { object: contacts }
    match: [email]
    fields:
      email: { a: email, b: mail }
`;

/** The issues a text yields; anything thrown that is not a ConfigError fails the test. */
function issuesOf(text: string): ConfigIssue[] {
  try {
    parseConfig(text, FILE, {});
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
}

describe('parseConfig: aliases and keys the YAML parser accepts but cannot turn into data', () => {
  it('reports an alias with no anchor (`*a#`) as a located issue instead of leaking a ReferenceError', () => {
    expect(issuesOf('*a#').map(formatIssue)).toEqual([`${FILE}:1:1  alias "*a#" names no anchor: define "&a#" before it`]);
  });

  it('names the field whose value is an alias used before its anchor', () => {
    const text = BASE.replace('b: { type: memory }', 'b: *later');
    const [issue] = issuesOf(text);
    expect(issue).toMatchObject({ line: 3, col: 6, path: 'connections.b', severity: 'error' });
    expect(issue.message).toContain('"*later" names no anchor');
  });

  it('still accepts an alias whose anchor comes first', () => {
    const text = BASE.replace('b: { type: memory }', 'b: *conn');
    expect(issuesOf(text)).toEqual([]);
  });

  it('reports an alias inside the node it names, which would expand forever', () => {
    const text = BASE.replace('match: [email]', 'match: &m [email, *m]');
    const [issue] = issuesOf(text);
    expect(issue).toMatchObject({ path: 'syncs.people.match[1]', severity: 'error' });
    expect(issue.message).toContain('inside the node it names');
  });

  it('reports a list used as a key, which would otherwise be silently turned into text', () => {
    const text = BASE.replace('      email: { a: email, b: mail }', '      email: { a: email, b: mail }\n      ? [vip, churn]\n      : { a: tags, b: tags }');
    const [issue] = issuesOf(text);
    expect(issue).toMatchObject({ line: 12, col: 9, path: 'syncs.people.fields', severity: 'error' });
    expect(issue.message).toBe('a key must be a plain name, not a list or mapping');
  });

  it('reports a document whose aliases expand past the budget as an issue at the first alias', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 6; i++) levels.push(`l${i}: &l${i} [${Array(10).fill(i === 1 ? '*a' : `*l${i - 1}`).join(', ')}]`);
    const [issue] = issuesOf(levels.join('\n'));
    expect(issue).toMatchObject({ line: 2, severity: 'error' });
    expect(issue.message).toContain('cannot expand the aliases');
  });

  it('answers any text made of anchors, aliases and keys with a config or located issues only', () => {
    const piece = fc.constantFrom('&a ', '*a', '*b', '&b ', '[', ']', '{', '}', ': ', '- ', '? ', '\n', '  ', 'x', ', ', '<<: ');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (parts) => {
        for (const issue of issuesOf(parts.join(''))) {
          expect(issue.line).toBeGreaterThanOrEqual(1);
          expect(issue.col).toBeGreaterThanOrEqual(1);
          expect(issue.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
