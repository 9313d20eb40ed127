/**
 * The sandbox in a process of its own, for the engine benchmarks: real apps run elsewhere, so neither their CPU nor
 * their memory belongs in the engine's figures. Started by `forkSandbox` (remote-sandbox.ts) with the sandbox options
 * as JSON in argv; answers `stats` and `close` messages over the IPC channel.
 */
// The sandbox is an app with no path alias; the bench reaches it by path, as the connector test kits do.
// eslint-disable-next-line no-restricted-imports
import { startSandbox, type SandboxOptions } from '../../apps/sandbox/src/index.js';
import type { ChildReply, ParentMessage } from './remote-sandbox.js';

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as SandboxOptions;
  const sb = await startSandbox(options);
  const send = (reply: ChildReply) => process.send?.(reply);
  process.on('message', (message: ParentMessage) => {
    if (message.cmd === 'stats') {
      send({ id: message.id, requests: { hubspot: sb.hubspot.stats().requests, mailchimp: sb.mailchimp.stats().requests, zendesk: sb.zendesk.stats().requests }, rss: process.memoryUsage().rss });
    } else if (message.cmd === 'close') {
      void sb.close().then(() => process.exit(0));
    }
  });
  // Leave with the parent, whatever happens to it.
  process.on('disconnect', () => process.exit(0));
  send({
    id: 0,
    ready: {
      hubspot: { url: sb.hubspot.url, credentials: sb.hubspot.credentials },
      mailchimp: { url: sb.mailchimp.url, credentials: sb.mailchimp.credentials },
      zendesk: { url: sb.zendesk.url, credentials: sb.zendesk.credentials },
    },
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`sandbox process failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
