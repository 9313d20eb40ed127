import { ArrayNotEmpty, IsArray, IsBoolean, IsIn, IsObject, IsString, IsNotEmpty } from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';
import { IsStringOrMapping, IsWholeNumber, Optional } from './validators.js';

export const DELETE_POLICIES = ['propagate', 'archive', 'ignore'] as const;
export const DELETE_CONFLICT_POLICIES = ['edit-wins', 'delete-wins'] as const;
export const ON_LEAVE_POLICIES = ['unlink', 'keep', 'archive', 'delete'] as const;

/** `syncs.<name>`: one N-way sync group. */
export class SyncDto {
  @JSONSchema({ description: 'Two or more connections taking part, each with its object and options.' })
  @IsObject()
  members!: Record<string, unknown>;

  @JSONSchema({ description: 'Canonical fields used as identity keys, tried in order (e.g. [email]).' })
  @IsArray()
  @ArrayNotEmpty()
  @IsString({ each: true })
  match!: string[];

  @JSONSchema({ description: 'System-of-record order for first link, ties and conflicts. Default: member order.' })
  @Optional()
  @IsArray()
  @IsString({ each: true })
  authority?: string[];

  @JSONSchema({ description: 'When a new link finds two different non-empty values: `authority` (default) or `{ prefer: <member> }`.' })
  @Optional()
  @IsStringOrMapping()
  onLink?: unknown;

  @JSONSchema({ description: 'What a delete in one app does in the others. Default: archive.' })
  @Optional()
  @IsIn(DELETE_POLICIES)
  deletes?: string;

  @JSONSchema({ description: 'A delete concurrent with an edit. Default: edit-wins.' })
  @Optional()
  @IsIn(DELETE_CONFLICT_POLICIES)
  onDeleteConflict?: string;

  @JSONSchema({ description: 'An interval (`30s`, `5m`, `1h`, `1d`) or a cron expression. Absent: on demand and webhooks only.' })
  @Optional()
  @IsString()
  schedule?: string;

  @JSONSchema({ description: 'How long webhook events for one record are coalesced (`2s`). Default: 2s.' })
  @Optional()
  @IsString()
  debounce?: string;

  @JSONSchema({ description: 'Hold a cycle with more deletes than this for approval. Default: 10 % of links, at most 100.' })
  @Optional()
  @IsWholeNumber()
  maxDeletes?: number | string;

  @JSONSchema({ description: 'Canonical fields: which member path holds each, with transform, direction and type.' })
  @IsObject()
  fields!: Record<string, unknown>;

  @JSONSchema({ description: 'How concurrent different edits of one field are decided.' })
  @Optional()
  @IsObject()
  conflicts?: Record<string, unknown>;
}

/** `syncs.<name>.members.<connection>`: how one app takes part. */
export class MemberDto {
  @JSONSchema({ description: 'The app object synced (contacts, members, users, …).' })
  @IsString()
  @IsNotEmpty()
  object!: string;

  @JSONSchema({ description: 'false: this app never receives new people (consent). Default: true.' })
  @Optional()
  @IsBoolean()
  create?: boolean;

  @JSONSchema({ description: 'Only records whose raw field path holds one of these values take part.' })
  @Optional()
  @IsObject()
  filter?: Record<string, unknown>;

  @JSONSchema({ description: 'Raw values (or `{field}` templates) the app requires when Tandem creates a record.' })
  @Optional()
  @IsObject()
  onCreate?: Record<string, unknown>;

  @JSONSchema({ description: 'What happens to a record that stops matching the filter. Default: unlink.' })
  @Optional()
  @IsIn(ON_LEAVE_POLICIES)
  onLeave?: string;
}
