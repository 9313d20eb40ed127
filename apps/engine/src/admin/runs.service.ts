import { Inject, Injectable } from '@nestjs/common';
import type { ChangeRow, RunRow } from '@tandem/ledger';
import { ENGINE_STATE, type EngineState } from '../contracts.js';
import { AdminError, notFound } from './admin-errors.js';
import type { RunsQuery } from './dto/admin.dto.js';
import { pageWindow, slicePage, toPage, type Page, type PageWindow } from './pagination.js';

@Injectable()
export class RunsService {
  constructor(@Inject(ENGINE_STATE) private readonly engine: EngineState) {}

  async list(query: RunsQuery): Promise<Page<RunRow>> {
    const window = pageWindow(query);
    const rows = await this.engine.ledger.runs.list({
      sync: query.sync,
      status: query.status,
      limit: window.limit + 1,
      offset: window.offset,
    });
    return toPage(rows, window);
  }

  /** The run and a page of its audit rows (what it changed, field by field and write by write). */
  async get(runId: string, window: PageWindow): Promise<{ run: RunRow; changes: Page<ChangeRow> }> {
    const run = await this.requireRun(runId);
    const changes = await this.engine.ledger.audit.listByRun(runId);
    return { run, changes: slicePage(changes, window) };
  }

  /** Runs the deletes a held run was holding. */
  async approve(runId: string): Promise<{ runId: string | null; status: string; approved: string }> {
    const run = await this.requireRun(runId);
    if (run.status !== 'held')
      throw new AdminError('ADMIN_CONFLICT', `run ${runId} is ${run.status}, not held`, { runId, status: run.status });
    const report = await this.engine.approve(runId);
    return { approved: runId, runId: report.runId, status: report.status };
  }

  async requireRun(runId: string): Promise<RunRow> {
    const run = await this.engine.ledger.runs.get(runId);
    if (!run) throw notFound('run', runId);
    return run;
  }
}
