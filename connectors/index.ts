/**
 * Every shipped connector type by its `type:` name in tandem.yaml, and a builder that turns a config's connections
 * into connectors. The CLI and the engine call this; libs never import connectors (DESIGN §2).
 */
import { TandemError } from '@tandem/core';
import type { Connector, ConnectorFactory, ConnectorHooks } from '@tandem/connector-sdk';
import { hubspotConnectorFactory } from './hubspot/index.js';
import { mailchimpConnectorFactory } from './mailchimp/index.js';
import { memoryConnectorFactory } from './memory/index.js';
import { zendeskConnectorFactory } from './zendesk/index.js';

export const CONNECTOR_FACTORIES: Record<string, ConnectorFactory> = {
  memory: memoryConnectorFactory,
  hubspot: hubspotConnectorFactory,
  mailchimp: mailchimpConnectorFactory,
  zendesk: zendeskConnectorFactory,
};

/** A connection whose `type` names no known connector. */
export class UnknownConnectorTypeError extends TandemError {
  constructor(connection: string, type: string, known: string[]) {
    super(
      'CONNECTOR_UNKNOWN_TYPE',
      `connection ${connection}: unknown connector type "${type}" (known: ${known.join(', ')})`,
      { connection, type, known },
    );
  }
}

/** The shape of a loaded config's `connections` (libs/config ConnectionConfig). */
export interface ConnectionSettings {
  type: string;
  settings: Record<string, unknown>;
}

/** The runner's hooks for every connection; each call says which connection it is about. */
export interface ConnectionHooks {
  /** A request of `connection` was held back `ms` by its rate limit. */
  onRateLimitWait?(ms: number, info: { connection: string }): void;
}

export interface BuildConnectorsOptions {
  hooks?: ConnectionHooks;
  /** Connector types by name (default: the shipped ones). */
  factories?: Record<string, ConnectorFactory>;
}

/** The hooks one connection's connector gets: the runner's, bound to the connection's name. */
function hooksFor(connection: string, hooks: ConnectionHooks | undefined): ConnectorHooks | undefined {
  const onRateLimitWait = hooks?.onRateLimitWait;
  if (!onRateLimitWait) return undefined;
  return { onRateLimitWait: (ms) => onRateLimitWait.call(hooks, ms, { connection }) };
}

/**
 * One connector per connection, keyed by connection name. Throws UnknownConnectorTypeError for an unknown type and
 * passes on a factory's own settings error; connectors built before the failure are closed first.
 */
export function buildConnectors(
  connections: Record<string, ConnectionSettings>,
  options: BuildConnectorsOptions = {},
): Record<string, Connector> {
  const factories = options.factories ?? CONNECTOR_FACTORIES;
  const built: Record<string, Connector> = {};
  try {
    for (const [name, connection] of Object.entries(connections)) {
      const factory = Object.hasOwn(factories, connection.type) ? factories[connection.type] : undefined;
      if (!factory) throw new UnknownConnectorTypeError(name, connection.type, Object.keys(factories));
      built[name] = factory(connection.settings, { name, hooks: hooksFor(name, options.hooks) });
    }
  } catch (error) {
    void closeConnectors(built);
    throw error;
  }
  return built;
}

/** Closes every connector that has a `close`; one failing close does not keep the others open. */
export async function closeConnectors(connectors: Record<string, Connector>): Promise<void> {
  await Promise.allSettled(Object.values(connectors).map((connector) => connector.close?.()));
}
