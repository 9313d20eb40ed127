/**
 * Test helpers for the Zendesk specs. Two clocks move together: the simulator's (job progress, export windows) and the
 * connector's (rate-limit pauses, job polls). `drive` advances both whenever the connector sleeps, so a Retry-After of
 * a minute costs a few real milliseconds.
 */
// The sandbox is an app, not a lib, and has no path alias; tests reach it by path.
// eslint-disable-next-line no-restricted-imports
import { ManualClock as SimClock, startSandbox, type Sandbox } from '../../apps/sandbox/src/index.js';
import { ManualClock, type ReadPage } from '@tandem/connector-sdk';
import { ZendeskConnector, type ZendeskConnectorOptions } from './zendesk.connector.js';

export const T0 = Date.parse('2025-03-01T12:00:00Z');

type SimUser = Sandbox['zendesk']['sim']['store']['users'] extends Map<number, infer U> ? U : never;

export interface ZdKit {
  sb: Sandbox;
  simClock: SimClock;
  clock: ManualClock;
  connector: ZendeskConnector;
  connect(options?: Partial<ZendeskConnectorOptions>): ZendeskConnector;
  /** Adds a user as if created in Zendesk's UI at `at`. */
  add(email: string, at: number, extra?: Partial<SimUser>): string;
  /** A user edit in the UI at `at`. */
  edit(id: string, at: number, fields: Partial<SimUser>): void;
  user(id: string): SimUser;
  drive<T>(work: Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function zendeskKit(options: Partial<ZendeskConnectorOptions> = {}): Promise<ZdKit> {
  const simClock = new SimClock(T0 + 3_600_000);
  const clock = new ManualClock(simClock.now());
  const sb = await startSandbox({ seed: 0, clock: simClock });
  const sim = sb.zendesk.sim;
  const connect = (more: Partial<ZendeskConnectorOptions> = {}) =>
    new ZendeskConnector({
      baseUrl: `${sb.zendesk.url}/api/v2`,
      auth: { email: sb.zendesk.credentials.email, token: sb.zendesk.credentials.token },
      now: () => simClock.now(),
      clock,
      jobPollMs: 100,
      ...options,
      ...more,
    });
  const user = (id: string) => {
    const found = sim.store.users.get(Number(id));
    if (!found) throw new Error('test user not found');
    return found;
  };
  return {
    sb,
    simClock,
    clock,
    connector: connect(),
    connect,
    add(email, at, extra = {}) {
      const created = sim.store.create({ name: email.split('@')[0], email, ...extra }, at);
      return String(created.id);
    },
    edit(id, at, fields) {
      Object.assign(user(id), fields, { updated_at: at });
    },
    user,
    async drive<T>(work: Promise<T>): Promise<T> {
      let settled = false;
      const watched = work.finally(() => {
        settled = true;
      });
      watched.catch(() => undefined);
      for (let turn = 0; !settled && turn < 20_000; turn++) {
        await new Promise((resolve) => setTimeout(resolve, 1));
        if (clock.pendingSleeps > 0) {
          simClock.advance(1000);
          await clock.advance(1000);
        }
      }
      return watched;
    },
    close: () => sb.close(),
  };
}

export async function collect(kit: ZdKit, cursor: string | null, connector = kit.connector): Promise<ReadPage[]> {
  return kit.drive(
    (async () => {
      const pages: ReadPage[] = [];
      for await (const page of connector.read('users', cursor)) pages.push(page);
      return pages;
    })(),
  );
}

export const ids = (pages: ReadPage[]): string[] => pages.flatMap((p) => p.records.map((r) => r.id));

export function lastCursor(pages: ReadPage[]): string {
  const cursor = pages[pages.length - 1]?.cursor;
  if (!cursor) throw new Error('read ended without a cursor');
  return cursor;
}
