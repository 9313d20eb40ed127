/**
 * Test helpers for the Mailchimp specs: a sandbox with a manual clock, a connector pointed at it, and direct member
 * edits that play a person working in Mailchimp's own UI (no webhooks, explicit last_changed).
 */
// The sandbox is an app, not a lib, and has no path alias; tests reach it by path.
// eslint-disable-next-line no-restricted-imports
import { ManualClock, startSandbox, type Sandbox } from '../../apps/sandbox/src/index.js';
import type { AppRecord, ReadPage } from '@tandem/connector-sdk';
import { MailchimpConnector, type MailchimpConnectorOptions } from './mailchimp.connector.js';

export const T0 = Date.parse('2025-03-01T12:00:00Z');

export interface McKit {
  sb: Sandbox;
  clock: ManualClock;
  connector: MailchimpConnector;
  connect(options?: Partial<MailchimpConnectorOptions>): MailchimpConnector;
  /** Adds a member as if imported in the UI, changed at `at`. */
  add(
    email: string,
    at: number,
    extra?: { tags?: string[]; FNAME?: string; status?: 'subscribed' | 'archived' },
  ): string;
  /** Edits a member's first name in the UI at `at`. */
  edit(contactId: string, at: number, firstName: string): void;
  member(
    contactId: string,
  ): { email_address: string; tags: { tag: { name: string } }[]; status: string } & Record<string, unknown>;
  close(): Promise<void>;
}

export async function mailchimpKit(options: Partial<MailchimpConnectorOptions> = {}): Promise<McKit> {
  const clock = new ManualClock(T0 + 3_600_000);
  const sb = await startSandbox({ seed: 0, clock });
  const listId = sb.mailchimp.credentials.listId;
  const sim = sb.mailchimp.sim;
  const connect = (more: Partial<MailchimpConnectorOptions> = {}) =>
    new MailchimpConnector({
      baseUrl: `${sb.mailchimp.url}/3.0`,
      apiKey: sb.mailchimp.credentials.apiKey,
      listId,
      now: () => clock.now(),
      retries: { count: 6, minTimeout: 10, maxTimeout: 200 },
      ...options,
      ...more,
    });
  const find = (contactId: string) => {
    const found = [...sim.store.list(listId).values()].find((m) => m.contact_id === contactId);
    if (!found) throw new Error('test member not found');
    return found;
  };
  return {
    sb,
    clock,
    connector: connect(),
    connect,
    add(email, at, extra = {}) {
      const member = sim.store.add(listId, email, extra.status ?? 'subscribed', at, 'Import');
      member.merge_fields = { FNAME: extra.FNAME ?? '' };
      member.tags = (extra.tags ?? []).map((name) => ({ tag: sim.store.tag(listId, name, true)!, added: at }));
      return member.contact_id;
    },
    edit(contactId, at, firstName) {
      const member = find(contactId);
      member.merge_fields = { ...member.merge_fields, FNAME: firstName };
      member.last_changed = at;
    },
    member: (contactId) => find(contactId) as unknown as ReturnType<McKit['member']>,
    close: () => sb.close(),
  };
}

export async function collect(connector: MailchimpConnector, cursor: string | null): Promise<ReadPage[]> {
  const pages: ReadPage[] = [];
  for await (const page of connector.read('members', cursor)) pages.push(page);
  return pages;
}

export const ids = (pages: ReadPage[]): string[] => pages.flatMap((p) => p.records.map((r: AppRecord) => r.id));

export function lastCursor(pages: ReadPage[]): string {
  const cursor = pages[pages.length - 1]?.cursor;
  if (!cursor) throw new Error('read ended without a cursor');
  return cursor;
}
