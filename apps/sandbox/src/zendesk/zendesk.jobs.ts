import { HttpError, isRecord } from '../common/http.js';
import type { ZendeskSimulator } from './zendesk.simulator.js';
import { upsertUser } from './zendesk.writes.js';

export interface Job {
  id: string;
  createdAt: number;
  users: unknown[];
  results: Record<string, unknown>[] | null;
  /** Set when the lost-job-status fault hit this job: its status answers 404 once finished. */
  lost: boolean;
}

export type JobState = 'queued' | 'working' | 'completed';

/** Background jobs of create_or_update_many: queued, then working, then completed; writes land on completion. */
export class JobQueue {
  readonly jobs = new Map<string, Job>();

  constructor(private readonly sim: ZendeskSimulator) {}

  clear(): void {
    this.jobs.clear();
  }

  pending(): number {
    return [...this.jobs.values()].filter((j) => j.results === null).length;
  }

  enqueue(users: unknown[]): Job {
    const job: Job = { id: this.sim.rng.hex(32), createdAt: this.sim.clock.now(), users, results: null, lost: false };
    this.jobs.set(job.id, job);
    return job;
  }

  state(job: Job): JobState {
    const age = this.sim.clock.now() - job.createdAt;
    const { jobQueuedMs, jobWorkingMs } = this.sim.settings;
    if (job.results !== null || age >= jobQueuedMs + jobWorkingMs) return 'completed';
    return age >= jobQueuedMs ? 'working' : 'queued';
  }

  /** Completes every job whose time has come and forgets statuses older than the TTL. */
  advance(): void {
    const now = this.sim.clock.now();
    for (const job of this.jobs.values()) {
      if (job.results === null && this.state(job) === 'completed') this.complete(job);
      if (now - job.createdAt > this.sim.settings.jobStatusTtlMs) this.jobs.delete(job.id);
    }
  }

  private complete(job: Job): void {
    job.results = job.users.map((input, index) => this.runOne(input, index));
    job.lost = this.sim.rng.chance(this.sim.faults.lostJobStatusRate);
  }

  private runOne(input: unknown, index: number): Record<string, unknown> {
    try {
      const { user, created } = upsertUser(this.sim, input);
      return { id: user.id, index, action: created ? 'create' : 'update', status: created ? 'Created' : 'Updated', success: true, email: user.email, external_id: user.external_id };
    } catch (error) {
      if (!(error instanceof HttpError) || !isRecord(error.reply.body)) throw error;
      const body = error.reply.body;
      const email = isRecord(input) && typeof input.email === 'string' ? input.email : undefined;
      return { index, success: false, error: String(body.error), details: JSON.stringify(body.details ?? body.description), email };
    }
  }

  render(job: Job, base: string): Record<string, unknown> {
    const status = this.state(job);
    const total = job.users.length;
    return {
      id: job.id,
      url: `${base}/api/v2/job_statuses/${job.id}.json`,
      total,
      progress: status === 'completed' ? total : status === 'working' ? Math.floor(total / 2) : 0,
      status,
      message: status === 'completed' ? `Completed at ${new Date(this.sim.clock.now()).toISOString()}` : null,
      results: status === 'completed' ? job.results : null,
    };
  }
}
