/**
 * The runtime's public contract: what the CLI, the engine service, the benchmarks and the fault suite call.
 * One call = one cycle of one sync (DESIGN §6). Everything the cycle touches comes in through SyncEnvironment.
 */
import type { ChangeHint, Connector } from '@tandem/connector-sdk';
import type { AppName } from '@tandem/core';
import type { Ledger, RunTrigger } from '@tandem/ledger';
import type { AppCounts, Sample } from './counts.js';

/** pino-compatible structured logger; messages carry ids and codes, never personal data. */
export interface RuntimeLogger {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

/** What a cycle runs against. */
export interface SyncEnvironment {
  ledger: Ledger;
  /** Connector per member app (connection name). */
  connectors: Record<AppName, Connector>;
  /** Clock in epoch ms (default Date.now); the reconciler receives it as `now`. */
  now?: () => number;
  logger?: RuntimeLogger;
}

/** One app record by connection name and external id (`crm:123`). */
export interface RecordRef {
  app: AppName;
  id: string;
}

export type CycleMode = 'sync' | 'plan';

export interface ProgressEvent {
  stage: 'read' | 'match' | 'reconcile' | 'write' | 'retry' | 'done';
  app?: AppName;
  /** Items done so far in this stage (for `read`: records read from `app`). */
  done: number;
  total?: number;
}

export interface CycleOptions {
  /** `plan` reads everything and writes nothing anywhere (no app, no ledger row). Default `sync`. */
  mode?: CycleMode;
  /** What started the cycle (stored on the run row). Default `manual`. */
  trigger?: RunTrigger;
  /** Read every member from scratch, ignoring cursors (resync, first sync). */
  full?: boolean;
  /** Resync of what changed since this time (epoch ms): members are read from scratch, older records are skipped. */
  since?: number;
  /** Targeted cycle: only these records are fetched by id and reconciled (webhooks, `resync --records`). */
  records?: RecordRef[];
  /** Hints from webhooks: rekeys and merges are applied to the ledger before the cycle; deletes become observations. */
  hints?: { app: AppName; hint: ChangeHint }[];
  /** Run the deletes a held run was holding (`tandem approve <run>`). */
  approveRun?: string;
  onProgress?: (event: ProgressEvent) => void;
}

export type CycleStatus = 'succeeded' | 'failed' | 'held' | 'aborted' | 'skipped';

export interface CycleReport {
  /** The run row's id; null in plan mode (plan writes no row) and when skipped. */
  runId: string | null;
  sync: string;
  mode: CycleMode;
  /**
   * succeeded: every record settled or queued for retry with none failing; failed: some record failed (it is in
   * `retry`); held: deletes above `maxDeletes` wait for approval; aborted: nothing unsafe was written (an app read
   * empty, a read failed); skipped: another cycle of this sync holds the lock.
   */
  status: CycleStatus;
  apps: Record<AppName, AppCounts>;
  samples: Sample[];
  flags: { kind: string; app?: string; field?: string; linkId?: string; message: string }[];
  /** Deletes/archives held for approval in this cycle. */
  heldDeletes: number;
  startedAt: number;
  finishedAt: number;
  error?: { code: string; message: string };
}
