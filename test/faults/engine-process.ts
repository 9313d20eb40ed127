/**
 * The real engine as its own OS process, for faults a process inside Jest cannot suffer (kill -9): `node` runs
 * apps/engine/src/main.ts through ts-register.mjs (no build needed, the sources under test are the ones run), with
 * `-c <config> -p 0`, and its ledger on a fresh Postgres database when one is reachable, else an on-disk PGlite folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openLedger, postgresReachable, type Ledger } from '@tandem/ledger';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const REGISTER = join(ROOT, 'test', 'faults', 'ts-register.mjs');
const MAIN = join(ROOT, 'apps', 'engine', 'src', 'main.ts');
const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Where the spawned engines keep their ledger; every engine of one test shares it, as restarts of one install do. */
export interface LedgerHome {
  kind: 'postgres' | 'pglite';
  /** Environment and working folder for the child (DATABASE_URL, or a cwd whose .tandem/pgdata is the ledger). */
  env: Record<string, string | undefined>;
  cwd: string;
  /** The same ledger opened in this process (only while no engine runs, for PGlite). */
  open(): Promise<Ledger>;
  dispose(): Promise<void>;
}


async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fresh database (the CLI has no schema option, so a database per test), or an on-disk PGlite folder. */
export async function ledgerHome(prefer: 'postgres' | 'pglite' = 'postgres'): Promise<LedgerHome> {
  const cwd = mkdtempSync(join(tmpdir(), 'tandem-kill9-'));
  if (prefer === 'postgres' && (await postgresReachable(ADMIN_URL))) {
    const name = `tandem_kill9_${process.pid}_${randomBytes(4).toString('hex')}`;
    await admin(`CREATE DATABASE "${name}"`);
    const url = new URL(ADMIN_URL);
    url.pathname = `/${name}`;
    return {
      kind: 'postgres',
      env: { DATABASE_URL: url.toString() },
      cwd,
      open: () => openLedger({ databaseUrl: url.toString() }),
      async dispose() {
        await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        rmSync(cwd, { recursive: true, force: true });
      },
    };
  }
  return {
    kind: 'pglite',
    env: { DATABASE_URL: undefined },
    cwd,
    open: () => openLedger({ databaseUrl: null, dataDir: join(cwd, '.tandem', 'pgdata') }),
    dispose: () => Promise.resolve(rmSync(cwd, { recursive: true, force: true })),
  };
}

/** One log line of the child: pino JSON, or a plain line (`engine listening on …`). */
export type EngineLine = { msg?: string; status?: string; [key: string]: unknown } | { text: string };

export interface EngineProcess {
  child: ChildProcess;
  lines: EngineLine[];
  stderr: string[];
  /** The URL from `engine listening on <url>`; rejects when the process exits first. */
  listening: Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Statuses of the `cycle finished` log lines so far. */
  finishedCycles(): string[];
}

export interface SpawnOptions {
  configFile: string;
  home: LedgerHome;
  env?: Record<string, string>;
}

export function spawnEngine(options: SpawnOptions): EngineProcess {
  const env: Record<string, string | undefined> = { ...process.env, NODE_OPTIONS: undefined, LOG_LEVEL: 'info', ...options.home.env, ...options.env };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  const child = spawn(process.execPath, ['--import', REGISTER, MAIN, '-c', options.configFile, '-p', '0'], {
    cwd: options.home.cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: EngineLine[] = [];
  const stderr: string[] = [];
  let announce: (url: string) => void = () => undefined;
  let fail: (error: Error) => void = () => undefined;
  const listening = new Promise<string>((ok, ko) => {
    announce = ok;
    fail = ko;
  });
  listening.catch(() => undefined);
  let pending = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk;
    const parts = pending.split('\n');
    pending = parts.pop() ?? '';
    for (const text of parts.filter((p) => p.trim() !== '')) {
      const line = parseLine(text);
      lines.push(line);
      const url = 'text' in line ? /^engine listening on (\S+)/.exec(String(line.text))?.[1] : undefined;
      if (url) announce(url);
    }
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => {
    child.on('exit', (code, signal) => {
      fail(new Error(`engine exited before listening (code ${code}, signal ${signal}): ${stderr.join('').slice(-2000)}`));
      done({ code, signal });
    });
  });
  return {
    child,
    lines,
    stderr,
    listening,
    exited,
    finishedCycles: () => lines.flatMap((l) => ('msg' in l && l.msg === 'cycle finished' ? [String(l.status)] : [])),
  };
}

function parseLine(text: string): EngineLine {
  if (!text.startsWith('{')) return { text };
  try {
    return JSON.parse(text) as EngineLine;
  } catch {
    return { text };
  }
}

/** The demo config the child runs (examples/demo.yaml: its ports come from SANDBOX_*_PORT). */
export const DEMO_CONFIG = join(ROOT, 'examples', 'demo.yaml');
