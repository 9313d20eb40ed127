import type { Connector, ConnectorFactory } from '@tandem/connector-sdk';
import { buildConnectors } from '@tandem/connectors';
import type { Ledger } from '@tandem/ledger';
import { EngineMetrics } from './metrics.js';

/** The counter's value for one connection, from the Prometheus text. */
function waitedSeconds(text: string, connection: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`tandem_rate_limit_wait_seconds_total{connection="${connection}"`));
  return line === undefined ? 0 : Number(line.split(' ').pop());
}

/** A connector type whose every built connector reports one rate-limit wait of `ms` (HTTP waits: connectors/index.spec.ts). */
const waitingOnce =
  (ms: number): ConnectorFactory =>
  (_settings, context) => {
    context.hooks?.onRateLimitWait?.(ms);
    return { type: 'waiting' } as Connector;
  };

describe('EngineMetrics rate-limit waits', () => {
  // No syncs: the backlog gauges never touch the ledger.
  const metrics = () => new EngineMetrics({} as Ledger, []);

  it('adds the waits each connection reports through buildConnectors to its own series, in seconds', async () => {
    const engineMetrics = metrics();
    buildConnectors(
      { crm: { type: 'slow', settings: {} }, mail: { type: 'fast', settings: {} }, helpdesk: { type: 'slow', settings: {} } },
      { hooks: engineMetrics.connectorHooks(), factories: { slow: waitingOnce(1_500), fast: waitingOnce(250) } },
    );
    const text = await engineMetrics.text();
    expect(waitedSeconds(text, 'crm')).toBeCloseTo(1.5);
    expect(waitedSeconds(text, 'helpdesk')).toBeCloseTo(1.5);
    expect(waitedSeconds(text, 'mail')).toBeCloseTo(0.25);
  });

  it('sums repeated waits of one connection', async () => {
    const engineMetrics = metrics();
    const hooks = engineMetrics.connectorHooks();
    hooks.onRateLimitWait?.(1_500, { connection: 'crm' });
    hooks.onRateLimitWait?.(500, { connection: 'crm' });
    expect(waitedSeconds(await engineMetrics.text(), 'crm')).toBeCloseTo(2);
  });
});
