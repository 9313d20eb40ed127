/**
 * The demo, end to end: the sandbox's three simulators (in-process, on free ports) seeded with overlapping people,
 * examples/demo.yaml pointed at them through its SANDBOX_*_PORT variables, and `tandem sync --once --json` run
 * twice through the CLI on one in-memory PGlite. The first run converges; the second finds nothing to do.
 */
import { join } from 'node:path';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '@tandem/ledger';
// The sandbox and the CLI are apps, not libs: no path alias; tests reach them by path.
/* eslint-disable no-restricted-imports */
import { startSandbox, type Sandbox } from '../../apps/sandbox/src/index.js';
import { runCli } from '../../apps/cli/src/program.js';
import type { CliContext } from '../../apps/cli/src/context.js';
/* eslint-enable no-restricted-imports */

const DEMO = join(process.cwd(), 'examples/demo.yaml');
const COUNTS = ['created', 'updated', 'deleted'] as const;

type SyncJson = { syncs: { sync: string; runId: string | null; status: string; apps: Record<string, Record<string, number>> }[] };
type State = {
  hubspot: { contacts: { properties: Record<string, string | null>; archived: boolean }[] };
  mailchimp: { members: { email_address: string; status: string }[] };
  zendesk: { users: { email: string | null; role: string; active: boolean; user_fields: Record<string, unknown> }[] };
};

const norm = (email: string | null | undefined) => (email ?? '').trim().toLowerCase();

async function state(sb: Sandbox): Promise<State> {
  const get = async (url: string) => (await fetch(`${url}/__admin/state`)).json() as Promise<unknown>;
  return {
    hubspot: (await get(sb.hubspot.url)) as State['hubspot'],
    mailchimp: (await get(sb.mailchimp.url)) as State['mailchimp'],
    zendesk: (await get(sb.zendesk.url)) as State['zendesk'],
  };
}

/** Normalised emails each app holds (live records only), with repeats kept so duplicates show. */
function emails(s: State) {
  return {
    crm: s.hubspot.contacts.filter((c) => !c.archived).map((c) => norm(c.properties.email)),
    mail: s.mailchimp.members.map((m) => norm(m.email_address)),
    mailSynced: s.mailchimp.members.filter((m) => ['subscribed', 'unsubscribed'].includes(m.status)).map((m) => norm(m.email_address)),
    desk: s.zendesk.users.filter((u) => u.active && u.role === 'end-user').map((u) => norm(u.email)),
  };
}

const sorted = (list: string[]) => [...list].sort();
const unique = (list: string[]) => [...new Set(list)].sort();

async function syncOnce(env: Record<string, string>, more: string[] = []): Promise<{ code: number; report: SyncJson; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const ctx: CliContext = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env, exitCode: 0 };
  const code = await runCli(['sync', '--once', '-c', DEMO, '--json', ...more], ctx);
  if (code !== 0) throw new Error(`tandem sync exited ${code}: ${stderr}${stdout}`);
  return { code, report: JSON.parse(stdout) as SyncJson, stderr };
}

describe('the demo against the sandbox', () => {
  let sb: Sandbox;
  let db: EmbeddedPostgres;
  let env: Record<string, string>;

  beforeAll(async () => {
    sb = await startSandbox({ seed: 24, randomSeed: 7 });
    db = await startEmbeddedPostgres('memory://');
    env = {
      SANDBOX_HUBSPOT_PORT: String(sb.hubspot.port),
      SANDBOX_MAILCHIMP_PORT: String(sb.mailchimp.port),
      SANDBOX_ZENDESK_PORT: String(sb.zendesk.port),
      DATABASE_URL: db.url,
    };
  });
  afterAll(async () => {
    await sb?.close();
    await db?.stop();
  });

  it('converges the three apps in one run with the demo credentials and finds nothing to do on the second', async () => {
    const before = emails(await state(sb));
    const everyone = unique([...before.crm, ...before.mailSynced, ...before.desk]);
    // The seed overlaps: some people are in several apps, and some in only one.
    expect(everyone.length).toBeLessThan(before.crm.length + before.mailSynced.length + before.desk.length);
    expect(everyone.length).toBeGreaterThan(before.crm.length);

    const first = await syncOnce(env);
    expect(first.report.syncs.map((s) => [s.sync, s.status])).toEqual([['contacts', 'succeeded']]);
    expect(first.report.syncs[0]?.apps.mail?.created).toBe(0);

    const after = emails(await state(sb));
    // The CRM and the helpdesk hold everyone, once; the email tool (create: false) holds exactly whom it had.
    expect(sorted(after.crm)).toEqual(everyone);
    expect(sorted(after.desk)).toEqual(everyone);
    expect(sorted(after.mail)).toEqual(sorted(before.mail));

    // The CRM owns the plan (`crm -> mail, helpdesk`): wherever it has one, the helpdesk now shows the same.
    const synced = await state(sb);
    const deskPlan = new Map(synced.zendesk.users.map((u) => [norm(u.email), u.user_fields.plan]));
    const crmPlans = synced.hubspot.contacts.filter((c) => c.properties.plan_tier);
    expect(crmPlans.length).toBeGreaterThan(0);
    for (const c of crmPlans) expect([norm(c.properties.email), deskPlan.get(norm(c.properties.email))]).toEqual([norm(c.properties.email), c.properties.plan_tier]);

    // Nothing changed outside: an incremental run and a full re-read both write nothing.
    for (const more of [[], ['--full']]) {
      const again = await syncOnce(env, more);
      expect(again.report.syncs[0]?.status).toBe('succeeded');
      for (const [app, counts] of Object.entries(again.report.syncs[0]?.apps ?? {})) {
        for (const kind of COUNTS) expect({ more, app, kind, n: counts[kind] }).toEqual({ more, app, kind, n: 0 });
      }
    }
  }, 120_000);
});
