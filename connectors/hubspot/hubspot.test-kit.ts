/**
 * Test helpers for the HubSpot specs: the sandbox's HubSpot simulator on a manual clock, connectors pointed at it,
 * and direct record edits that play a person working in HubSpot's own UI (no API call, no rate limits).
 */
// The sandbox is an app, not a lib, and has no path alias; tests reach it by path.
// eslint-disable-next-line no-restricted-imports
import { ManualClock, startSandbox, type HubspotSettings, type Sandbox } from '../../apps/sandbox/src/index.js';
import type { AppRecord, ReadPage } from '@tandem/connector-sdk';
import { HubspotConnector, type HubspotConnectorOptions } from './hubspot.connector.js';

export const T0 = Date.parse('2025-03-01T12:00:00Z');

export interface HsKit {
  sb: Sandbox;
  /** The simulator's clock: every stored timestamp comes from it. */
  clock: ManualClock;
  connect(options?: Partial<HubspotConnectorOptions>): HubspotConnector;
  /** Creates contacts as a UI import would, at the current clock; returns their ids. */
  addContacts(count: number, prefix?: string): string[];
  /** Edits a contact's first name in the UI at the current clock. */
  edit(id: string, firstname: string): void;
  settings(patch: Partial<HubspotSettings>): void;
  /** Requests the simulator answered, by route key (`POST /crm/v3/objects/:objectType/search`). */
  requests(route: string): number;
  close(): Promise<void>;
}

/** A sandbox without its own limits (tests that need them switch them on) and a fast-retrying connector. */
export async function hubspotKit(settings: Partial<HubspotSettings> = {}): Promise<HsKit> {
  const clock = new ManualClock(T0);
  const sb = await startSandbox({ seed: 0, clock, hubspot: { settings: { burstLimit: 0, searchPerSecond: 0, ...settings } } });
  const sim = sb.hubspot.sim;
  let serial = 0;
  return {
    sb,
    clock,
    connect: (options = {}) =>
      new HubspotConnector({
        token: sb.hubspot.credentials.token,
        baseUrl: sb.hubspot.url,
        requestsPerWindow: 10_000,
        searchPerSecond: 1_000,
        retries: { count: 3, minTimeout: 5, maxTimeout: 20 },
        ...options,
      }),
    addContacts(count, prefix = 'person') {
      const ids: string[] = [];
      for (let i = 0; i < count; i += 1) {
        serial += 1;
        const values = { email: `${prefix}${serial}@example.test`, firstname: `${prefix}-${serial}` };
        ids.push(sim.store.create('contacts', values, clock.now(), sim.settings.searchLagMs, 'CRM_UI').id);
      }
      return ids;
    },
    edit(id, firstname) {
      const rec = sim.store.get('contacts', id);
      if (!rec) throw new Error('test contact not found');
      sim.store.update(rec, { firstname }, clock.now(), sim.settings.searchLagMs, 'CRM_UI');
    },
    settings: (patch) => void sb.hubspot.setSettings(patch),
    requests: (route) => sb.hubspot.stats().requests.byRoute[route] ?? 0,
    close: () => sb.close(),
  };
}

export async function collect(connector: HubspotConnector, object: string, cursor: string | null): Promise<ReadPage[]> {
  const pages: ReadPage[] = [];
  for await (const page of connector.read(object, cursor)) pages.push(page);
  return pages;
}

export const records = (pages: ReadPage[]): AppRecord[] => pages.flatMap((p) => p.records);
export const ids = (pages: ReadPage[]): string[] => records(pages).map((r) => r.id);

export function lastCursor(pages: ReadPage[], previous: string | null = null): string {
  const cursor = pages[pages.length - 1]?.cursor ?? previous;
  if (!cursor) throw new Error('read ended without a cursor');
  return cursor;
}

export const SEARCH_ROUTE = 'POST /crm/v3/objects/:objectType/search';
export const LIST_ROUTE = 'GET /crm/v3/objects/:objectType';
export const BATCH_ROUTE = 'POST /crm/v3/objects/:objectType/batch/:action';
