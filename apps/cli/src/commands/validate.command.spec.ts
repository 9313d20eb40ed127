import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getTransform } from '@tandem/core';
import type { CliContext } from '../context.js';
import { runCli } from '../program.js';

const EXAMPLE = readFileSync(join(process.cwd(), 'examples/crm-mail-helpdesk.yaml'), 'utf8');
const ENV = {
  HUBSPOT_TOKEN: 'hs-token',
  HUBSPOT_CLIENT_SECRET: 'hs-secret',
  MAILCHIMP_API_KEY: 'mc-key-us21',
  ZENDESK_TOKEN: 'zd-token',
  TANDEM_ADMIN_TOKEN: 'admin-token',
};

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tandem-validate-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `tandem ...args` in-process and captures what it printed. */
async function tandem(args: string[], env: Record<string, string | undefined> = ENV) {
  let stdout = '';
  let stderr = '';
  const ctx: CliContext = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env, exitCode: 0 };
  const code = await runCli(args, ctx);
  return { code, stdout, stderr };
}

function writeConfig(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** Replaces `from` (which must occur in the example) with `to`. */
function brokenCopy(from: string, to: string): string {
  if (!EXAMPLE.includes(from)) throw new Error(`the example no longer contains ${JSON.stringify(from)}`);
  return EXAMPLE.replace(from, to);
}

/** `FILE:LINE:COL` of `needle` in `text`, found by text search. */
function at(file: string, text: string, needle: string): string {
  const index = text.indexOf(needle);
  if (index < 0) throw new Error(`${JSON.stringify(needle)} not in the broken copy`);
  const lines = text.slice(0, index).split('\n');
  return `${file}:${lines.length}:${lines[lines.length - 1].length + 1}`;
}

async function expectErrors(name: string, text: string, expected: (file: string) => string[]) {
  const file = writeConfig(name, text);
  const result = await tandem(['validate', '-c', file]);
  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  const lines = expected(file);
  expect(result.stderr).toBe(`${lines.join('\n')}\n${file}: ${lines.length} error${lines.length === 1 ? '' : 's'}\n`);
}

describe('tandem validate', () => {
  it('accepts the shipped example with a one-line summary', async () => {
    const file = writeConfig('tandem.yaml', EXAMPLE);
    const result = await tandem(['validate', '-c', file]);
    expect(result).toEqual({ code: 0, stdout: `${file}: ok — 3 connections, 1 sync, 8 fields\n`, stderr: '' });
  });

  it('prints warnings and counts them in the summary', async () => {
    const text = brokenCopy('token: ${ZENDESK_TOKEN:-demo-token}', 'token: zd-literal-token');
    const file = writeConfig('literal-secret.yaml', text);
    const result = await tandem(['validate', '-c', file]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(`${at(file, text, 'zd-literal')}  connections.helpdesk.token: warning: "token" looks like a secret written in the file; use \${ENV_VAR} instead\n`);
    expect(result.stdout).toBe(`${file}: ok — 3 connections, 1 sync, 8 fields (1 warning)\n`);
  });

  it('reads the file named by TANDEM_CONFIG when -c is not given', async () => {
    const file = writeConfig('from-env.yaml', EXAMPLE);
    const result = await tandem(['validate'], { ...ENV, TANDEM_CONFIG: file });
    expect(result.stdout).toBe(`${file}: ok — 3 connections, 1 sync, 8 fields\n`);
  });

  it('reports a missing file as a user error without a stack trace', async () => {
    const file = join(dir, 'nowhere.yaml');
    expect(await tandem(['validate', '-c', file])).toEqual({ code: 2, stdout: '', stderr: `${file}:1:1  file not found\n${file}: 1 error\n` });
  });
});

describe('tandem validate on broken copies of the example', () => {
  it('names an unknown transform and suggests the right one', async () => {
    const text = brokenCopy('transform: phone_e164', 'transform: e164x');
    await expectErrors('transform.yaml', text, (f) => [`${at(f, text, 'e164x')}  syncs.contacts.fields.phone.transform: unknown transform "e164x" (did you mean "phone_e164"?)`]);
  });

  it('names an unknown member in a field', async () => {
    const text = brokenCopy('helpdesk: email,', 'helpdsk: email,');
    await expectErrors('member.yaml', text, (f) => [`${at(f, text, 'helpdsk')}  syncs.contacts.fields.email.helpdsk: unknown member or key "helpdsk" (did you mean "helpdesk"?)`]);
  });

  it('refuses a match key that is not a mapped field', async () => {
    const text = brokenCopy('match: [email]', 'match: [emails]');
    await expectErrors('match.yaml', text, (f) => [`${at(f, text, 'emails')}  syncs.contacts.match[0]: match key "emails" is not a mapped field (did you mean "email"?)`]);
  });

  it('refuses two fields on one app path', async () => {
    const text = brokenCopy('{ crm: lastname,', '{ crm: firstname,');
    await expectErrors('duplicate.yaml', text, (f) => [
      `${at(f, text, 'firstname, mail: merge_fields.L')}  syncs.contacts.fields.last_name.crm: crm path "firstname" is already mapped by field "first_name"`,
    ]);
  });

  it('refuses a date format without a year on a two-way field', async () => {
    const text = brokenCopy('        direction: crm -> mail\n', '');
    const reason = getTransform('date')?.lossy({ format: 'MM/DD' });
    expect(reason).toEqual(expect.any(String));
    await expectErrors('lossy.yaml', text, (f) => [
      `${at(f, text, 'MM/DD }')}  syncs.contacts.fields.birthday.mail.format: transform "date" loses information here (${reason}) and the field is two-way; make it one-way (direction: "crm -> mail")`,
    ]);
  });

  it('refuses a map that is not invertible without a reverse entry', async () => {
    const text = brokenCopy('          reverse: { Lead: lead }\n', '');
    await expectErrors('map.yaml', text, (f) => [
      `${at(f, text, '{ lead: Lead')}  syncs.contacts.fields.stage.crm.map: map is not invertible: "lead" and "marketingqualifiedlead" all give "Lead"; add reverse: { "Lead": <the value to write> }`,
    ]);
  });

  it('refuses tags mapped as a single value', async () => {
    const text = brokenCopy(', type: set, only: [vip, churn-risk]', '');
    await expectErrors('set.yaml', text, (f) => [
      `${at(f, text, 'tags, helpdesk')}  syncs.contacts.fields.tags.mail: mail path "tags" holds a set in mailchimp; declare the field with type: set`,
      `${at(f, text, 'tags }')}  syncs.contacts.fields.tags.helpdesk: helpdesk path "tags" holds a set in zendesk; declare the field with type: set`,
    ]);
  });

  it('names a missing environment variable and where it is used', async () => {
    const text = brokenCopy('token: ${ZENDESK_TOKEN:-demo-token}', 'token: ${ZENDESK_TOKEN}');
    const file = writeConfig('env.yaml', text);
    const result = await tandem(['validate', '-c', file], { ...ENV, ZENDESK_TOKEN: undefined });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`${at(file, text, '${ZENDESK_TOKEN}')}  connections.helpdesk.token: environment variable ZENDESK_TOKEN is not set\n${file}: 1 error\n`);
  });

  it('gives the position of a YAML syntax error', async () => {
    const text = brokenCopy('    schedule: 5m ', '    schedule: 5m: x ');
    await expectErrors('syntax.yaml', text, (f) => [`${at(f, text, '5m: x')}  YAML syntax error: Nested mappings are not allowed in compact mappings`]);
  });

  it('names an unknown key and suggests the known one', async () => {
    const text = brokenCopy('    schedule: 5m ', '    shedule: 5m ');
    await expectErrors('key.yaml', text, (f) => [`${at(f, text, 'shedule')}  syncs.contacts.shedule: unknown key "shedule" (did you mean "schedule"?)`]);
  });

  it('lists every error of a file at once', async () => {
    const text = brokenCopy('match: [email]', 'match: [emails]').replace('transform: phone_e164', 'transform: e164x');
    const file = writeConfig('many.yaml', text);
    const result = await tandem(['validate', '-c', file]);
    expect(result.stderr.trim().split('\n')).toHaveLength(3);
    expect(result.stderr).toContain(`${file}: 2 errors`);
  });
});
