/**
 * The chunk save of the cycle in a constant number of statements: one lock-and-check, one link UPDATE, one member
 * UPDATE, one member INSERT, one audit INSERT — whatever the chunk's size. Row data travels as one jsonb array and is
 * unpacked by `jsonb_to_recordset`, so the same SQL runs on Postgres and PGlite. Semantics equal `saveLink`'s.
 */
import type { EntityManager } from 'typeorm';
import { randomUUID } from 'node:crypto';
import type { LedgerContext } from '../context.js';
import { LedgerError } from '../errors.js';
import { appendChanges } from './audit.repository.js';
import { hashKeys, applyConflictDecisions, type SaveLinkInput } from './link-save.js';
import { table } from './row.js';

/** Locks the chunk's links and refuses the whole chunk if any was saved by someone else since it was loaded. */
async function lockAndCheck(em: EntityManager, inputs: SaveLinkInput[]): Promise<Map<string, Date | null>> {
  const rows: { id: string; agreed_version: number; deleted_at: Date | null }[] = await em.query(
    `SELECT id, agreed_version, deleted_at FROM ${table(em, 'link')} WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
    [inputs.map((i) => i.state.linkId)],
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const input of inputs) {
    const row = byId.get(input.state.linkId);
    if (!row) throw new LedgerError('LEDGER_NOT_FOUND', `link ${input.state.linkId} does not exist`, { linkId: input.state.linkId });
    if (input.expectedVersion !== undefined && row.agreed_version !== input.expectedVersion) {
      throw new LedgerError('LEDGER_VERSION_CONFLICT', `link ${input.state.linkId} changed since it was loaded`, {
        linkId: input.state.linkId,
        expected: input.expectedVersion,
        actual: row.agreed_version,
      });
    }
  }
  return new Map(rows.map((r) => [r.id, r.deleted_at]));
}

async function updateLinks(em: EntityManager, inputs: SaveLinkInput[], deletedAt: Map<string, Date | null>, now: Date): Promise<void> {
  const rows = inputs.map(({ state }) => ({
    id: state.linkId,
    agreed: state.agreed,
    field_meta: state.fieldMeta,
    agreed_version: state.agreedVersion,
    // Keep the first deletion time when a deleted link is saved again.
    deleted_at: state.deleted ? (deletedAt.get(state.linkId) ?? now).toISOString() : null,
  }));
  await em.query(
    `UPDATE ${table(em, 'link')} AS l
        SET agreed = v.agreed, field_meta = v.field_meta, agreed_version = v.agreed_version,
            deleted_at = v.deleted_at, updated_at = $2
       FROM jsonb_to_recordset($1::jsonb) AS v(id uuid, agreed jsonb, field_meta jsonb, agreed_version int, deleted_at timestamptz)
      WHERE l.id = v.id`,
    [JSON.stringify(rows), now.toISOString()],
  );
}

async function upsertMembers(em: EntityManager, ctx: LedgerContext, inputs: SaveLinkInput[], now: Date): Promise<void> {
  const existing: { id: string; link_id: string; app: string }[] = await em.query(
    `SELECT id, link_id, app FROM ${table(em, 'link_member')} WHERE link_id = ANY($1::uuid[])`,
    [inputs.map((i) => i.state.linkId)],
  );
  const idOf = new Map(existing.map((m) => [`${m.link_id}|${m.app}`, m.id]));
  const updates: Record<string, unknown>[] = [];
  const inserts: Record<string, unknown>[] = [];
  for (const input of inputs) {
    for (const m of input.state.members) {
      const keys = input.matchKeys?.[m.app];
      const row = {
        link_id: input.state.linkId,
        sync: input.sync,
        app: m.app,
        external_id: m.externalId,
        shadow: m.shadow,
        app_version: m.appVersion,
        acked_version: m.ackedVersion,
        pending: m.pending,
        field_updated_at: m.fieldUpdatedAt ?? null,
        match_keys: keys ? hashKeys(ctx, keys) : null,
        deleted: m.deleted ?? false,
      };
      const id = idOf.get(`${input.state.linkId}|${m.app}`);
      if (id) updates.push({ ...row, id });
      else inserts.push({ ...row, id: randomUUID() });
    }
  }
  const columns = `id uuid, link_id uuid, sync text, app text, external_id text, shadow jsonb, app_version text, acked_version int,
                   pending jsonb, field_updated_at jsonb, match_keys jsonb, deleted boolean`;
  const keysOf = `ARRAY(SELECT jsonb_array_elements_text(v.match_keys))`;
  if (updates.length > 0) {
    await em.query(
      `UPDATE ${table(em, 'link_member')} AS m
          SET external_id = v.external_id, shadow = v.shadow, app_version = v.app_version, acked_version = v.acked_version,
              pending = v.pending, field_updated_at = v.field_updated_at, deleted = v.deleted, updated_at = $2,
              match_keys = CASE WHEN v.match_keys IS NULL THEN m.match_keys ELSE ${keysOf} END
         FROM jsonb_to_recordset($1::jsonb) AS v(${columns})
        WHERE m.id = v.id`,
      [JSON.stringify(updates), now.toISOString()],
    );
  }
  if (inserts.length > 0) {
    await em.query(
      `INSERT INTO ${table(em, 'link_member')}
              (id, link_id, sync, app, external_id, shadow, app_version, acked_version, pending, field_updated_at, match_keys,
               deleted, created_at, updated_at)
       SELECT v.id, v.link_id, v.sync, v.app, v.external_id, v.shadow, v.app_version, v.acked_version, v.pending,
              v.field_updated_at, CASE WHEN v.match_keys IS NULL THEN '{}'::text[] ELSE ${keysOf} END, v.deleted, $2, $2
         FROM jsonb_to_recordset($1::jsonb) AS v(${columns})`,
      [JSON.stringify(inserts), now.toISOString()],
    );
  }
}

/** Saves a chunk of links in one transaction with five statements (plus one per conflict decision). */
export async function saveLinksBulk(ctx: LedgerContext, em: EntityManager, inputs: SaveLinkInput[], now: Date): Promise<void> {
  const deletedAt = await lockAndCheck(em, inputs);
  await updateLinks(em, inputs, deletedAt, now);
  await upsertMembers(em, ctx, inputs, now);
  await appendChanges(
    em,
    inputs.flatMap((input) => (input.changes ?? []).map((c) => ({ ...c, linkId: c.linkId ?? input.state.linkId }))),
    now,
  );
  for (const input of inputs) await applyConflictDecisions(em, input.state.linkId, input.conflicts ?? [], now);
}

/** Inserts new links with their first members: two statements for the whole chunk (the first sync's write-ahead). */
export async function createLinksBulk(ctx: LedgerContext, em: EntityManager, inputs: SaveLinkInput[], now: Date): Promise<void> {
  const rows = inputs.map(({ state }) => ({ id: state.linkId, sync: inputs[0]?.sync, agreed: state.agreed, field_meta: state.fieldMeta, agreed_version: state.agreedVersion }));
  await em.query(
    `INSERT INTO ${table(em, 'link')} (id, sync, agreed, field_meta, agreed_version, deleted_at, created_at, updated_at)
     SELECT v.id, v.sync, v.agreed, v.field_meta, v.agreed_version, NULL, $2, $2
       FROM jsonb_to_recordset($1::jsonb) AS v(id uuid, sync text, agreed jsonb, field_meta jsonb, agreed_version int)`,
    [JSON.stringify(rows), now.toISOString()],
  );
  await upsertMembers(em, ctx, inputs, now);
}
