/**
 * The seam between the engine's core (config, ledger, connectors, scheduler, webhooks — apps/engine/src/core) and its
 * admin surface (apps/engine/src/admin). The core provides ENGINE_STATE; the admin module only uses this interface.
 */
import type { Connector } from '@tandem/connector-sdk';
import type { SyncSpec } from '@tandem/core';
import type { TandemConfig } from '@tandem/config';
import type { Ledger } from '@tandem/ledger';
import type { CycleReport, RecordRef, RuntimeLogger } from '@tandem/runtime';

export const ENGINE_STATE = Symbol('ENGINE_STATE');

export interface SyncState {
  name: string;
  paused: boolean;
  /** A cycle of this sync is running in this process. */
  running: boolean;
  schedule: string | null;
  lastRun: { runId: string | null; status: string; finishedAt: number } | null;
  nextRunAt: number | null;
}

export type ResyncScope = { kind: 'full' } | { kind: 'records'; records: RecordRef[] } | { kind: 'since'; since: number };

/** What the admin API (and tests) may ask of the running engine. */
export interface EngineState {
  readonly config: TandemConfig;
  readonly ledger: Ledger;
  readonly logger: RuntimeLogger;
  spec(sync: string): SyncSpec | undefined;
  /** Connectors by connection name (shared by every sync). */
  connectors(): Record<string, Connector>;
  syncs(): SyncState[];
  pause(sync: string): Promise<void>;
  resume(sync: string): Promise<void>;
  /** Enqueues (or runs) a cycle; resolves with the run id once it is known. */
  resync(sync: string, scope: ResyncScope): Promise<{ runId: string | null; report?: CycleReport }>;
  /** Runs the deletes a held run was holding. */
  approve(runId: string): Promise<CycleReport>;
}
