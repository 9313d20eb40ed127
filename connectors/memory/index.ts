/**
 * The memory connector: an in-memory app and a connector over it, for tests, fault suites and examples.
 * YAML `type: memory` connections bind to apps a test registered in `MemoryApps` (`{ type: memory, app: crm }`).
 */
import { readSettings, type ConnectorFactory, type DeleteMode, type Settings } from '@tandem/connector-sdk';
import { MemoryApp } from './memory.app.js';
import type { MemoryAppOptions } from './memory.types.js';
import { MemoryConnector, type MemoryConnectorOptions } from './memory.connector.js';

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

/** Connector options from a connection's settings; every key but `app` is optional. */
export function memoryConnectorOptions(settings: Settings, connection: string): MemoryConnectorOptions {
  const read = readSettings('memory', connection, settings);
  return {
    deletes: read.oneOf('deletes', DELETE_MODES),
    maxBatch: read.integer('maxBatch'),
    fieldTimestamps: read.flag('fieldTimestamps'),
    readLagMs: read.integer('readLagMs', { min: 0 }),
    webhookSecret: read.text('webhookSecret'),
    webhookToleranceMs: read.integer('webhookToleranceMs', { min: 0 }),
  };
}

/** `type: memory` → a MemoryConnector over the registered app named by `settings.app` (no HTTP, so no hooks). */
export const memoryConnectorFactory: ConnectorFactory = (settings, context) => {
  const read = readSettings('memory', context.name, settings);
  const app = MemoryApps.get(read.requiredText('app'));
  if (!app) throw read.invalid('app', 'names no registered memory app');
  return new MemoryConnector(app, memoryConnectorOptions(settings, context.name));
};
