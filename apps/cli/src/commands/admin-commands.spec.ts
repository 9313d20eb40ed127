import { createServer } from 'node:net';
import { tandem } from '../cli.test-kit.js';
import { resyncBody } from './resync.command.js';

/** A loopback port nothing listens on: bind one, note it, release it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('admin commands: usage', () => {
  it.each([['status'], ['pause', 'people'], ['resume', 'people'], ['resync', 'people'], ['erase', 'ann@example.test']])(
    '`tandem %s` without TANDEM_ADMIN_TOKEN is a usage error in one line (exit 2)',
    async (...args) => {
      const run = await tandem(args, { TANDEM_URL: 'http://127.0.0.1:9' });
      expect(run.code).toBe(2);
      expect(run.stderr.trim().split('\n')).toEqual([expect.stringContaining('TANDEM_ADMIN_TOKEN is not set')]);
    },
  );

  it('refuses --records with --since, malformed records and a since that is not ISO (exit 2, nothing sent)', async () => {
    const env = { TANDEM_ADMIN_TOKEN: 't', TANDEM_URL: `http://127.0.0.1:${await closedPort()}` };
    for (const args of [
      ['resync', 'people', '--records', 'crm:1', '--since', '2026-01-01T00:00:00Z'],
      ['resync', 'people', '--records', 'crm1'],
      ['resync', 'people', '--records', ','],
      ['resync', 'people', '--since', 'last tuesday'],
    ]) {
      const run = await tandem(args, env);
      expect(run.code).toBe(2);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('treats a missing sync argument and a non-email as usage errors', async () => {
    const env = { TANDEM_ADMIN_TOKEN: 't', TANDEM_URL: `http://127.0.0.1:${await closedPort()}` };
    expect((await tandem(['pause'], env)).code).toBe(2);
    expect((await tandem(['erase', 'nobody'], env)).code).toBe(2);
    expect((await tandem(['resync', 'people', '--url', 'x'], env)).code).toBe(2);
  });

  it('builds the resync body for each scope', () => {
    expect(resyncBody({})).toEqual({});
    expect(resyncBody({ records: 'crm:1, mail:a:b' })).toEqual({ records: ['crm:1', 'mail:a:b'] });
    expect(resyncBody({ since: '2026-11-01' })).toEqual({ since: '2026-11-01T00:00:00.000Z' });
  });

  it('reports an engine it cannot reach in one line with exit 1', async () => {
    const port = await closedPort();
    const run = await tandem(['status'], { TANDEM_ADMIN_TOKEN: 't', TANDEM_URL: `http://127.0.0.1:${port}` });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`tandem: cannot reach the engine at http://127.0.0.1:${port}: ECONNREFUSED\n`);
  });
});
