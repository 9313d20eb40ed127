import { startSandbox } from './sandbox.js';

/** Reads a port from the environment: unset → the default, 0 → a random free port. */
function port(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw new Error(`${name} must be a port number (0 = random)`);
  return value;
}

function webhook(prefix: string): { url: string; secret?: string } | undefined {
  const url = process.env[`SANDBOX_${prefix}_WEBHOOK_URL`];
  return url ? { url, secret: process.env[`SANDBOX_${prefix}_WEBHOOK_SECRET`] } : undefined;
}

async function main(): Promise<void> {
  const seed = Number(process.env.SANDBOX_SEED ?? 50);
  const sandbox = await startSandbox({
    ports: { hubspot: port('SANDBOX_HUBSPOT_PORT', 4011), mailchimp: port('SANDBOX_MAILCHIMP_PORT', 4012), zendesk: port('SANDBOX_ZENDESK_PORT', 4013) },
    seed: Number.isInteger(seed) && seed >= 0 ? seed : 50,
    randomSeed: Number(process.env.SANDBOX_RANDOM_SEED ?? 42) || 42,
    hubspot: { webhook: webhook('HUBSPOT') },
    mailchimp: { webhook: webhook('MAILCHIMP') },
    zendesk: { webhook: webhook('ZENDESK') },
  });
  for (const app of [sandbox.hubspot, sandbox.mailchimp, sandbox.zendesk]) console.log(`${app.name} listening on ${app.url}`);
  const shutdown = () => {
    void sandbox.close().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error(`sandbox failed to start: ${(error as Error).message}`);
  process.exit(1);
});
