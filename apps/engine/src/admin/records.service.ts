import { Inject, Injectable } from '@nestjs/common';
import type { ChangeRow } from '@tandem/ledger';
import { explainRecord, type RecordExplanation } from '@tandem/runtime';
import { ENGINE_STATE, type EngineState } from '../contracts.js';
import { notFound } from './admin-errors.js';
import { allSpecs, requireSpec } from './engine-access.js';
import { toPage, type Page, type PageWindow } from './pagination.js';

export type RecordView = Omit<RecordExplanation, 'changes'> & { changes: Page<ChangeRow> };

@Injectable()
export class RecordsService {
  constructor(@Inject(ENGINE_STATE) private readonly engine: EngineState) {}

  /**
   * The explain view of the link holding `app:id`: agreed record, field metadata, members, open conflicts and a
   * page of its audit. Looks in `sync` when given, else in every sync the app is a member of (first hit).
   */
  async explain(app: string, id: string, sync: string | undefined, window: PageWindow): Promise<RecordView> {
    const specs = sync ? [requireSpec(this.engine, sync)] : allSpecs(this.engine).filter((s) => s.members[app]);
    for (const spec of specs) {
      const found = await explainRecord(this.engine.ledger, spec, { app, id }, window.offset + window.limit + 1);
      if (found) return { ...found, changes: toPage(found.changes.slice(window.offset), window) };
    }
    throw notFound('record', `${app}:${id}`);
  }
}
