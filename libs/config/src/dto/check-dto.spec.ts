import { ConfigError, type ConfigIssue } from '@tandem/core';
import fc from 'fast-check';
import YAML from 'yaml';
import { formatPath, parseConfig } from '../index.js';

const FILE = 'tandem.yaml';

/** A valid config with every optional section present, so any optional key can be emptied. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a plain data tree edited by path in tests
function validConfig(): Record<string, any> {
  return {
    engine: { port: 8080, host: '127.0.0.1', dataDir: '.tandem' },
    connections: { a: { type: 'memory' }, b: { type: 'memory' } },
    syncs: {
      people: {
        members: {
          a: { object: 'people', create: true, filter: { status: 'active' }, onCreate: { status: 'active' }, onLeave: 'unlink' },
          b: { object: 'contacts' },
        },
        match: ['email'],
        authority: ['a', 'b'],
        deletes: 'archive',
        onDeleteConflict: 'edit-wins',
        schedule: '5m',
        debounce: '2s',
        maxDeletes: 10,
        fields: {
          email: { a: 'email', b: 'mail', transform: 'email', direction: 'both', type: 'scalar' },
          plan: { a: { path: 'plan', map: { Gold: 'gold' }, write: 'always' }, b: 'plan' },
        },
        conflicts: { default: 'last-write-wins', fields: { plan: { prefer: 'a' } } },
      },
    },
  };
}

/** Optional keys of each DTO, by where they sit in validConfig(). */
const OPTIONAL_KEYS: (string | number)[][] = [
  ['engine'],
  ['engine', 'port'],
  ['engine', 'host'],
  ['engine', 'dataDir'],
  ...['create', 'filter', 'onCreate', 'onLeave'].map((k) => ['syncs', 'people', 'members', 'a', k]),
  ...['authority', 'deletes', 'onDeleteConflict', 'schedule', 'debounce', 'maxDeletes', 'conflicts'].map((k) => ['syncs', 'people', k]),
  ...['transform', 'direction', 'type'].map((k) => ['syncs', 'people', 'fields', 'email', k]),
  ...['map', 'write'].map((k) => ['syncs', 'people', 'fields', 'plan', 'a', k]),
  ['syncs', 'people', 'conflicts', 'fields'],
];

/** Every key path of a data tree. */
function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return entries.flatMap(([key, child]) => [[...prefix, key], ...pathsOf(child, [...prefix, key])]);
}

function withEmptyKey(path: readonly (string | number)[]): string {
  const config = validConfig();
  const parent = path.slice(0, -1).reduce((node, key) => node[key], config);
  parent[path[path.length - 1]] = null;
  return YAML.stringify(config);
}

function issuesOf(text: string): ConfigIssue[] {
  try {
    parseConfig(text, FILE, {});
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
}

describe('checkDto: a key written with no value', () => {
  it('accepts the config every other case starts from', () => {
    expect(issuesOf(YAML.stringify(validConfig()))).toEqual([]);
  });

  it('refuses an empty `onCreate:` with a located issue naming the key instead of a TypeError', () => {
    const text = withEmptyKey(['syncs', 'people', 'members', 'a', 'onCreate']);
    const issue = issuesOf(text).find((i) => i.path === 'syncs.people.members.a.onCreate');
    expect(issue).toMatchObject({ severity: 'error', message: 'has no value: give one, or remove the key' });
    const line = text.split('\n').findIndex((l) => /^\s*onCreate:/.test(l)) + 1;
    expect(issue?.line).toBe(line);
  });

  it.each(OPTIONAL_KEYS.map((path) => [formatPath(path), path] as const))('refuses an empty optional %s with an issue at that key', (name, path) => {
    const issues = issuesOf(withEmptyKey([...path]));
    expect(issues.find((i) => i.path === name)).toMatchObject({ severity: 'error', message: 'has no value: give one, or remove the key' });
  });

  it('answers a random value anywhere, including mappings whose keys shadow object methods, with located issues only', () => {
    const shadowing = fc.constantFrom({ toString: {} }, { valueOf: {} }, ['x', { toString: 1 }], { constructor: null });
    fc.assert(
      fc.property(fc.constantFrom(...pathsOf(validConfig())), fc.oneof(fc.jsonValue({ maxDepth: 2 }), shadowing), (path, value) => {
        const config = validConfig();
        const parent = path.slice(0, -1).reduce((node, key) => node[key], config);
        parent[path[path.length - 1]] = value;
        for (const issue of issuesOf(YAML.stringify(config))) expect(issue.line).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 1000 },
    );
  });
});
