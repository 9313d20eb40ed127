/**
 * Mass-delete guard (DESIGN §6): a cycle that would delete or archive more than `maxDeletes` links holds every one
 * of those deletes for a human (`tandem approve <run>`). Held deletes are not stored: their source cursors stay
 * where they were, so the same signals are read again, and the approving cycle reads everything from scratch.
 */
import type { AppName, SyncSpec } from '@tandem/core';
import type { Ledger } from '@tandem/ledger';
import type { WorkSet } from './pairing.js';

/** The default limit: 10 % of the sync's links or 100, the smaller — but never less than one delete. */
export function deleteLimit(spec: SyncSpec, links: number): number {
  if (spec.maxDeletes !== undefined) return spec.maxDeletes;
  return Math.max(1, Math.min(100, Math.ceil(links * 0.1)));
}

/** Strips the delete observations out of the work when there are too many; returns what was held, or null. */
export async function holdMassDeletes(spec: SyncSpec, ledger: Ledger, work: WorkSet): Promise<{ links: number; apps: Set<AppName> } | null> {
  if (spec.deletes === 'ignore') return null;
  const deleting = [...work.existing].filter(([, obs]) => obs.some((o) => o.deleted));
  if (deleting.length === 0) return null;
  const limit = deleteLimit(spec, await ledger.links.count(spec.name));
  if (deleting.length <= limit) return null;
  const apps = new Set<AppName>();
  for (const [linkId, obs] of deleting) {
    for (const o of obs) if (o.deleted) apps.add(o.app);
    work.existing.set(linkId, obs.filter((o) => !o.deleted));
  }
  return { links: deleting.length, apps };
}
