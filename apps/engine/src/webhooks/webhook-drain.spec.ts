import { setTimeout as sleep } from 'node:timers/promises';
import type { SyncSpec } from '@tandem/core';
import { KeyedMutex, type Ledger, type WebhookEventRow } from '@tandem/ledger';
import type { CycleOptions, CycleReport } from '@tandem/runtime';
import { DEFAULT_TIMING } from '../core/engine-options.js';
import { WebhookDrain, type DrainDeps } from './webhook-drain.js';
import { HINTS_HEADER } from './webhook-intake.js';

const SPEC = { name: 'people', members: { crm: { object: 'contacts' }, mail: { object: 'members' } }, debounceMs: 50 } as unknown as SyncSpec;
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Stored events and the sync locks, in memory. */
function fakeLedger() {
  const rows: WebhookEventRow[] = [];
  const mutex = new KeyedMutex();
  const ledger = {
    webhookEvents: {
      listUnprocessed: ({ connection }: { connection?: string }) => Promise.resolve(rows.filter((r) => r.processedAt === null && r.connection === connection)),
      markProcessedMany: (ids: string[]) => {
        for (const row of rows) if (ids.includes(row.id)) row.processedAt = new Date();
        return Promise.resolve();
      },
    },
    locks: {
      trySyncLock: async <T>(name: string, fn: () => Promise<T>) => {
        const release = mutex.tryAcquire(name);
        if (!release) return false as const;
        try {
          return { acquired: true as const, value: await fn() };
        } finally {
          release();
        }
      },
    },
  };
  const add = (connection: string, id: string, receivedAt = Date.now()) => {
    const row: WebhookEventRow = {
      id: `ev-${rows.length}`,
      connection,
      providerEventId: `p-${rows.length}`,
      receivedAt: new Date(receivedAt),
      headers: { [HINTS_HEADER]: JSON.stringify([{ kind: 'changed', object: SPEC.members[connection]!.object, id }]) },
      body: '',
      processedAt: null,
      error: null,
    };
    rows.push(row);
    return row;
  };
  return { ledger: ledger as unknown as Ledger, rows, add };
}

/** A cycle runner whose sync is held by a cycle of this process (`holdHere`) or of another one (`holdElsewhere`). */
class FakeRunner {
  readonly cycles: { at: number; status: string; records: string[] }[] = [];
  echoes = new Set<string>();
  private held: 'here' | 'elsewhere' | null = null;
  private waiters: (() => void)[] = [];

  holdHere(): void {
    this.held = 'here';
  }

  holdElsewhere(): void {
    this.held = 'elsewhere';
  }

  release(): void {
    this.held = null;
    for (const wake of this.waiters.splice(0)) wake();
  }

  run(_spec: SyncSpec, options: CycleOptions): Promise<CycleReport> {
    const status = this.held ? 'skipped' : 'succeeded';
    this.cycles.push({ at: Date.now(), status, records: (options.records ?? []).map((r) => r.id) });
    return Promise.resolve({ status } as CycleReport);
  }

  isRunning(): boolean {
    return this.held === 'here';
  }

  whenIdle(): Promise<void> {
    return this.held === 'here' ? new Promise((resolve) => this.waiters.push(resolve)) : Promise.resolve();
  }

  settledEchoes(_spec: SyncSpec, query: { ids: string[] }): Promise<Set<string>> {
    return Promise.resolve(new Set(query.ids.filter((id) => this.echoes.has(id))));
  }
}

function world(timing: Partial<DrainDeps['timing']> = {}) {
  const { ledger, rows, add } = fakeLedger();
  const runner = new FakeRunner();
  const queued: { startAfterMs?: number }[] = [];
  const drain = new WebhookDrain({
    ledger,
    runner,
    queue: {
      send: (_name: string, _data: object, options: { startAfterMs?: number } = {}) => (queued.push(options), Promise.resolve('job')),
      // The queue never hands out a job here: every pass below is started by the drain's own timing.
      work: () => Promise.resolve(),
    } as unknown as DrainDeps['queue'],
    metrics: { webhookHandled: () => undefined },
    logger: silent,
    timing: { ...DEFAULT_TIMING, ...timing },
    specs: () => [SPEC],
    isPaused: () => false,
  });
  return { drain, runner, rows, add, queued };
}

async function until(what: string, check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

describe('WebhookDrain timing', () => {
  let drain: WebhookDrain | undefined;
  afterEach(async () => drain?.stop(1000));

  it("runs the cycle when the record's debounce window closes, not when the queue next hands out a job", async () => {
    const w = world({ pollingIntervalSeconds: 5 });
    drain = w.drain;
    await w.drain.startWorkers(['crm']);
    const event = w.add('crm', 'c1');
    await w.drain.request('crm', SPEC.debounceMs);
    await until('the cycle', () => w.runner.cycles.length > 0);
    const waited = w.runner.cycles[0]!.at - event.receivedAt.getTime();
    expect(waited).toBeGreaterThanOrEqual(SPEC.debounceMs - 5);
    expect(waited).toBeLessThan(1000);
    await until('the event to be processed', () => event.processedAt !== null);
  });

  it('runs a drain that found the sync busy again the moment the cycle of this process holding it ends', async () => {
    const w = world({ busyRetryMs: 30_000 });
    drain = w.drain;
    await w.drain.startWorkers(['crm']);
    const event = w.add('crm', 'c1', Date.now() - 1000);
    w.runner.holdHere();
    await w.drain.drain('crm');
    expect(w.runner.cycles.map((c) => c.status)).toEqual(['skipped']);
    expect(event.processedAt).toBeNull();
    await sleep(100);
    const released = Date.now();
    w.runner.release();
    await until('the retried cycle', () => w.runner.cycles.length === 2);
    expect(w.runner.cycles[1]!.status).toBe('succeeded');
    expect(w.runner.cycles[1]!.at - released).toBeLessThan(500);
    await until('the event to be processed', () => event.processedAt !== null);
  });

  it('retries soon while another process holds the sync, and less often the longer it holds it', async () => {
    const w = world({ busyRetryMs: 2000 });
    drain = w.drain;
    await w.drain.startWorkers(['crm']);
    w.add('crm', 'c1', Date.now() - 1000);
    w.runner.holdElsewhere();
    await w.drain.drain('crm');
    await until('three attempts', () => w.runner.cycles.length >= 3, 2500);
    const [a, b, c] = w.runner.cycles.map((x) => x.at);
    expect(b! - a!).toBeLessThan(1000);
    expect(c! - b!).toBeGreaterThan(b! - a!);
    w.runner.release();
    await until('the cycle to run', () => w.runner.cycles.at(-1)?.status === 'succeeded', 3000);
  });

  it("marks an app's echoes of the engine's writes processed without a cycle and sends only real edits to one", async () => {
    const w = world();
    drain = w.drain;
    const echo = w.add('mail', 'm-echo', Date.now() - 1000);
    const edit = w.add('mail', 'm-edit', Date.now() - 1000);
    w.runner.echoes = new Set(['m-echo']);
    await w.drain.drain('mail');
    expect(w.runner.cycles.map((c) => c.records)).toEqual([['m-edit']]);
    expect([echo.processedAt, edit.processedAt].every((at) => at !== null)).toBe(true);
    const onlyEcho = w.add('mail', 'm-echo', Date.now() - 1000);
    await w.drain.drain('mail');
    expect(w.runner.cycles).toHaveLength(1);
    expect(onlyEcho.processedAt).not.toBeNull();
  });

  it('settles an echo while another process holds the sync; the real edit waits for its cycle', async () => {
    const w = world();
    drain = w.drain;
    w.runner.echoes = new Set(['m-echo']);
    w.runner.holdElsewhere();
    const echoOnly = w.add('mail', 'm-echo', Date.now() - 1000);
    const edit = w.add('mail', 'm-edit', Date.now() - 1000);
    await w.drain.drain('mail');
    expect(echoOnly.processedAt).not.toBeNull();
    expect(edit.processedAt).toBeNull();
  });
});
