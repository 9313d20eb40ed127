/**
 * Malformed configs: random YAML text, mangled versions of a valid tandem.yaml, and random documents go into
 * parseConfig and loadConfig. Every outcome is a loaded config or a ConfigError listing located issues; nothing else
 * is ever thrown.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import YAML from 'yaml';
import { loadConfig, parseConfig } from '@tandem/config';
import { ConfigError } from '@tandem/core';
import { FUZZ_RUNS, SEED, Tally } from './fault-size.js';

const EXAMPLE = readFileSync(join(process.cwd(), 'examples/crm-mail-helpdesk.yaml'), 'utf8');
const ENV = { HUBSPOT_TOKEN: 't', HUBSPOT_CLIENT_SECRET: 's', MAILCHIMP_API_KEY: 'k-us21', ZENDESK_TOKEN: 'z', TANDEM_ADMIN_TOKEN: 'a' };
const tally = new Tally();

/** What a failure must look like: a ConfigError naming at least one error, each issue located in the file. */
function assertClearOutcome(run: () => unknown): void {
  tally.scenarios += 1;
  try {
    const loaded = run() as { config: { syncs: unknown[] }; warnings: unknown[] };
    expect(Array.isArray(loaded.config.syncs)).toBe(true);
    expect(Array.isArray(loaded.warnings)).toBe(true);
  } catch (err) {
    if (!(err instanceof ConfigError)) tally.crashes += 1;
    expect(err).toBeInstanceOf(ConfigError);
    const issues = (err as ConfigError).issues;
    expect(issues.some((i) => i.severity === 'error')).toBe(true);
    for (const issue of issues) {
      expect(issue.line).toBeGreaterThanOrEqual(1);
      expect(issue.col).toBeGreaterThanOrEqual(1);
      expect(typeof issue.message).toBe('string');
      expect(issue.message.length).toBeGreaterThan(0);
    }
  }
}

/** A valid config's text cut, spliced and overwritten at random places. */
const mangledText = fc
  .record({
    cut: fc.nat({ max: EXAMPLE.length }),
    at: fc.nat({ max: EXAMPLE.length }),
    insert: fc.oneof(fc.string(), fc.constantFrom(':', '- ', '{', '[', '"', "'", '\t', '&a', '*a', '!!binary', '${', '<<: *a', '\n  ', '---\n')),
    drop: fc.nat({ max: 40 }),
  })
  .map(({ cut, at, insert, drop }) => {
    const text = EXAMPLE.slice(0, Math.max(cut, at + drop + 1));
    return text.slice(0, at) + insert + text.slice(at + drop);
  });

/** The valid config as data with one node replaced by a random value. */
const parsedExample = YAML.parse(EXAMPLE, { merge: true }) as unknown;

function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([k, v]) => paths(v, [...prefix, k]))];
}

const ALL_PATHS = paths(parsedExample);

const mangledDocument = fc.record({ path: fc.constantFrom(...ALL_PATHS), value: fc.jsonValue({ maxDepth: 3 }), remove: fc.boolean() }).map(({ path, value, remove }) => {
  const doc = structuredClone(parsedExample) as Record<string | number, unknown>;
  if (path.length === 0) return YAML.stringify(value);
  const parent = path.slice(0, -1).reduce<Record<string | number, unknown>>((node, key) => node[key] as Record<string | number, unknown>, doc);
  const last = path[path.length - 1] as string | number;
  if (remove) delete parent[last];
  else parent[last] = value;
  return YAML.stringify(doc);
});

describe('random YAML configs', () => {
  afterAll(() => tally.print('config fuzz'));

  it('answers random text with a config or a ConfigError listing located issues', () => {
    fc.assert(fc.property(fc.string({ maxLength: 400 }), (text) => assertClearOutcome(() => parseConfig(text, 'random.yaml', ENV))), { numRuns: FUZZ_RUNS, seed: SEED });
  });

  it('answers a tandem.yaml cut and spliced anywhere with a ConfigError, never another exception', () => {
    fc.assert(fc.property(mangledText, (text) => assertClearOutcome(() => parseConfig(text, 'mangled.yaml', ENV))), { numRuns: FUZZ_RUNS, seed: SEED });
  });

  it('answers a tandem.yaml with one node replaced by random data with a ConfigError, never another exception', () => {
    fc.assert(fc.property(mangledDocument, (text) => assertClearOutcome(() => parseConfig(text, 'replaced.yaml', ENV))), { numRuns: FUZZ_RUNS, seed: SEED });
  });

  it('answers random documents of any shape with a ConfigError, never another exception', () => {
    fc.assert(fc.property(fc.anything({ maxDepth: 3 }), (value) => assertClearOutcome(() => parseConfig(YAML.stringify(value) ?? '', 'doc.yaml', ENV))), { numRuns: FUZZ_RUNS, seed: SEED });
  });

  it('loads mangled files from disk with the same clear outcome', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-config-fuzz-'));
    try {
      fc.assert(
        fc.property(fc.oneof(mangledText, mangledDocument), (text) => {
          const file = join(dir, 'tandem.yaml');
          writeFileSync(file, text);
          assertClearOutcome(() => loadConfig(file, ENV));
        }),
        { numRuns: FUZZ_RUNS, seed: SEED },
      );
      assertClearOutcome(() => loadConfig(join(dir, 'missing.yaml'), ENV));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('still loads the untouched example, so the fuzzing starts from a valid file', () => {
    expect(parseConfig(EXAMPLE, 'example.yaml', ENV).config.syncs).toHaveLength(1);
  });
});
