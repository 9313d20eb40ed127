/**
 * Helpers for the CLI command specs: run `tandem …` in-process and capture what it printed, config files in a temp
 * folder over memory apps, and one in-memory PGlite served on loopback so several invocations share a ledger
 * (each invocation opens and closes its own connection to it, as separate processes would).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { MemoryApps, type MemoryApp } from '@tandem/connectors/memory';
import { openLedger, startEmbeddedPostgres, type EmbeddedPostgres, type Ledger } from '@tandem/ledger';
import type { CliContext } from './context.js';
import { runCli } from './program.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `tandem ...args` with exactly `env` as its environment (nothing from process.env). */
export async function tandem(args: string[], env: Record<string, string | undefined> = {}, extra: Partial<CliContext> = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const ctx: CliContext = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env, exitCode: 0, ...extra };
  const code = await runCli(args, ctx);
  return { code, stdout, stderr };
}

/** A three-app contacts sync over memory apps `<prefix>-crm`, `<prefix>-mail`, `<prefix>-desk`. */
export function memoryConfig(prefix: string, extraSync = '', engine = '  dataDir: memory://\n'): string {
  return `connections:
  crm: { type: memory, app: ${prefix}-crm }
  mail: { type: memory, app: ${prefix}-mail }
  desk: { type: memory, app: ${prefix}-desk }
syncs:
  contacts:
    members:
      crm: { object: contacts }
      mail: { object: contacts, create: false }
      desk: { object: contacts }
    match: [email]
    authority: [crm, desk, mail]
${extraSync}    fields:
      email: { crm: email, mail: email, desk: email, transform: email }
      first_name: { crm: firstname, mail: firstname, desk: firstname }
      last_name: { crm: lastname, mail: lastname, desk: lastname }
      phone: { crm: phone, desk: phone, transform: phone_e164 }
engine:
${engine}`;
}

export interface MemoryWorld {
  crm: MemoryApp;
  mail: MemoryApp;
  desk: MemoryApp;
}

/** Registers the three memory apps a `memoryConfig(prefix)` file names. */
export function memoryWorld(prefix: string): MemoryWorld {
  return {
    crm: MemoryApps.create(`${prefix}-crm`),
    mail: MemoryApps.create(`${prefix}-mail`, { uniqueField: 'email' }),
    desk: MemoryApps.create(`${prefix}-desk`),
  };
}

/** Two people in the CRM, one of them (differently cased) and one more in the helpdesk, one in the email tool. */
export function seedPeople(world: MemoryWorld): void {
  world.crm.userCreate({ email: 'ada@example.test', firstname: 'Ada', lastname: 'Lovelace', phone: '+442079460000' });
  world.crm.userCreate({ email: 'alan@example.test', firstname: 'Alan', lastname: 'Turing' });
  world.mail.userCreate({ email: 'ADA@example.test', firstname: 'Ada' });
  world.desk.userCreate({ email: 'alan@example.test', firstname: 'Alan', lastname: 'Turing' });
  world.desk.userCreate({ email: 'edsger@example.test', firstname: 'Edsger' });
}

export function liveEmails(app: MemoryApp): string[] {
  return app
    .records()
    .filter((r) => !r.deleted)
    .map((r) => String(r.fields.email).trim().toLowerCase())
    .sort();
}

/** A temp folder for config files; `remove()` deletes it. */
export function tempDir(): { path: string; write(name: string, text: string): string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'tandem-cli-'));
  return {
    path,
    write(name, text) {
      const file = join(path, name);
      writeFileSync(file, text);
      return file;
    },
    remove: () => rmSync(path, { recursive: true, force: true }),
  };
}

/** An in-memory PGlite on loopback; pass `env()` to commands as their DATABASE_URL so they share one ledger. */
export async function sharedLedger(): Promise<{ env(): Record<string, string>; open(): Promise<Ledger>; stop(): Promise<void> }> {
  const db: EmbeddedPostgres = await startEmbeddedPostgres('memory://');
  return {
    env: () => ({ DATABASE_URL: db.url }),
    open: () => openLedger({ databaseUrl: db.url, poolSize: 2 }),
    stop: () => db.stop(),
  };
}

/** A stream that claims to be a terminal and keeps what was drawn on it. */
export function fakeTerminal(): NodeJS.WriteStream & { text(): string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      text += chunk.toString();
      done();
    },
  }) as unknown as NodeJS.WriteStream & { text(): string };
  Object.assign(stream, { isTTY: true, columns: 100, rows: 30, text: () => text });
  return stream;
}

/** The JSON `sync --once --json` and `approve --json` print. */
export type SyncJson = { syncs: { sync: string; runId: string | null; status: string; apps: Record<string, Record<string, number>> }[] };

/**
 * Per-test set-up of the command specs: a temp folder for YAML files and a fresh ledger per test (memory apps number
 * their records from m-1, so a ledger shared across tests would see the same ids for other people).
 */
export function useCliWorld(): { dir: ReturnType<typeof tempDir>; db(): Awaited<ReturnType<typeof sharedLedger>> } {
  const dir = tempDir();
  let current: Awaited<ReturnType<typeof sharedLedger>> | undefined;
  beforeEach(async () => {
    current = await sharedLedger();
  });
  afterEach(async () => {
    MemoryApps.clear();
    await current?.stop();
  });
  afterAll(() => dir.remove());
  return {
    dir,
    db() {
      if (!current) throw new Error('no ledger yet');
      return current;
    },
  };
}
