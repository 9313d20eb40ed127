import { ConfigError, type ConfigIssue, type SyncSpec } from '@tandem/core';
import { formatIssue, parseConfig } from './index.js';

const FILE = 'tandem.yaml';

const BASE = `connections:
  a: { type: memory, setFields: [labels] }
  b: { type: memory, setFields: [tags] }
syncs:
  people:
    members:
      a: { object: people }
      b: { object: contacts }
    match: [email]
    fields:
      email: { a: email, b: mail, transform: email }
      labels: { a: labels, b: tags, type: set }
`;

/** `FILE:LINE:COL` of the first occurrence of `needle` (plus `shift` characters) in `text` (found by plain text search, not by the parser). */
function at(text: string, needle: string, shift = 0): string {
  const found = text.indexOf(needle);
  if (found < 0) throw new Error(`"${needle}" not in the test YAML`);
  const index = found + shift;
  const before = text.slice(0, index).split('\n');
  return `${FILE}:${before.length}:${before[before.length - 1].length + 1}`;
}

function issuesOf(text: string, env: Record<string, string> = {}): ConfigIssue[] {
  try {
    return parseConfig(text, FILE, env).warnings;
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
}

function linesOf(text: string, env: Record<string, string> = {}): string[] {
  return issuesOf(text, env).map(formatIssue);
}

function syncOf(text: string, env: Record<string, string> = {}): SyncSpec {
  return parseConfig(text, FILE, env).config.syncs[0];
}

describe('loadConfig: a valid file', () => {
  it('fills the documented defaults of a sync and its members', () => {
    const sync = syncOf(BASE);
    expect(sync.authority).toEqual(['a', 'b']);
    expect(sync.deletes).toBe('archive');
    expect(sync.onDeleteConflict).toBe('edit-wins');
    expect(sync.onLink).toEqual({ kind: 'authority' });
    expect(sync.debounceMs).toBe(2000);
    expect(sync.members.b).toEqual({ app: 'b', connectionType: 'memory', object: 'contacts', create: true, onCreate: {}, onLeave: 'unlink' });
    expect(sync.fields.map((f) => [f.name, f.type])).toEqual([['email', 'scalar'], ['labels', 'set']]);
    expect(sync.fields[0].rule).toEqual({ kind: 'last-write-wins', recordTimestamps: false, skewMs: 0 });
  });

  it('turns a one-way direction into read and write flags', () => {
    const text = BASE.replace('      labels:', '      plan: { a: plan, b: tier, direction: a -> b }\n      labels:');
    const plan = syncOf(text).fields.find((f) => f.name === 'plan');
    expect(plan?.apps).toEqual({
      a: { path: 'plan', read: true, write: false, writeMode: 'always' },
      b: { path: 'tier', read: false, write: true, writeMode: 'always' },
    });
  });

  it('makes a template field write-only in every app', () => {
    const text = BASE.replace('      labels:', '      name: { b: full_name, template: "{email}!" }\n      labels:');
    expect(syncOf(text).fields.find((f) => f.name === 'name')?.apps.b).toMatchObject({ read: false, write: true });
  });

  it('reads conflict rules in their short and long forms', () => {
    const text = `${BASE}    conflicts:
      default: keep-non-empty
      fields:
        email: { last-write-wins: { recordTimestamps: true, skew: 2s } }
`;
    const sync = syncOf(text);
    expect(sync.fields[0].rule).toEqual({ kind: 'last-write-wins', recordTimestamps: true, skewMs: 2000 });
    const withPrefer = text.replace('default: keep-non-empty', 'default: { prefer: b }');
    expect(syncOf(withPrefer).fields[1].rule).toEqual({ kind: 'prefer', app: 'b' });
  });

  it('uses a reverse entry to invert a map where two app values give one canonical value', () => {
    const text = BASE.replace(
      '      labels:',
      '      stage: { a: stage, b: { path: st, map: { mql: Lead, lead: Lead, won: Customer }, reverse: { Lead: lead } } }\n      labels:',
    );
    const map = syncOf(text).fields.find((f) => f.name === 'stage')?.apps.b.map;
    expect(map).toEqual({
      toCanonical: { mql: 'Lead', lead: 'Lead', won: 'Customer' },
      fromCanonical: { Lead: 'lead', Customer: 'won' },
      unmapped: { kind: 'error' },
    });
  });

  it('expands environment variables and does not warn about secrets given that way', () => {
    const text = BASE.replace('type: memory, setFields: [labels]', 'type: memory, setFields: [labels], token: "${A_TOKEN}"');
    const loaded = parseConfig(text, FILE, { A_TOKEN: 'tok' });
    expect(loaded.config.connections.a.settings.token).toBe('tok');
    expect(loaded.warnings).toEqual([]);
  });
});

describe('loadConfig: errors name file, line, column and path', () => {
  it('suggests the closest transform for an unknown one', () => {
    const text = BASE.replace('transform: email', 'transform: e164x');
    expect(linesOf(text)).toEqual([`${at(text, 'e164x')}  syncs.people.fields.email.transform: unknown transform "e164x" (did you mean "phone_e164"?)`]);
  });

  it('refuses a member that is not a connection, with a suggestion', () => {
    const text = BASE.replace('b: { object: contacts }', 'bb: { object: contacts }');
    expect(linesOf(text)).toContain(`${at(text, 'bb:')}  syncs.people.members.bb: unknown connection "bb" (did you mean "b"?)`);
  });

  it('refuses a sync with a single member', () => {
    const text = BASE.replace('      b: { object: contacts }\n', '').replace(', b: mail', '').replace(', b: tags', '');
    expect(linesOf(text)).toEqual([`${at(text, 'a: { object')}  syncs.people.members: a sync needs at least 2 members, found 1`]);
  });

  it('refuses a field mapped on a connection that is not a member of the sync', () => {
    const text = BASE.replace('  b: { type: memory, setFields: [tags] }', '  b: { type: memory, setFields: [tags] }\n  c: { type: memory }').replace('b: mail,', 'b: mail, c: mail,');
    expect(linesOf(text)).toEqual([`${at(text, 'c: mail')}  syncs.people.fields.email.c: "c" is a connection but not a member of this sync`]);
  });

  it('refuses a match key that is not a mapped field', () => {
    const text = BASE.replace('match: [email]', 'match: [emial]');
    expect(linesOf(text)).toEqual([`${at(text, 'emial')}  syncs.people.match[0]: match key "emial" is not a mapped field (did you mean "email"?)`]);
  });

  it('refuses two fields on one app path', () => {
    const text = BASE.replace('      labels:', '      login: { a: email, b: login }\n      labels:');
    expect(linesOf(text)).toEqual([`${at(text, 'a: email, b: login', 3)}  syncs.people.fields.login.a: a path "email" is already mapped by field "email"`]);
  });

  it('refuses a scalar field on a set-valued app path and a set field on a single-valued one', () => {
    const text = BASE.replace('labels: { a: labels, b: tags, type: set }', 'labels: { a: labels, b: tags }\n      groups: { a: groups, b: groups, type: set }');
    expect(linesOf(text)).toEqual([
      `${at(text, 'labels, b')}  syncs.people.fields.labels.a: a path "labels" holds a set in memory; declare the field with type: set`,
      `${at(text, 'tags }')}  syncs.people.fields.labels.b: b path "tags" holds a set in memory; declare the field with type: set`,
      `${at(text, 'groups, b')}  syncs.people.fields.groups.a: a path "groups" holds a single value, but the field is type: set (set-valued paths: labels)`,
      `${at(text, 'groups, type')}  syncs.people.fields.groups.b: b path "groups" holds a single value, but the field is type: set (set-valued paths: tags)`,
    ]);
  });

  it('refuses a value map that is not invertible without a reverse entry', () => {
    const text = BASE.replace('      labels:', '      stage: { a: stage, b: { path: st, map: { mql: Lead, lead: Lead } } }\n      labels:');
    expect(linesOf(text)).toEqual([
      `${at(text, '{ mql')}  syncs.people.fields.stage.b.map: map is not invertible: "mql" and "lead" all give "Lead"; add reverse: { "Lead": <the value to write> }`,
    ]);
  });

  it('refuses a reverse entry that writes a value the map never reads', () => {
    const text = BASE.replace('      labels:', '      stage: { a: stage, b: { path: st, map: { mql: Lead, lead: Lead }, reverse: { Lead: sql } } }\n      labels:');
    expect(linesOf(text)).toEqual([`${at(text, 'sql')}  syncs.people.fields.stage.b.reverse.Lead: reverse "Lead" must be one of the app values that map to it: mql, lead`]);
  });

  it('suggests a known key for every unknown key', () => {
    const text = BASE.replace('match: [email]', 'match: [email]\n    shedule: 5m').replace('transform: email', 'tranform: email').replace('object: people', 'objet: people');
    expect(linesOf(text)).toEqual([
      `${at(text, 'a: { objet')}  syncs.people.members.a.object: is required`,
      `${at(text, 'objet')}  syncs.people.members.a.objet: unknown key "objet" (did you mean "object"?)`,
      `${at(text, 'shedule')}  syncs.people.shedule: unknown key "shedule" (did you mean "schedule"?)`,
      `${at(text, 'tranform')}  syncs.people.fields.email.tranform: unknown member or key "tranform" (did you mean "transform"?)`,
    ]);
  });

  it('points a field-level map to the member form', () => {
    const text = BASE.replace('transform: email', 'map: { b: { x: y } }');
    expect(linesOf(text)).toEqual([
      `${at(text, 'map:')}  syncs.people.fields.email.map: "map" belongs to a member: write <member>: { path: …, map: { <app value>: <canonical value> } }`,
    ]);
  });

  it('refuses an unknown direction and a direction naming an app that does not map the field', () => {
    const typo = BASE.replace('transform: email', 'direction: bothh');
    expect(linesOf(typo)).toEqual([`${at(typo, 'bothh')}  syncs.people.fields.email.direction: direction must be "both" or "<from> -> <to>", got "bothh" (did you mean "both"?)`]);
    const stranger = BASE.replace('transform: email', 'direction: a -> c');
    expect(linesOf(stranger)).toEqual([
      `${at(stranger, 'a -> c')}  syncs.people.fields.email.direction: direction: "c" does not map this field`,
      `${at(stranger, 'a -> c')}  syncs.people.fields.email.direction: direction: "b" maps this field but is not in the direction`,
    ]);
  });

  it('refuses unknown conflict rules and a preferred app that does not map the field', () => {
    const text = `${BASE}    conflicts:
      default: last-writer-wins
      fields:
        email: { prefer: c }
        mail: manual
`;
    expect(linesOf(text)).toEqual([
      `${at(text, 'last-writer-wins')}  syncs.people.conflicts.default: unknown conflict rule "last-writer-wins" (did you mean "last-write-wins"?)`,
      `${at(text, 'c }')}  syncs.people.conflicts.fields.email.prefer: prefer must name one of a, b, not "c"`,
      `${at(text, 'mail: manual')}  syncs.people.conflicts.fields.mail: unknown field "mail" (did you mean "email"?)`,
    ]);
  });

  it('refuses a template that names an unknown field', () => {
    const text = BASE.replace('      labels:', '      name: { b: full_name, template: "{first} {email}" }\n      labels:');
    expect(linesOf(text)).toEqual([`${at(text, '"{first}')}  syncs.people.fields.name.template: template refers to unknown field "first"`]);
  });

  it('refuses a schedule that is neither an interval nor a cron expression, and accepts cron', () => {
    const bad = BASE.replace('match: [email]', 'match: [email]\n    schedule: every 5 minutes');
    expect(linesOf(bad)).toEqual([`${at(bad, 'every')}  syncs.people.schedule: schedule must be an interval (30s, 5m, 1h, 1d) or a cron expression, not "every 5 minutes"`]);
    expect(syncOf(BASE.replace('match: [email]', 'match: [email]\n    schedule: "*/5 * * * *"')).schedule).toBe('*/5 * * * *');
  });

  it('names a missing environment variable and where it is used', () => {
    const text = BASE.replace('object: people', 'object: "${PEOPLE_OBJECT}"');
    expect(linesOf(text)).toEqual([`${at(text, '"${PEOPLE')}  syncs.people.members.a.object: environment variable PEOPLE_OBJECT is not set`]);
  });

  it('hints at quoting when an unquoted ${VAR} inside { … } breaks the YAML', () => {
    const text = BASE.replace('object: people', 'object: ${PEOPLE_OBJECT}');
    const issues = issuesOf(text);
    expect(issues).toHaveLength(1);
    expect(formatIssue(issues[0])).toContain('quote values that use ${…}: "${VAR}"');
  });

  it('warns about a literal secret', () => {
    const text = BASE.replace('type: memory, setFields: [labels]', 'type: memory, setFields: [labels], apiKey: abc123');
    expect(linesOf(text)).toEqual([`${at(text, 'abc123')}  connections.a.apiKey: warning: "apiKey" looks like a secret written in the file; use \${ENV_VAR} instead`]);
  });

  it('reports a YAML syntax error with its position', () => {
    const text = BASE.replace('match: [email]', 'match: [email');
    const [first] = issuesOf(text);
    expect(first).toMatchObject({ file: FILE, severity: 'error', path: '' });
    expect(formatIssue(first)).toMatch(/^tandem\.yaml:\d+:\d+ {2}YAML syntax error: /);
    expect(first.line).toBeGreaterThanOrEqual(9);
  });

  it('reports a duplicated key as a syntax error at the second key', () => {
    const text = BASE.replace('match: [email]', 'match: [email]\n    match: [email]');
    expect(linesOf(text)).toEqual([`${at(text, 'match: [email]\n    match', 19)}  YAML syntax error: Map keys must be unique`]);
  });

  it('reports every problem of a file at once, in file order', () => {
    const text = BASE.replace('transform: email', 'transform: emial').replace('match: [email]', 'match: [mail]').replace('type: set', 'type: sett');
    const lines = issuesOf(text).map((i) => i.line);
    expect(lines).toHaveLength(3);
    expect(lines).toEqual([...lines].sort((x, y) => x - y));
  });
});
