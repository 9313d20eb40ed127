/**
 * Inputs and outputs of the reconciler (DESIGN §5). The ledger stores LinkState; the runtime builds
 * Observations from connector reads and applies ReconcileResult. Everything here is plain data.
 */
import type { AppName, CanonRecord, CanonValue, EpochMs, RawFields } from './model.js';

/** Why/when a field of the agreed record last changed. */
export interface FieldMeta {
  changedAt: EpochMs;
  sourceApp: AppName | null;
  rule: string;
}

/** A write the engine intends to make or has made but not yet settled (write-ahead, DESIGN §6.4). */
export interface PendingIntent {
  /** agreed_version this intent carries. */
  agreedVersion: number;
  op: 'create' | 'update' | 'delete' | 'archive';
  /** Raw values by path that were (or will be) sent. */
  fields: RawFields;
}

/** What the ledger knows of one app record in a link. */
export interface MemberState {
  app: AppName;
  /** External id in the app; null for a create not yet settled. */
  externalId: string | null;
  /** Raw stored values at the mapped paths when last read or settled; null before the first link settles. */
  shadow: RawFields | null;
  /** The app's version (updatedAt ms or etag) of that shadow. */
  appVersion: string | null;
  /** The agreed_version this member is known to hold. */
  ackedVersion: number;
  pending: PendingIntent[];
  /** Per raw path, the field-level update timestamps last seen (when the app offers them). */
  fieldUpdatedAt?: Record<string, EpochMs>;
  deleted?: boolean;
}

/** An open manual conflict on one field of a link (DESIGN §4: at most one open per link and field). */
export interface OpenConflict {
  field: string;
  /** Candidate canonical values by app. */
  candidates: Record<AppName, CanonValue>;
  openedAt: EpochMs;
}

/** The ledger's view of one link: one agreed record per real-world entity in a sync. */
export interface LinkState {
  linkId: string;
  agreed: CanonRecord;
  fieldMeta: Record<string, FieldMeta>;
  agreedVersion: number;
  members: MemberState[];
  openConflicts: OpenConflict[];
  deleted?: boolean;
}

/** A fresh read of one app record (from a page, a fetch or a write response). */
export interface Observation {
  app: AppName;
  externalId: string;
  /** Comparable version: updatedAt epoch ms as a decimal string, or an etag (compared only for equality). */
  version: string | null;
  /** Raw values flattened by path. */
  fields: RawFields;
  /** Record-level modification time, if known. */
  updatedAt?: EpochMs;
  /** Field-level modification times by raw path, if the app offers them. */
  fieldUpdatedAt?: Record<string, EpochMs>;
  /** A delete signal, or an id missing from a complete successful read. */
  deleted?: boolean;
}

/** A patch to send to one app. `fields` holds raw values by path; `canonical` the same values canonically. */
export interface Patch {
  app: AppName;
  externalId: string | null;
  op: 'create' | 'update' | 'delete' | 'archive';
  fields: RawFields;
  canonical: CanonRecord;
}

export interface ConflictDecision {
  field: string;
  action: 'open' | 'update' | 'close';
  candidates: Record<AppName, CanonValue>;
}

export type FlagKind = 'unmappable' | 'rejected' | 'stale' | 'duplicate' | 'frozen' | 'delete-conflict';

/** Something a human should see; never blocks the cycle. */
export interface Flag {
  kind: FlagKind;
  app?: AppName;
  field?: string;
  message: string;
}

/** Why a field of the agreed record changed: the app, the rule and the timestamps that decided. */
export interface Explanation {
  field: string;
  before: CanonValue;
  after: CanonValue;
  sourceApp: AppName | null;
  rule: string;
  timestamps: Record<AppName, EpochMs | null>;
}

export interface ReconcileResult {
  agreed: CanonRecord;
  fieldMeta: Record<string, FieldMeta>;
  agreedVersion: number;
  /** New shadows/app versions for members observed in this call. */
  members: MemberState[];
  patches: Patch[];
  conflicts: ConflictDecision[];
  flags: Flag[];
  explanations: Explanation[];
  /** The link as a whole is deleted (its tombstones are written by the runtime). */
  deleted: boolean;
}
