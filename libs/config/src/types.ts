import type { ConfigIssue, SyncSpec } from '@tandem/core';

/** One app Tandem talks to: the connector type and its settings (`${ENV}` already expanded). */
export interface ConnectionConfig {
  type: string;
  settings: Record<string, unknown>;
}

/** The long-running engine's settings. */
export interface EngineConfig {
  port?: number;
  host?: string;
  database?: string;
  dataDir?: string;
  adminToken?: string;
}

/** A loaded, validated tandem.yaml. */
export interface TandemConfig {
  file: string;
  connections: Record<string, ConnectionConfig>;
  syncs: SyncSpec[];
  engine?: EngineConfig;
}

export interface LoadedConfig {
  config: TandemConfig;
  warnings: ConfigIssue[];
}
