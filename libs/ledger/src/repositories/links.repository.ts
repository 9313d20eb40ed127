import { randomUUID } from 'node:crypto';
import { IsNull } from 'typeorm';
import type { AppName, CanonRecord, FieldMeta, LinkState, MemberState } from '@tandem/core';
import { ConflictEntity } from '../entities/conflict.entity.js';
import { LinkMemberEntity } from '../entities/link-member.entity.js';
import { LinkEntity } from '../entities/link.entity.js';
import type { LedgerContext } from '../context.js';
import { LedgerError } from '../errors.js';
import type { MatchKey } from '../match-keys.js';
import { hashKeys, insertMember, saveLink, saveLinks, translateSaveError, type SaveLinkInput } from './link-save.js';
import { memberColumns, toLinkState } from './link-mapping.js';
import { createLinksBulk } from './link-bulk-save.js';
import { inSlices } from './row.js';

export interface CreateLinkInput {
  agreed?: CanonRecord;
  fieldMeta?: Record<string, FieldMeta>;
  agreedVersion?: number;
  members?: MemberState[];
  matchKeys?: Record<AppName, MatchKey[]>;
}

/** One live member whose stored match keys include a looked-up key. */
export interface MatchKeyHit {
  key: MatchKey;
  linkId: string;
  app: AppName;
  externalId: string | null;
}

/** Links and their members: the state the reconciler reads and the cycle writes back. */
export class LinksRepository {
  constructor(private readonly ctx: LedgerContext) {}

  /** Creates a link (and optionally its first members) and returns its state. */
  async create(sync: string, input: CreateLinkInput = {}): Promise<LinkState> {
    const linkId = randomUUID();
    const now = this.ctx.now();
    try {
      await this.ctx.dataSource.transaction(async (em) => {
        await em.insert(LinkEntity, {
          id: linkId,
          sync,
          agreed: input.agreed ?? {},
          fieldMeta: input.fieldMeta ?? {},
          agreedVersion: input.agreedVersion ?? 0,
          deletedAt: null,
          createdAt: now,
          updatedAt: now,
        });
        for (const member of input.members ?? []) {
          const columns = memberColumns(member, now);
          const keys = input.matchKeys?.[member.app];
          if (keys) columns.matchKeys = hashKeys(this.ctx, keys);
          await insertMember(em, sync, linkId, member, columns);
        }
      });
    } catch (err) {
      throw translateSaveError(err, { sync, state: { linkId } });
    }
    const state = await this.load(linkId);
    if (!state)
      throw new LedgerError('LEDGER_NOT_FOUND', `link ${linkId} vanished right after it was created`, { linkId });
    return state;
  }

  /** Saves a reconciled link + members + audit + conflict decisions in one transaction (see SaveLinkInput). */
  save(input: SaveLinkInput): Promise<void> {
    return saveLink(this.ctx, input);
  }

  /** Saves several links in one transaction (all or nothing; see saveLinks). */
  saveMany(inputs: SaveLinkInput[]): Promise<void> {
    return saveLinks(this.ctx, inputs);
  }

  /**
   * Creates many links with their first members in ONE transaction and returns their new ids in input order — the
   * first sync's write-ahead of thousands of new links would otherwise pay a transaction each.
   */
  async createMany(sync: string, inputs: CreateLinkInput[]): Promise<string[]> {
    const now = this.ctx.now();
    const ids = inputs.map(() => randomUUID());
    try {
      await this.ctx.dataSource.transaction(async (em) => {
        for (let i = 0; i < inputs.length; i += 1000) {
          const slice = inputs.slice(i, i + 1000).map((input, j) => ({
            sync,
            state: {
              linkId: ids[i + j] as string,
              agreed: input.agreed ?? {},
              fieldMeta: input.fieldMeta ?? {},
              agreedVersion: input.agreedVersion ?? 0,
              members: input.members ?? [],
              openConflicts: [],
            },
            ...(input.matchKeys ? { matchKeys: input.matchKeys } : {}),
          }));
          await createLinksBulk(this.ctx, em, slice, now);
        }
      });
    } catch (err) {
      throw translateSaveError(err, { sync, state: { linkId: ids[0] ?? 'none' } });
    }
    return ids;
  }

  async load(linkId: string): Promise<LinkState | null> {
    const [state] = await this.loadMany([linkId]);
    return state ?? null;
  }

  /**
   * States of the given links that exist, in the order asked. Asked in slices of 1,000 ids: Postgres takes at most
   * 65,535 bind parameters per statement, and a cycle may look up far more links than that.
   */
  async loadMany(linkIds: string[]): Promise<LinkState[]> {
    return inSlices([...new Set(linkIds)], 1000, (slice) => this.loadSlice(slice));
  }

  private async loadSlice(ids: string[]): Promise<LinkState[]> {
    const em = this.ctx.dataSource.manager;
    // `= ANY(:ids)` binds one array parameter: TypeORM's In() binds one per id, at a cost that grows with their number.
    const links = await em.createQueryBuilder(LinkEntity, 'l').where('l.id = ANY(:ids)', { ids }).getMany();
    const members = await em.createQueryBuilder(LinkMemberEntity, 'm').where('m.link_id = ANY(:ids)', { ids }).getMany();
    const conflicts = await em
      .createQueryBuilder(ConflictEntity, 'c')
      .where('c.link_id = ANY(:ids)', { ids })
      .andWhere('c.status = :status', { status: 'open' })
      .getMany();
    const byId = new Map(links.map((l) => [l.id, l]));
    const membersOf = groupBy(members, (m) => m.linkId);
    const conflictsOf = groupBy(conflicts, (c) => c.linkId);
    return ids.flatMap((id) => {
      const link = byId.get(id);
      return link ? [toLinkState(link, membersOf.get(id) ?? [], conflictsOf.get(id) ?? [])] : [];
    });
  }

  /** The link holding the app record (sync, app, externalId), if any. */
  async loadByMember(sync: string, app: AppName, externalId: string): Promise<LinkState | null> {
    const linkId = await this.linkIdOfMember(sync, app, externalId);
    return linkId ? this.load(linkId) : null;
  }

  async linkIdOfMember(sync: string, app: AppName, externalId: string): Promise<string | null> {
    const row = await this.ctx.dataSource.manager.findOne(LinkMemberEntity, {
      select: { linkId: true },
      where: { sync, app, externalId },
    });
    return row?.linkId ?? null;
  }

  /** Link ids of many records of one app at once (the cycle's pairing step): external id → link id. */
  async linkIdsOfMembers(sync: string, app: AppName, externalIds: string[]): Promise<Map<string, string>> {
    const rows = await inSlices(externalIds, 10_000, (ids) =>
      this.ctx.dataSource.manager
        .createQueryBuilder(LinkMemberEntity, 'm')
        .select(['m.link_id AS link_id', 'm.external_id AS external_id'])
        .where('m.sync = :sync AND m.app = :app AND m.external_id = ANY(:ids)', { sync, app, ids })
        .getRawMany<{ link_id: string; external_id: string }>(),
    );
    return new Map(rows.map((r) => [r.external_id, r.link_id]));
  }

  /** Of these records of one app, those whose member row was saved at or after `since` (a cycle just wrote or read them). */
  async membersSavedSince(sync: string, app: AppName, externalIds: string[], since: Date): Promise<Set<string>> {
    const rows = await inSlices(externalIds, 10_000, (ids) =>
      this.ctx.dataSource.manager
        .createQueryBuilder(LinkMemberEntity, 'm')
        .select('m.external_id', 'external_id')
        .where('m.sync = :sync AND m.app = :app AND m.updated_at >= :since AND m.external_id = ANY(:ids)', { sync, app, since, ids })
        .getRawMany<{ external_id: string }>(),
    );
    return new Set(rows.map((r) => r.external_id));
  }

  /**
   * Links of live members holding this normalised key (several links mean a duplicate, never merged silently).
   * `includeDeleted` also returns deleted links and members (erasure must find people deleted earlier too).
   */
  async findByMatchKey(sync: string, key: MatchKey, options: { includeDeleted?: boolean } = {}): Promise<LinkState[]> {
    const hits = await this.matchKeyHits(sync, [key], options);
    return this.loadMany(hits.map((h) => h.linkId));
  }

  /**
   * Batch lookup for the match step: every (key, member) pair where a live member of a live link in `sync` stores
   * the key's hash. One GIN-indexed query for the whole cycle's keys.
   */
  async matchKeyHits(sync: string, keys: MatchKey[], options: { includeDeleted?: boolean } = {}): Promise<MatchKeyHit[]> {
    const byHash = new Map(keys.map((k) => [this.ctx.hash(k), k]));
    if (byHash.size === 0) return [];
    const qb = this.ctx.dataSource.manager
      .createQueryBuilder(LinkMemberEntity, 'm')
      .innerJoin('m.link', 'l')
      .where('m.sync = :sync', { sync });
    if (!options.includeDeleted) qb.andWhere('m.deleted = false').andWhere('l.deleted_at IS NULL');
    const rows = await qb
      .andWhere('m.match_keys && :hashes', { hashes: [...byHash.keys()] })
      .orderBy('m.app', 'ASC')
      .getMany();
    return rows.flatMap((m) =>
      m.matchKeys.flatMap((h) => {
        const key = byHash.get(h);
        return key ? [{ key, linkId: m.linkId, app: m.app, externalId: m.externalId }] : [];
      }),
    );
  }

  /** External ids of the live members of one app (complete-read delete detection compares against these). */
  async memberIds(sync: string, app: AppName): Promise<string[]> {
    const rows = await this.ctx.dataSource.manager
      .createQueryBuilder(LinkMemberEntity, 'm')
      .select('m.externalId', 'externalId')
      .where('m.sync = :sync AND m.app = :app AND m.deleted = false AND m.external_id IS NOT NULL', { sync, app })
      .orderBy('m.external_id', 'ASC')
      .getRawMany<{ externalId: string }>();
    return rows.map((r) => r.externalId);
  }

  /** The sync a link belongs to, or null when there is no such link. */
  async syncOf(linkId: string): Promise<string | null> {
    const row = await this.ctx.dataSource.manager.findOne(LinkEntity, { select: { sync: true }, where: { id: linkId } });
    return row?.sync ?? null;
  }

  /** Live (not deleted) links of a sync. */
  count(sync: string): Promise<number> {
    return this.ctx.dataSource.manager.count(LinkEntity, { where: { sync, deletedAt: IsNull() } });
  }

  /** An app changed a record's id (Mailchimp email change): move the member, never delete + create. */
  async rekeyMember(sync: string, app: AppName, fromId: string, toId: string): Promise<boolean> {
    try {
      const result = await this.ctx.dataSource.manager.update(
        LinkMemberEntity,
        { sync, app, externalId: fromId },
        { externalId: toId, updatedAt: this.ctx.now() },
      );
      return (result.affected ?? 0) > 0;
    } catch (err) {
      throw translateSaveError(err, { sync, state: { linkId: 'unknown' } });
    }
  }

  /**
   * Links with work left from an earlier cycle: a member with unsettled write intents (a crash between write-ahead and
   * settle, a failed write) or, on a live link, a live member behind the agreed version or still without an id.
   */
  async needingRepair(sync: string, limit = 10_000): Promise<string[]> {
    const rows = await this.ctx.dataSource.manager
      .createQueryBuilder(LinkMemberEntity, 'm')
      .innerJoin('m.link', 'l')
      .select('DISTINCT m.link_id', 'linkId')
      .where('m.sync = :sync AND m.deleted = false', { sync })
      .andWhere(
        "(m.pending <> '[]'::jsonb OR (l.deleted_at IS NULL AND (m.acked_version < l.agreed_version OR m.external_id IS NULL)))",
      )
      .limit(limit)
      .getRawMany<{ linkId: string }>();
    return rows.map((r) => r.linkId);
  }

  /** Takes one app record out of its link (`onLeave: unlink`); the link and its other members stay. */
  async removeMember(sync: string, app: AppName, externalId: string): Promise<boolean> {
    const result = await this.ctx.dataSource.manager.delete(LinkMemberEntity, { sync, app, externalId });
    return (result.affected ?? 0) > 0;
  }
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
