import type { CliContext } from './context.js';
import { buildProgram, runCli } from './program.js';

function capture(env: Record<string, string | undefined> = {}) {
  const out = { stdout: '', stderr: '' };
  const ctx: CliContext = { stdout: (t) => (out.stdout += t), stderr: (t) => (out.stderr += t), env, exitCode: 0 };
  return { ctx, out };
}

describe('the tandem command', () => {
  it('registers validate as a subcommand', () => {
    expect(buildProgram(capture().ctx).commands.map((c) => c.name())).toContain('validate');
  });

  it('treats an unknown command as a usage error (exit 2, one line)', async () => {
    const { ctx, out } = capture();
    expect(await runCli(['valdiate'], ctx)).toBe(2);
    expect(out.stderr.trim().split('\n')).toHaveLength(2);
    expect(out.stderr).toContain("unknown command 'valdiate'");
  });

  it('prints help and exits 0', async () => {
    const { ctx, out } = capture();
    expect(await runCli(['--help'], ctx)).toBe(0);
    expect(out.stdout).toContain('validate');
  });

  it('reports an unexpected failure in one line with exit 1', async () => {
    const { ctx, out } = capture({ TANDEM_CONFIG: 'examples/crm-mail-helpdesk.yaml', HUBSPOT_TOKEN: 'a', HUBSPOT_CLIENT_SECRET: 'b', MAILCHIMP_API_KEY: 'c', ZENDESK_TOKEN: 'd', TANDEM_ADMIN_TOKEN: 'e' });
    ctx.stdout = () => {
      throw new Error('write EPIPE');
    };
    expect(await runCli(['validate'], ctx)).toBe(1);
    expect(out.stderr).toBe('tandem: unexpected error: write EPIPE\n');
  });
});
