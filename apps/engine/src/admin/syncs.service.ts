import { Inject, Injectable } from '@nestjs/common';
import type { RecordRef } from '@tandem/runtime';
import { ENGINE_STATE, type EngineState, type ResyncScope, type SyncState } from '../contracts.js';
import { AdminError } from './admin-errors.js';
import type { ResyncDto } from './dto/admin.dto.js';
import { allSpecs, requireSpec } from './engine-access.js';
import { slicePage, type Page, type PageWindow } from './pagination.js';

export interface SyncView {
  name: string;
  state: 'paused' | 'running' | 'idle';
  schedule: string | null;
  lastRun: { runId: string | null; status: string; finishedAt: string } | null;
  nextRunAt: string | null;
  counts: { links: number };
  backlog: { retries: number; deadRetries: number; conflicts: number; heldDeletes: number };
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

@Injectable()
export class SyncsService {
  constructor(@Inject(ENGINE_STATE) private readonly engine: EngineState) {}

  async list(window: PageWindow): Promise<Page<SyncView>> {
    const states = new Map(this.engine.syncs().map((s) => [s.name, s]));
    const page = slicePage(allSpecs(this.engine), window);
    const items = await Promise.all(page.items.map((spec) => this.view(spec.name, states.get(spec.name))));
    return { items, next: page.next };
  }

  private async view(name: string, state: SyncState | undefined): Promise<SyncView> {
    const { ledger } = this.engine;
    const [links, retries, deadRetries, conflicts, heldDeletes] = await Promise.all([
      ledger.links.count(name),
      ledger.retries.count(name, false),
      ledger.retries.count(name, true),
      ledger.conflicts.countOpen(name),
      ledger.runs.count(name, 'held'),
    ]);
    return {
      name,
      state: state?.paused ? 'paused' : state?.running ? 'running' : 'idle',
      schedule: state?.schedule ?? null,
      lastRun: state?.lastRun
        ? { ...state.lastRun, finishedAt: new Date(state.lastRun.finishedAt).toISOString() }
        : null,
      nextRunAt: iso(state?.nextRunAt ?? null),
      counts: { links },
      backlog: { retries, deadRetries, conflicts, heldDeletes },
    };
  }

  async pause(name: string): Promise<{ sync: string; paused: true }> {
    requireSpec(this.engine, name);
    await this.engine.pause(name);
    return { sync: name, paused: true };
  }

  async resume(name: string): Promise<{ sync: string; paused: false }> {
    requireSpec(this.engine, name);
    await this.engine.resume(name);
    return { sync: name, paused: false };
  }

  async resync(name: string, body: ResyncDto): Promise<{ runId: string | null; status?: string }> {
    const scope = this.scope(name, body);
    const { runId, report } = await this.engine.resync(name, scope);
    return report ? { runId, status: report.status } : { runId };
  }

  /** The body as a resync scope; records must name member apps of the sync. */
  private scope(name: string, body: ResyncDto): ResyncScope {
    const spec = requireSpec(this.engine, name);
    if (body.records && body.since) throw new AdminError('ADMIN_BAD_REQUEST', 'give records or since, not both');
    if (body.since) return { kind: 'since', since: Date.parse(body.since) };
    if (!body.records) return { kind: 'full' };
    const records: RecordRef[] = body.records.map((ref) => {
      const at = ref.indexOf(':');
      return { app: ref.slice(0, at), id: ref.slice(at + 1) };
    });
    const unknown = [...new Set(records.map((r) => r.app).filter((app) => !spec.members[app]))];
    if (unknown.length > 0)
      throw new AdminError('ADMIN_BAD_REQUEST', `not a member app of ${name}: ${unknown.join(', ')}`, {
        apps: unknown,
      });
    return { kind: 'records', records };
  }
}
