import type { LinkState, SyncSpec } from '@tandem/core';
import type { RecordRef } from '@tandem/runtime';
import type { EngineState } from '../contracts.js';
import { notFound } from './admin-errors.js';

/** The sync's spec, or a 404 naming it. */
export function requireSpec(engine: EngineState, sync: string): SyncSpec {
  const spec = engine.spec(sync);
  if (!spec) throw notFound('sync', sync);
  return spec;
}

/** Every configured sync's spec. */
export function allSpecs(engine: EngineState): SyncSpec[] {
  return engine.config.syncs.flatMap((s) => {
    const spec = engine.spec(s.name);
    return spec ? [spec] : [];
  });
}

/** The app records of links that exist in their apps: what a targeted resync fetches to write new agreed values out. */
export function linkRecords(links: LinkState[]): RecordRef[] {
  return links.flatMap((l) =>
    l.members.flatMap((m) => (m.externalId !== null && !m.deleted ? [{ app: m.app, id: m.externalId }] : [])),
  );
}

/** Runs (or enqueues) a targeted cycle of these links so values the admin decided reach the apps. */
export async function resyncLinks(engine: EngineState, sync: string, links: LinkState[]): Promise<string | null> {
  const records = linkRecords(links);
  if (records.length === 0) return null;
  const { runId } = await engine.resync(sync, { kind: 'records', records });
  return runId;
}
