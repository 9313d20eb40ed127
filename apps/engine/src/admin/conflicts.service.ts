import { Inject, Injectable } from '@nestjs/common';
import { resolveConflict, type CanonValue, type ConflictChoice } from '@tandem/core';
import type { ConflictRow } from '@tandem/ledger';
import { ENGINE_STATE, type EngineState } from '../contracts.js';
import { AdminError, notFound } from './admin-errors.js';
import type { ResolveConflictDto, SyncFilterQuery } from './dto/admin.dto.js';
import { requireSpec, resyncLinks } from './engine-access.js';
import { pageWindow, toPage, type Page } from './pagination.js';

export interface ResolveResult {
  conflictId: string;
  linkId: string;
  field: string;
  agreedVersion: number;
  /** The targeted cycle writing the chosen value out; null when no member has an app record yet. */
  runId: string | null;
}

function isCanonValue(value: unknown): value is CanonValue {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value))
    return typeof value !== 'number' || Number.isFinite(value);
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

/** `{app}` or `{value}`, exactly one. */
function choiceOf(body: ResolveConflictDto): ConflictChoice {
  const hasValue = Object.prototype.hasOwnProperty.call(body, 'value') && body.value !== undefined;
  if (hasValue === (body.app !== undefined))
    throw new AdminError('ADMIN_BAD_REQUEST', 'give app or value, exactly one');
  if (body.app !== undefined) return { app: body.app };
  if (!isCanonValue(body.value))
    throw new AdminError('ADMIN_BAD_REQUEST', 'value must be a string, number, boolean, null or a list of strings');
  return { value: Array.isArray(body.value) ? [...new Set(body.value)].sort() : body.value };
}

@Injectable()
export class ConflictsService {
  constructor(@Inject(ENGINE_STATE) private readonly engine: EngineState) {}

  async list(query: SyncFilterQuery): Promise<Page<ConflictRow>> {
    const window = pageWindow(query);
    const rows = await this.engine.ledger.conflicts.listOpen({
      sync: query.sync,
      limit: window.limit + 1,
      offset: window.offset,
    });
    return toPage(rows, window);
  }

  /**
   * Resolves an open conflict as the admin chose: the value becomes agreed (a new agreed version, audited as
   * `resolve`), the conflict closes, and a targeted cycle of the link's records writes the value out.
   */
  async resolve(conflictId: string, body: ResolveConflictDto): Promise<ResolveResult> {
    const choice = choiceOf(body);
    const { ledger } = this.engine;
    const conflict = await ledger.conflicts.get(conflictId);
    if (!conflict) throw notFound('conflict', conflictId);
    if (conflict.status !== 'open')
      throw new AdminError('ADMIN_CONFLICT', `conflict ${conflictId} is already resolved`, { conflictId });
    const sync = await ledger.links.syncOf(conflict.linkId);
    if (!sync) throw notFound('link', conflict.linkId);
    const spec = requireSpec(this.engine, sync);
    if ('app' in choice && !(choice.app in conflict.candidates) && !spec.members[choice.app]) {
      throw new AdminError('ADMIN_BAD_REQUEST', `${choice.app} is not a member of ${sync}`, { app: choice.app });
    }
    const saved = await ledger.locks.withLinkLock(conflict.linkId, async () => {
      const link = await ledger.links.load(conflict.linkId);
      if (!link) throw notFound('link', conflict.linkId);
      const result = resolveConflict(spec, link, conflict.field, choice, Date.now());
      // Only existing members: creates for apps without one are the next cycle's to plan (with write-ahead intents).
      const members = result.members.filter((m) => link.members.some((x) => x.app === m.app));
      const state = {
        ...link,
        agreed: result.agreed,
        fieldMeta: result.fieldMeta,
        agreedVersion: result.agreedVersion,
        members,
      };
      await ledger.links.save({
        sync,
        state,
        expectedVersion: link.agreedVersion,
        conflicts: result.conflicts,
        changes: result.explanations.map((e) => ({
          op: 'resolve',
          app: e.sourceApp,
          field: e.field,
          before: e.before,
          after: e.after,
          rule: e.rule,
        })),
      });
      return state;
    });
    const runId = await resyncLinks(this.engine, sync, [saved]);
    return { conflictId, linkId: conflict.linkId, field: conflict.field, agreedVersion: saved.agreedVersion, runId };
  }
}
