/**
 * The resolved, validated shape of one sync as libs/core consumes it. libs/config turns tandem.yaml into
 * these objects; libs/core never reads YAML, the environment or the clock.
 *
 * Vocabulary:
 * - an *app* is a member of a sync, named by its connection name in tandem.yaml (`crm`, `mail`, …);
 * - a *raw* value is what the app stores at a field path (`merge_fields.FNAME`);
 * - a *canonical* value is the app-independent value after the field's transform and value map.
 */

/** Name of a member app of a sync (the connection name). */
export type AppName = string;

/** Epoch milliseconds. Time is always passed in; libs/core never reads the clock. */
export type EpochMs = number;

/** A canonical scalar. Dates are ISO 8601 strings, numbers are numbers, booleans are booleans. */
export type Scalar = string | number | boolean | null;

/** A canonical value: a scalar, or for `type: set` fields a sorted array of distinct strings. */
export type CanonValue = Scalar | string[];

/** A canonical record: canonical field name → value. Absent means empty. */
export type CanonRecord = Record<string, CanonValue>;

/** Raw values of one app record flattened by field path (`merge_fields.FNAME` → `"Ada"`). */
export type RawFields = Record<string, unknown>;

/** Unknown-value policy of a value map: keep the raw value, treat as not observed, flag an error, or use a default. */
export type UnmappedPolicy = { kind: 'pass' } | { kind: 'drop' } | { kind: 'error' } | { kind: 'default'; value: Scalar };

/** A per-app value map: raw app value → canonical value, and its inverse for writing. */
export interface ValueMapSpec {
  /** raw app value → canonical value (may be many-to-one). */
  toCanonical: Record<string, Scalar>;
  /** canonical value (as a string key) → raw app value; the inverse, or the `reverse:` entries for non-injective maps. */
  fromCanonical: Record<string, Scalar>;
  unmapped: UnmappedPolicy;
}

/** A transform by name with its options (`phone_e164` with `region`, `date` with per-app `format`). */
export interface TransformSpec {
  name: TransformName;
  options: Record<string, unknown>;
}

export const TRANSFORM_NAMES = ['email', 'trim', 'lowercase', 'uppercase', 'phone_e164', 'date', 'number', 'boolean'] as const;
export type TransformName = (typeof TRANSFORM_NAMES)[number];

/** How one app takes part in one field. */
export interface FieldAppSpec {
  /** Dotted path of the field in the app's raw record. */
  path: string;
  /** The app's value counts as an observation (direction lets the app be a source). */
  read: boolean;
  /** The app receives patches for this field. */
  write: boolean;
  /** `if-empty`: only written when the app's current value is empty. */
  writeMode: 'always' | 'if-empty';
  /** Per-app value map, applied after the transform when reading and before it when writing. */
  map?: ValueMapSpec;
  /** Per-app transform options (e.g. the `date` format this app stores). Merged over the field's options. */
  transformOptions?: Record<string, unknown>;
}

export const CONFLICT_RULES = ['last-write-wins', 'prefer', 'keep-non-empty', 'manual'] as const;

/** How concurrent different changes to one field are decided (DESIGN §5 rule 6). */
export type ConflictRule =
  | { kind: 'last-write-wins'; recordTimestamps: boolean; skewMs: number }
  | { kind: 'prefer'; app: AppName }
  | { kind: 'keep-non-empty' }
  | { kind: 'manual' };

export interface FieldSpec {
  /** Canonical field name (`email`, `first_name`). */
  name: string;
  type: 'scalar' | 'set';
  transform?: TransformSpec;
  /** Apps mapping this field, by app name. */
  apps: Record<AppName, FieldAppSpec>;
  rule: ConflictRule;
  /** Canonical value used when the agreed value is empty and a write needs one. */
  default?: Scalar;
  /**
   * One-way template (`"{first_name} {last_name}"`): the value is computed from other canonical fields and
   * written; apps are never read for it.
   */
  template?: string;
  /** Set fields: only these elements (after the transform) are synced; others are left alone in every app. */
  only?: string[];
}

export type DeletePolicy = 'propagate' | 'archive' | 'ignore';
export type OnLeavePolicy = 'unlink' | 'keep' | 'archive' | 'delete';

export interface MemberSpec {
  app: AppName;
  /** Connection type (`hubspot`, `memory`, …) — informative for core. */
  connectionType?: string;
  object: string;
  /** false: this app never receives new people (consent). */
  create: boolean;
  /** Record filter: raw field path → accepted values. A record outside it is not part of the sync. */
  filter?: Record<string, Scalar[]>;
  /** Raw values (or `{field}` templates over canonical fields) an app requires on create. */
  onCreate: Record<string, Scalar>;
  onLeave: OnLeavePolicy;
}

export interface SyncSpec {
  name: string;
  members: Record<AppName, MemberSpec>;
  /** Canonical field names used as identity keys, in fallback order. */
  match: string[];
  /** System-of-record order: first link, ties, conflicts without field timestamps. */
  authority: AppName[];
  /** First-link policy when both sides are non-empty and differ. Default: authority order. */
  onLink: { kind: 'authority' } | { kind: 'prefer'; app: AppName };
  deletes: DeletePolicy;
  /** A delete concurrent with an edit: the edit wins (default) or the delete wins. */
  onDeleteConflict: 'edit-wins' | 'delete-wins';
  fields: FieldSpec[];
  /** Interval (`5m`) or cron expression; undefined means on demand only. */
  schedule?: string;
  debounceMs: number;
  /** Hold deletes above this count for approval; undefined = min(10 % of links, 100). */
  maxDeletes?: number;
}
