/** The parent's handle on a sandbox running in a child process (sandbox-process.ts). */
import { fork, type ChildProcess } from 'node:child_process';
// eslint-disable-next-line no-restricted-imports
import type { SandboxOptions } from '../../apps/sandbox/src/index.js';
// eslint-disable-next-line no-restricted-imports
import type { StatsSnapshot } from '../../apps/sandbox/src/common/stats.js';

const NONE: RequestCounts = { total: 0, byRoute: {}, byStatus: {} };

export type ParentMessage = { cmd: 'stats'; id: number } | { cmd: 'close' };

export interface RemoteApps {
  hubspot: { url: string; credentials: { token: string } };
  mailchimp: { url: string; credentials: { apiKey: string; listId: string } };
  zendesk: { url: string; credentials: { email: string; token: string; oauthToken: string } };
}

/** What a simulator counted of the requests it answered. */
export type RequestCounts = StatsSnapshot['requests'];
export type AppRequests = { hubspot: RequestCounts; mailchimp: RequestCounts; zendesk: RequestCounts };

export interface ChildReply {
  id: number;
  ready?: RemoteApps;
  requests?: AppRequests;
  rss?: number;
}

export interface RemoteSandbox extends RemoteApps {
  /** Requests each simulator has answered so far, and the sandbox process's RSS (bytes). */
  stats(): Promise<{ requests: AppRequests; rss: number }>;
  close(): Promise<void>;
}

/** Forks the sandbox and resolves once its three simulators listen on 127.0.0.1 (`nodeArgs`: e.g. `--cpu-prof`). */
export function forkSandbox(options: SandboxOptions, nodeArgs: string[] = []): Promise<RemoteSandbox> {
  const child: ChildProcess = fork(new URL('./sandbox-process.js', import.meta.url), [JSON.stringify(options)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    // Large seeds hold several hundred thousand records in the simulators.
    execArgv: ['--max-old-space-size=8192', ...nodeArgs],
  });
  const waiting = new Map<number, (reply: ChildReply) => void>();
  let next = 1;
  child.on('message', (reply: ChildReply) => {
    waiting.get(reply.id)?.(reply);
    waiting.delete(reply.id);
  });
  return new Promise((resolve, reject) => {
    const failed = (code: number | null) => reject(new Error(`the sandbox process exited with code ${String(code)} before it was ready`));
    child.once('exit', failed);
    waiting.set(0, (reply) => {
      child.off('exit', failed);
      if (!reply.ready) return reject(new Error('the sandbox process sent no addresses'));
      resolve({
        ...reply.ready,
        stats: () =>
          new Promise((done) => {
            const id = next++;
            waiting.set(id, (r) => done({ requests: r.requests ?? { hubspot: NONE, mailchimp: NONE, zendesk: NONE }, rss: r.rss ?? 0 }));
            child.send({ cmd: 'stats', id } satisfies ParentMessage);
          }),
        close: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.send({ cmd: 'close' } satisfies ParentMessage);
          }),
      });
    });
  });
}
