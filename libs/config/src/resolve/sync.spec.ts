import { ConfigError } from '@tandem/core';
import { formatIssue, parseConfig } from '../index.js';

const BASE = `connections:
  a: { type: memory }
  b: { type: memory }
  c: { type: memory }
syncs:
  people:
    members:
      a: { object: people }
      b: { object: contacts }
      c: { object: users, create: false, onLeave: keep }
    match: [email]
    fields:
      email: { a: email, b: mail, c: email }
`;

function load(text: string) {
  return parseConfig(text, 'tandem.yaml', {}).config.syncs[0];
}

function messages(text: string): string[] {
  try {
    parseConfig(text, 'tandem.yaml', {});
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.issues.map((i) => formatIssue(i).replace(/^\S+ {2}/, ''));
  }
}

describe('sync options', () => {
  it('keeps consent and leave policies per member', () => {
    expect(load(BASE).members.c).toMatchObject({ create: false, onLeave: 'keep' });
  });

  it('takes authority, onLink, deletes, debounce and maxDeletes as written', () => {
    const sync = load(`${BASE}    authority: [c, a, b]\n    onLink: { prefer: b }\n    deletes: propagate\n    onDeleteConflict: delete-wins\n    debounce: 500ms\n    maxDeletes: "25"\n`);
    expect(sync).toMatchObject({ authority: ['c', 'a', 'b'], onLink: { kind: 'prefer', app: 'b' }, deletes: 'propagate', onDeleteConflict: 'delete-wins', debounceMs: 500, maxDeletes: 25 });
  });

  it('refuses an authority list that leaves a member out or names a stranger', () => {
    expect(messages(`${BASE}    authority: [a, x]\n`)).toEqual([
      'syncs.people.authority: authority must list every member; missing: b, c',
      'syncs.people.authority[1]: "x" is not a member of this sync',
    ]);
  });

  it('refuses an unknown delete policy with a suggestion', () => {
    expect(messages(`${BASE}    deletes: archiv\n`)).toEqual(['syncs.people.deletes: must be one of propagate, archive, ignore (did you mean "archive"?)']);
  });

  it('refuses a match key that is a set field', () => {
    const text = BASE.replace('connections:\n  a: { type: memory }', 'connections:\n  a: { type: memory, setFields: [tags] }')
      .replace('b: { type: memory }', 'b: { type: memory, setFields: [tags] }')
      .replace('match: [email]', 'match: [tags]')
      .replace('      email:', '      tags: { a: tags, b: tags, type: set }\n      email:');
    expect(messages(text)).toEqual(['syncs.people.match[0]: match key "tags" is a set field; identity keys are single values']);
  });

  it('reads write: if-empty and refuses a format without a transform that takes one', () => {
    const ok = load(BASE.replace('c: email }', 'c: { path: email, write: if-empty } }'));
    expect(ok.fields[0].apps.c.writeMode).toBe('if-empty');
    expect(messages(BASE.replace('c: email }', 'c: { path: email, format: MM/DD } }'))).toEqual([
      'syncs.people.fields.email.c.format: "format" needs a transform that takes a format (e.g. transform: date)',
    ]);
  });

  it('allows a date format without a year on a one-way field', () => {
    const text = BASE.replace('      email:', '      birthday: { a: dob, b: { path: bday, format: MM/DD }, transform: date, direction: a -> b }\n      email:');
    expect(load(text).fields[0].apps.b).toEqual({ path: 'bday', read: false, write: true, writeMode: 'always', transformOptions: { format: 'MM/DD' } });
  });

  it('refuses an unknown connection type with a suggestion', () => {
    expect(messages(BASE.replace('c: { type: memory }', 'c: { type: zendsk }'))).toEqual(['connections.c.type: unknown connection type "zendsk" (did you mean "zendesk"?)']);
  });

  it('refuses a field name that could not be used in a template or a dotted path', () => {
    expect(messages(BASE.replace('      email:', '      first.name: { a: fn, b: fn }\n      email:'))).toEqual([
      'syncs.people.fields.first.name: field name "first.name" must start with a letter and use only letters, digits, _ and -',
    ]);
  });

  it('refuses an unknown engine key and accepts a port from the environment', () => {
    expect(messages(`${BASE}engine: { prot: 80 }\n`)).toEqual(['engine.prot: unknown key "prot" (did you mean "port"?)']);
    expect(parseConfig(`${BASE}engine: { port: "\${PORT}" }\n`, 'tandem.yaml', { PORT: '8081' }).config.engine).toEqual({ port: 8081 });
  });

  it('refuses maxDeletes written as a mapping whose keys shadow object methods, without a TypeError', () => {
    for (const key of ['toString', 'valueOf']) {
      expect(messages(`${BASE}    maxDeletes: { ${key}: {} }\n`)).toEqual(['syncs.people.maxDeletes: must be a whole number ≥ 0']);
    }
  });
});
