import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Connector, ConnectorFactory } from '@tandem/connector-sdk';
import { TandemError } from '@tandem/core';
import { HubspotConnector } from './hubspot/index.js';
import { MailchimpConnector } from './mailchimp/index.js';
import { MemoryApps, MemoryConnector } from './memory/index.js';
import { ZendeskConnector } from './zendesk/index.js';
import { buildConnectors, closeConnectors, CONNECTOR_FACTORIES, UnknownConnectorTypeError } from './index.js';

afterEach(() => MemoryApps.clear());

describe('buildConnectors', () => {
  it('knows the four shipped connector types', () => {
    expect(Object.keys(CONNECTOR_FACTORIES).sort()).toEqual(['hubspot', 'mailchimp', 'memory', 'zendesk']);
  });

  it('builds one connector per connection, keyed by connection name, from the sandbox demo settings', () => {
    MemoryApps.create('scratch');
    const built = buildConnectors({
      crm: { type: 'hubspot', settings: { token: 'demo-token', baseUrl: 'http://127.0.0.1:4011' } },
      mail: { type: 'mailchimp', settings: { apiKey: 'demo-key-us1', listId: 'a1b2c3', baseUrl: 'http://127.0.0.1:4012/3.0' } },
      helpdesk: {
        type: 'zendesk',
        settings: { baseUrl: 'http://127.0.0.1:4013/api/v2', email: 'demo@example.com', token: 'demo-token' },
      },
      notes: { type: 'memory', settings: { app: 'scratch' } },
    });
    expect(Object.keys(built)).toEqual(['crm', 'mail', 'helpdesk', 'notes']);
    expect(built.crm).toBeInstanceOf(HubspotConnector);
    expect(built.mail).toBeInstanceOf(MailchimpConnector);
    expect(built.helpdesk).toBeInstanceOf(ZendeskConnector);
    expect(built.notes).toBeInstanceOf(MemoryConnector);
  });

  it('names the connection and the type when the type is unknown', () => {
    const attempt = () => buildConnectors({ billing: { type: 'stripe', settings: {} } });
    expect(attempt).toThrow(UnknownConnectorTypeError);
    expect(attempt).toThrow(/connection billing: unknown connector type "stripe"/);
    try {
      attempt();
    } catch (error) {
      expect(error).toBeInstanceOf(TandemError);
      expect((error as TandemError).code).toBe('CONNECTOR_UNKNOWN_TYPE');
      expect((error as TandemError).details).toMatchObject({ connection: 'billing', type: 'stripe' });
    }
  });

  it('does not treat an inherited property name as a connector type', () => {
    expect(() => buildConnectors({ odd: { type: 'toString', settings: {} } })).toThrow(UnknownConnectorTypeError);
  });

  it('closes the connectors it already built when a later connection fails', async () => {
    const closed: string[] = [];
    const fake =
      (label: string): ConnectorFactory =>
      () =>
        ({ type: label, close: async () => void closed.push(label) }) as unknown as Connector;
    const factories = { a: fake('a'), b: fake('b') };
    expect(() =>
      buildConnectors(
        { first: { type: 'a', settings: {} }, second: { type: 'b', settings: {} }, third: { type: 'c', settings: {} } },
        { factories },
      ),
    ).toThrow(/connection third/);
    await new Promise((resolve) => setImmediate(resolve));
    expect(closed.sort()).toEqual(['a', 'b']);
  });

  it('passes on a connector settings error for the connection that has it', () => {
    expect(() => buildConnectors({ crm: { type: 'hubspot', settings: {} } })).toThrow(/connection crm: hubspot setting token/);
  });
});

/** A loopback app that answers the first request under each path prefix 429 + Retry-After: 1, then 200. */
async function throttlingApp() {
  const throttled = new Set<string>();
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const prefix = (req.url ?? '').split('/')[1] ?? '';
      const first = !throttled.has(prefix);
      throttled.add(prefix);
      res.writeHead(first ? 429 : 200, { 'content-type': 'application/json', ...(first ? { 'retry-after': '1' } : {}) });
      res.end(JSON.stringify(first ? {} : { results: [] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve())));
  return { url, close };
}

describe('buildConnectors hooks', () => {
  it('tells the runner, per connection, how long each connector waited out a 429 Retry-After', async () => {
    const app = await throttlingApp();
    const waits: Array<{ connection: string; ms: number }> = [];
    try {
      const built = buildConnectors(
        {
          crm: { type: 'hubspot', settings: { token: 't', baseUrl: `${app.url}/hs` } },
          mail: { type: 'mailchimp', settings: { apiKey: 'k-us1', listId: 'l1', baseUrl: `${app.url}/mc/3.0` } },
          helpdesk: { type: 'zendesk', settings: { baseUrl: `${app.url}/zd/api/v2`, oauthToken: 't' } },
        },
        { hooks: { onRateLimitWait: (ms, { connection }) => void waits.push({ connection, ms }) } },
      );
      await Promise.all(Object.values(built).map((connector) => connector.check()));
      await closeConnectors(built);
    } finally {
      await app.close();
    }
    expect(waits.map((w) => w.connection).sort()).toEqual(['crm', 'helpdesk', 'mail']);
    for (const { ms } of waits) {
      expect(ms).toBeGreaterThanOrEqual(950);
      expect(ms).toBeLessThan(5_000);
    }
  });
});

describe('closeConnectors', () => {
  it('closes every connector even when one close fails', async () => {
    const closed: string[] = [];
    await closeConnectors({
      a: { close: async () => Promise.reject(new Error('boom')) } as unknown as Connector,
      b: { close: async () => void closed.push('b') } as unknown as Connector,
      c: {} as Connector,
    });
    expect(closed).toEqual(['b']);
  });
});
