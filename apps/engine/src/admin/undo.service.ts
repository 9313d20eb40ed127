import { Inject, Injectable } from '@nestjs/common';
import { canonEqual, type CanonValue, type LinkState } from '@tandem/core';
import type { ChangeRow } from '@tandem/ledger';
import { ENGINE_STATE, type EngineState } from '../contracts.js';
import { AdminError } from './admin-errors.js';
import { resyncLinks } from './engine-access.js';
import { RunsService } from './runs.service.js';

/** What one run did to one agreed field: the value before its first change and after its last. */
interface FieldImage {
  field: string;
  before: CanonValue;
  after: CanonValue;
  /** Audit id of the run's last change of this field; any later change of it means "changed since". */
  lastId: bigint;
}

export interface UndoRefusal {
  linkId: string;
  field: string | null;
  reason: 'changed-since' | 'erased' | 'deleted' | 'missing';
}

export interface UndoResult {
  undone: string;
  /** The run row of the undo itself; its audit rows (op `undo`) make the undo undoable too. */
  undoRunId: string | null;
  links: number;
  fields: number;
  /** The targeted cycle that writes the restored values out. */
  resyncRunId: string | null;
}

/**
 * Edits of agreed fields: the cycle's `update`, a conflict resolution, an earlier undo. A first `link` is not undone:
 * before it the apps held the values and the agreed record was empty, so "restoring" it would blank every app.
 */
const UNDOABLE_OPS = new Set(['update', 'resolve', 'undo']);

function fieldImages(rows: ChangeRow[]): Map<string, Map<string, FieldImage>> {
  const byLink = new Map<string, Map<string, FieldImage>>();
  for (const row of rows) {
    if (!row.linkId || !row.field || !UNDOABLE_OPS.has(row.op)) continue;
    const fields = byLink.get(row.linkId) ?? new Map<string, FieldImage>();
    byLink.set(row.linkId, fields);
    const seen = fields.get(row.field);
    const id = BigInt(row.id);
    fields.set(row.field, {
      field: row.field,
      before: seen ? seen.before : ((row.before ?? null) as CanonValue),
      after: (row.after ?? null) as CanonValue,
      lastId: id,
    });
  }
  return byLink;
}

/** Writes back a run's before-images of agreed fields, all or nothing. */
@Injectable()
export class UndoService {
  constructor(
    @Inject(ENGINE_STATE) private readonly engine: EngineState,
    private readonly runs: RunsService,
  ) {}

  async undo(runId: string): Promise<UndoResult> {
    const run = await this.runs.requireRun(runId);
    if (run.status === 'running') throw new AdminError('ADMIN_CONFLICT', `run ${runId} is still running`, { runId });
    const images = fieldImages(await this.engine.ledger.audit.listByRun(runId));
    const checked = await this.check(images);
    if (checked.refused.length > 0) {
      throw new AdminError(
        'ADMIN_UNDO_REFUSED',
        `run ${runId} cannot be undone: ${checked.refused.length} field(s) refused`,
        { runId, refused: checked.refused },
      );
    }
    if (checked.links.length === 0) return { undone: runId, undoRunId: null, links: 0, fields: 0, resyncRunId: null };
    const { ledger } = this.engine;
    const undoRun = await ledger.runs.start(run.sync, 'manual', 'undo');
    let fields = 0;
    try {
      for (const link of checked.links)
        fields += await this.restore(run.sync, undoRun.id, runId, link, [...(images.get(link.linkId)?.values() ?? [])]);
      await ledger.runs.finish(undoRun.id, 'succeeded', { counts: { links: checked.links.length, fields } });
    } catch (err) {
      await ledger.runs.finish(undoRun.id, 'failed', {
        errorSummary: (err as { code?: string }).code ?? 'UNDO_FAILED',
      });
      throw err;
    }
    const resyncRunId = await resyncLinks(this.engine, run.sync, checked.links);
    return { undone: runId, undoRunId: undoRun.id, links: checked.links.length, fields, resyncRunId };
  }

  /** Every link and field the run changed must still hold what the run left, untouched since, and not be erased. */
  private async check(
    images: Map<string, Map<string, FieldImage>>,
  ): Promise<{ links: LinkState[]; refused: UndoRefusal[] }> {
    const refused: UndoRefusal[] = [];
    const links: LinkState[] = [];
    for (const [linkId, fields] of images) {
      const link = await this.engine.ledger.links.load(linkId);
      const history = await this.engine.ledger.audit.listByLink(linkId);
      if (history.some((h) => h.op === 'erase')) refused.push({ linkId, field: null, reason: 'erased' });
      else if (!link) refused.push({ linkId, field: null, reason: 'missing' });
      else if (link.deleted) refused.push({ linkId, field: null, reason: 'deleted' });
      else {
        const changed = [...fields.values()].filter(
          (img) =>
            !canonEqual(link.agreed[img.field] ?? null, img.after) ||
            history.some((h) => h.field === img.field && BigInt(h.id) > img.lastId),
        );
        refused.push(...changed.map((img) => ({ linkId, field: img.field, reason: 'changed-since' as const })));
        if (changed.length === 0) links.push(link);
      }
    }
    return { links, refused };
  }

  /** Sets the before-images back as a new agreed version; members fall behind it, so the next cycle re-patches them. */
  private async restore(
    sync: string,
    undoRunId: string,
    runId: string,
    link: LinkState,
    images: FieldImage[],
  ): Promise<number> {
    const { ledger } = this.engine;
    const now = Date.now();
    return ledger.locks.withLinkLock(link.linkId, async () => {
      const agreed = { ...link.agreed };
      const fieldMeta = { ...link.fieldMeta };
      for (const img of images) {
        agreed[img.field] = img.before;
        fieldMeta[img.field] = { changedAt: now, sourceApp: null, rule: `undo of run ${runId}` };
      }
      await ledger.links.save({
        sync,
        state: { ...link, agreed, fieldMeta, agreedVersion: link.agreedVersion + 1 },
        // Refuses the restore if a cycle saved the link after the check.
        expectedVersion: link.agreedVersion,
        changes: images.map((img) => ({
          runId: undoRunId,
          op: 'undo',
          field: img.field,
          before: img.after,
          after: img.before,
          rule: `undo of run ${runId}`,
        })),
      });
      return images.length;
    });
  }
}
