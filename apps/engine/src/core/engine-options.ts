/** Timing knobs of the engine; the defaults suit a deployment, tests shorten them. */
export interface EngineTiming {
  /** How often idle job workers poll the queue (seconds, at least 0.5). */
  pollingIntervalSeconds: number;
  /** A running run whose heartbeat is older than this belongs to a dead process. */
  staleRunMs: number;
  /** How often each process looks for dead processes' runs to finish. */
  recoveryCheckMs: number;
  /** How often an instance re-reads which syncs are paused (another instance may have changed it). */
  pausedRefreshMs: number;
  /** How often unprocessed webhook events (a restart, a lost job) are handed to a worker again. */
  webhookSweepMs: number;
  /** Wait before retrying work that found its sync busy with another cycle. */
  busyRetryMs: number;
  /** How long shutdown waits for a running cycle before abandoning it (the next process takes it over). */
  shutdownTimeoutMs: number;
}

export const DEFAULT_TIMING: EngineTiming = {
  pollingIntervalSeconds: 1,
  staleRunMs: 120_000,
  recoveryCheckMs: 30_000,
  pausedRefreshMs: 5_000,
  webhookSweepMs: 30_000,
  busyRetryMs: 2_000,
  shutdownTimeoutMs: 15_000,
};

/** `api` serves HTTP (webhooks, admin, health) and enqueues; `worker` runs jobs and the scheduler; `all` does both. */
export type EngineRole = 'api' | 'worker' | 'all';

export function runsWorkers(role: EngineRole): boolean {
  return role !== 'api';
}
