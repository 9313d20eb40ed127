/**
 * The memory connector: an in-memory app and a connector over it, for tests, fault suites and examples.
 * YAML `type: memory` connections bind to apps a test registered in `MemoryApps` (`{ type: memory, app: crm }`).
 */
import type { ConnectorFactory, DeleteMode } from '@tandem/connector-sdk';
import { MemoryApp } from './memory.app.js';
import type { MemoryAppOptions } from './memory.types.js';
import { MemoryConnector, type MemoryConnectorOptions } from './memory.connector.js';
import { MemoryConnectorError } from './memory.errors.js';

export * from './memory.app.js';
export type * from './memory.types.js';
export * from './memory.connector.js';
export * from './memory.errors.js';
export * from './memory.faults.js';
export * from './memory.fields.js';
export * from './memory.webhooks.js';
export { idForKeyValue } from './memory.store.js';

/** Named memory apps that `type: memory` connections look up. Process-wide; tests clear it. */
export class MemoryAppRegistry {
  private readonly apps = new Map<string, MemoryApp>();

  /** Creates and registers an app under `name`, replacing any app of that name. */
  create(name: string, options: MemoryAppOptions = {}): MemoryApp {
    const app = new MemoryApp(options);
    this.apps.set(name, app);
    return app;
  }

  register(name: string, app: MemoryApp): MemoryApp {
    this.apps.set(name, app);
    return app;
  }

  get(name: string): MemoryApp | undefined {
    return this.apps.get(name);
  }

  names(): string[] {
    return [...this.apps.keys()];
  }

  remove(name: string): boolean {
    return this.apps.delete(name);
  }

  clear(): void {
    this.apps.clear();
  }
}

export const MemoryApps = new MemoryAppRegistry();

const DELETE_MODES: readonly DeleteMode[] = ['signal', 'complete-read', 'none'];

function optional<T>(
  settings: Record<string, unknown>,
  key: string,
  valid: (value: unknown) => boolean,
): T | undefined {
  const value = settings[key];
  if (value === undefined) return undefined;
  if (!valid(value))
    throw new MemoryConnectorError('CONNECTOR_CONFIG_INVALID', `memory connection setting ${key} is invalid`, { key });
  return value as T;
}

const isCount = (value: unknown): boolean => Number.isInteger(value) && (value as number) >= 0;

/** Connector options from a connection's settings; every key but `app` is optional. */
export function memoryConnectorOptions(settings: Record<string, unknown>): MemoryConnectorOptions {
  return {
    deletes: optional<DeleteMode>(settings, 'deletes', (v) => DELETE_MODES.includes(v as DeleteMode)),
    maxBatch: optional<number>(settings, 'maxBatch', (v) => isCount(v) && (v as number) > 0),
    fieldTimestamps: optional<boolean>(settings, 'fieldTimestamps', (v) => typeof v === 'boolean'),
    readLagMs: optional<number>(settings, 'readLagMs', isCount),
    webhookSecret: optional<string>(settings, 'webhookSecret', (v) => typeof v === 'string' && v !== ''),
    webhookToleranceMs: optional<number>(settings, 'webhookToleranceMs', isCount),
  };
}

/** `type: memory` → a MemoryConnector over the registered app named by `settings.app`. */
export const memoryConnectorFactory: ConnectorFactory = (settings, context) => {
  const name = settings.app;
  if (typeof name !== 'string' || name === '') {
    throw new MemoryConnectorError(
      'CONNECTOR_CONFIG_INVALID',
      `connection ${context.name}: memory connections need an app name`,
      {
        connection: context.name,
      },
    );
  }
  const app = MemoryApps.get(name);
  if (!app) {
    throw new MemoryConnectorError(
      'CONNECTOR_CONFIG_INVALID',
      `connection ${context.name}: no memory app named ${name} is registered`,
      {
        connection: context.name,
        app: name,
      },
    );
  }
  return new MemoryConnector(app, memoryConnectorOptions(settings));
};
