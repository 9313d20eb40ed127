/**
 * Zendesk writes. Creates and updates go to `create_or_update_many` (≤ 100), which queues a job; the job status is
 * polled until it completes and its `results[]` become per-op results. Zendesk matches users by email or
 * external_id, so an update is sent under the user's current email (or external_id); an update that changes that
 * key, or a user with neither, is a `PUT /users/{id}` instead (a bulk upsert would create a second user). A job status
 * that is gone (expired, lost: 404) or never finishes leaves its ops `unknown`, settled later by fetch.
 * Delete and archive are Zendesk's soft delete; permanent deletion is `erase` only.
 */
import {
  failedWrite,
  redactPii,
  writeFailureFor,
  type Clock,
  type WriteOp,
  type WriteResult,
} from '@tandem/connector-sdk';
import type { ZdJobResult, ZdUser, ZendeskClient } from './zendesk.client.js';
import { toAppRecord, toUserBody } from './zendesk.fields.js';

type Upsert = Extract<WriteOp, { op: 'create' | 'update' }>;

export interface ZendeskWriterOptions {
  client: ZendeskClient;
  clock: Clock;
  /** The first wait before polling a job's status; each further wait doubles, up to `jobPollMs`. */
  jobPollFirstMs: number;
  /** The longest wait between job status polls. */
  jobPollMs: number;
  /** After this long a job still running leaves its ops unknown. */
  jobTimeoutMs: number;
}

/** The key Zendesk matches a bulk upsert on. */
function matchKey(
  user: Pick<ZdUser, 'email' | 'external_id'>,
): { email: string } | { external_id: string } | undefined {
  if (user.email) return { email: user.email };
  if (user.external_id) return { external_id: user.external_id };
  return undefined;
}

export class ZendeskWriter {
  constructor(private readonly options: ZendeskWriterOptions) {}

  async write(ops: WriteOp[]): Promise<WriteResult[]> {
    const results = new Map<string, WriteResult>();
    const bulk: { op: Upsert; user: Record<string, unknown> }[] = [];
    const puts: { op: Upsert & { op: 'update' }; user: Record<string, unknown> }[] = [];
    const current = await this.currentUsers(ops, results);
    for (const op of ops) {
      if (results.has(op.ref)) continue;
      if (op.op === 'delete' || op.op === 'archive') continue;
      const change = toUserBody(op.fields);
      if ('problem' in change) {
        const { code, message, field } = change.problem;
        results.set(op.ref, failedWrite(op.ref, code, message, false, field));
        continue;
      }
      const { body } = change;
      if (op.op === 'create') {
        if (typeof body.name !== 'string' || body.name.trim() === '') {
          results.set(op.ref, failedWrite(op.ref, 'REQUIRED_FIELD', 'name is required on create', false, 'name'));
        } else bulk.push({ op, user: body });
      } else {
        const user = current.get(op.id) as ZdUser;
        const key = matchKey(user);
        const rekeys = key === undefined || Object.entries(key).some(([k, v]) => k in body && body[k] !== v);
        if (rekeys) puts.push({ op, user: body });
        else bulk.push({ op, user: { ...body, ...key } });
      }
    }
    await Promise.all([
      this.runBulk(bulk, results),
      ...puts.map((p) => this.runPut(p.op, p.user, results)),
      ...ops.filter((op) => op.op === 'delete' || op.op === 'archive').map((op) => this.runDelete(op, results)),
    ]);
    return ops.map((op) => results.get(op.ref) ?? { ref: op.ref, status: 'unknown' });
  }

  /** The users the updates touch, as stored now (one show_many per 100); a missing one fails its op. */
  private async currentUsers(ops: WriteOp[], results: Map<string, WriteResult>): Promise<Map<string, ZdUser>> {
    const updates = ops.filter((op): op is Upsert & { op: 'update' } => op.op === 'update');
    const ids = [...new Set(updates.map((op) => op.id))];
    const found = new Map<string, ZdUser>();
    try {
      for (let i = 0; i < ids.length; i += 100) {
        for (const user of await this.options.client.showMany(ids.slice(i, i + 100))) found.set(String(user.id), user);
      }
    } catch (error) {
      for (const op of updates) results.set(op.ref, writeFailureFor(op.ref, error));
      return found;
    }
    for (const op of updates) {
      const user = found.get(op.id);
      if (!user || user.active === false)
        results.set(op.ref, failedWrite(op.ref, 'NOT_FOUND', 'user not found or deleted', false));
    }
    return found;
  }

  private async runBulk(items: { op: Upsert; user: Record<string, unknown> }[], results: Map<string, WriteResult>) {
    if (items.length === 0) return;
    let jobResults: ZdJobResult[] | null;
    try {
      const job = await this.options.client.createOrUpdateMany(items.map((item) => item.user));
      jobResults = await this.awaitJob(job.id, job.status, job.results ?? null);
    } catch (error) {
      // A bulk upsert keyed by email is safe to send again, so a failed call is retryable, never lost.
      for (const item of items) results.set(item.op.ref, writeFailureFor(item.op.ref, error));
      return;
    }
    if (jobResults === null) return; // job status gone or not finished in time: every op stays unknown
    items.forEach((item, position) => {
      const result =
        jobResults.find((r) => r.index === position) ??
        (jobResults.some((r) => r.index !== undefined) ? undefined : jobResults[position]);
      if (result) results.set(item.op.ref, this.fromJobResult(item.op, result));
    });
  }

  /**
   * Polls the job to its end; null when its status is gone (404) or it outlives the timeout. A small job is usually
   * done within a few hundred milliseconds, so the first poll comes soon and the waits double from there: a long job
   * costs a few more status requests, not one every `jobPollFirstMs`.
   */
  private async awaitJob(id: string, status: string, results: ZdJobResult[] | null): Promise<ZdJobResult[] | null> {
    const { client, clock, jobTimeoutMs } = this.options;
    const deadline = clock.now() + jobTimeoutMs;
    const waits = jobPollWaits(this.options.jobPollFirstMs, this.options.jobPollMs);
    let state = { status, results };
    while (state.status === 'queued' || state.status === 'working') {
      if (clock.now() >= deadline) return null;
      await clock.sleep(waits.next().value);
      const next = await client.jobStatus(id);
      if (next === null) return null;
      state = { status: next.status, results: next.results ?? null };
    }
    return state.results ?? (state.status === 'completed' ? [] : null);
  }

  private fromJobResult(op: Upsert, result: ZdJobResult): WriteResult {
    if (result.success === false || result.error !== undefined || result.id === undefined) {
      const details = typeof result.details === 'string' ? result.details : JSON.stringify(result.details ?? '');
      return failedWrite(
        op.ref,
        result.error ?? 'JOB_ITEM_FAILED',
        `zendesk rejected the user: ${redactPii(details)}`,
        false,
      );
    }
    const id = String(result.id);
    if (op.op === 'update' && id !== op.id) {
      // The match key now belongs to another user: the wrong user was written; say so rather than report success.
      return failedWrite(op.ref, 'MATCHED_ANOTHER_USER', 'the bulk upsert matched a different user', false);
    }
    return { ref: op.ref, status: 'ok', id };
  }

  private async runPut(
    op: Upsert & { op: 'update' },
    user: Record<string, unknown>,
    results: Map<string, WriteResult>,
  ) {
    try {
      const stored = await this.options.client.updateUser(op.id, user);
      results.set(op.ref, { ref: op.ref, status: 'ok', id: op.id, record: toAppRecord(stored) });
    } catch (error) {
      results.set(op.ref, writeFailureFor(op.ref, error));
    }
  }

  private async runDelete(op: WriteOp & { op: 'delete' | 'archive' }, results: Map<string, WriteResult>) {
    try {
      // Not found is what was asked for.
      await this.options.client.deleteUser(op.id);
      results.set(op.ref, { ref: op.ref, status: 'ok', id: op.id });
    } catch (error) {
      results.set(op.ref, writeFailureFor(op.ref, error));
    }
  }
}

/** The waits between job status polls: `first`, then doubling, capped at `max` (which also caps `first`). */
export function* jobPollWaits(first: number, max: number): Generator<number, never> {
  let wait = Math.max(0, Math.min(first, max));
  for (;;) {
    yield wait;
    wait = Math.min(max, Math.max(1, wait) * 2);
  }
}
