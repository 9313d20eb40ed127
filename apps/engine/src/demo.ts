/**
 * `npm start` with no config: the sandbox's three simulated apps (seeded with overlapping people), the engine on an
 * embedded ledger, examples/demo.yaml, and the simulators' webhooks pointed at the engine — zero setup.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { loadConfig, type TandemConfig } from '@tandem/config';
import { DEFAULT_DATA_DIR } from '@tandem/ledger';
import { TandemError } from '@tandem/core';
// eslint-disable-next-line no-restricted-imports -- apps have no @tandem alias
import { startSandbox, type Sandbox } from '../../sandbox/src/index.js';
import type { EngineTiming } from './core/engine-options.js';
import { startEngine, type RunningEngine } from './engine.js';

export const DEMO_PORTS = { hubspot: 4011, mailchimp: 4012, zendesk: 4013 } as const;

export interface DemoOptions {
  /** Sandbox ports (0 = free ports); default SANDBOX_*_PORT, else 4011–4013. */
  ports?: { hubspot: number; mailchimp: number; zendesk: number };
  /** People generated over the three apps (default 50). */
  seed?: number;
  /** Engine port (0 = free); default PORT, else 4010. */
  port?: number;
  /** Ledger folder (default `.tandem/pgdata`; `memory://` for tests). */
  dataDir?: string;
  adminToken?: string;
  logger?: Logger;
  timing?: Partial<EngineTiming>;
  /** Called once per listener with its URL, sandbox apps first. */
  onListening?: (name: string, url: string) => void;
}

export interface RunningDemo {
  engine: RunningEngine;
  sandbox: Sandbox;
  config: TandemConfig;
  close(): Promise<void>;
}

export class DemoError extends TandemError {}

/** examples/demo.yaml, found from this file upwards (the same from src/ under Jest and from dist/ under node). */
export function demoConfigPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i += 1) {
    const candidate = join(dir, 'examples', 'demo.yaml');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new DemoError('DEMO_CONFIG_MISSING', 'examples/demo.yaml was not found next to the engine');
}

function envPort(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = Number(raw);
  return raw !== undefined && raw !== '' && Number.isInteger(value) && value >= 0 && value <= 65535 ? value : fallback;
}

export async function startDemo(options: DemoOptions = {}): Promise<RunningDemo> {
  const ports = options.ports ?? {
    hubspot: envPort('SANDBOX_HUBSPOT_PORT', DEMO_PORTS.hubspot),
    mailchimp: envPort('SANDBOX_MAILCHIMP_PORT', DEMO_PORTS.mailchimp),
    zendesk: envPort('SANDBOX_ZENDESK_PORT', DEMO_PORTS.zendesk),
  };
  const dataDir = options.dataDir ?? DEFAULT_DATA_DIR;
  await prepareDemoLedger(dataDir);
  const sandbox = await startSandbox({ ports, seed: options.seed ?? 50 });
  let engine: RunningEngine | undefined;
  try {
    for (const app of [sandbox.hubspot, sandbox.mailchimp, sandbox.zendesk]) options.onListening?.(app.name, app.url);
    const config = demoConfigFor(sandbox);
    engine = await startEngine({
      config,
      databaseUrl: null,
      dataDir,
      ...(options.port !== undefined ? { port: options.port } : {}),
      ...(options.adminToken !== undefined ? { adminToken: options.adminToken } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
      ...(options.timing ? { timing: options.timing } : {}),
    });
    options.onListening?.('engine', engine.url);
    await pointSandboxWebhooks(sandbox, config, engine.url);
    const running = engine;
    return {
      engine: running,
      sandbox,
      config,
      close: async () => {
        await running.close();
        await sandbox.close();
      },
    };
  } catch (error) {
    await engine?.close();
    await sandbox.close();
    throw error;
  }
}

/** The demo file with the sandbox's actual ports, and a webhook secret per connection that has none. */
export function demoConfigFor(sandbox: Sandbox): TandemConfig {
  const env = {
    ...process.env,
    SANDBOX_HUBSPOT_PORT: String(sandbox.hubspot.port),
    SANDBOX_MAILCHIMP_PORT: String(sandbox.mailchimp.port),
    SANDBOX_ZENDESK_PORT: String(sandbox.zendesk.port),
  };
  const { config } = loadConfig(demoConfigPath(), env);
  for (const connection of Object.values(config.connections)) {
    if (connection.settings.webhookSecret === undefined && connection.settings.webhookSecrets === undefined) {
      connection.settings.webhookSecret = randomBytes(18).toString('base64url');
    }
  }
  return config;
}

/** Each simulator posts its webhooks to the engine's receiver for the connection of its type. */
export async function pointSandboxWebhooks(sandbox: Sandbox, config: TandemConfig, engineUrl: string): Promise<void> {
  for (const [name, connection] of Object.entries(config.connections)) {
    const secret = String(connection.settings.webhookSecret ?? (connection.settings.webhookSecrets as string[] | undefined)?.[0] ?? '');
    const url = `${engineUrl}/webhooks/${encodeURIComponent(name)}`;
    if (connection.type === 'hubspot') await sandbox.hubspot.configureWebhook({ url, secret });
    // Mailchimp signs nothing: its secret travels in the URL it posts to.
    if (connection.type === 'mailchimp') await sandbox.mailchimp.configureWebhook({ url: `${url}?secret=${encodeURIComponent(secret)}` });
    if (connection.type === 'zendesk') await sandbox.zendesk.configureWebhook({ url, secret });
  }
}

/**
 * The sandbox starts from its seed every time, so a ledger left by an earlier demo describes records that no longer
 * exist: it is removed. A ledger the demo did not create (no marker) is never touched.
 */
async function prepareDemoLedger(dataDir: string): Promise<void> {
  if (dataDir.startsWith('memory://')) return;
  const marker = `${resolve(dataDir)}.demo`;
  if (existsSync(dataDir)) {
    if (!existsSync(marker)) {
      throw new DemoError(
        'DEMO_LEDGER_IN_USE',
        `${dataDir} holds a ledger the demo did not create; run with -c FILE, or move that folder away`,
      );
    }
    await rm(dataDir, { recursive: true, force: true });
  }
  await mkdir(dirname(resolve(dataDir)), { recursive: true });
  await writeFile(marker, 'created by the Tandem demo (npm start without a config); removed with the demo ledger\n');
}
