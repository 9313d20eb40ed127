import { IsArray, IsIn, IsNotEmpty, IsObject, IsString } from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';
import { IsScalarValue, IsStringOrMapping, Optional } from './validators.js';

export const FIELD_TYPES = ['scalar', 'set'] as const;
export const WRITE_MODES = ['always', 'if-empty'] as const;
export const UNMAPPED_POLICIES = ['pass', 'drop', 'error'] as const;

/**
 * `syncs.<name>.fields.<field>`: the keys that are not member names. Each member key maps to a path string
 * or a FieldMemberDto.
 */
export class FieldDto {
  @JSONSchema({ description: 'Normalisation applied before comparing: a name, or `{ name, ...options }`.' })
  @Optional()
  @IsStringOrMapping()
  transform?: unknown;

  @JSONSchema({ description: '`both` (default) or one-way `"crm -> helpdesk"` / `"crm -> helpdesk, mail"`.' })
  @Optional()
  @IsString()
  direction?: string;

  @JSONSchema({ description: '`scalar` (default) or `set` (lists of tags, merged element by element).' })
  @Optional()
  @IsIn(FIELD_TYPES)
  type?: string;

  @JSONSchema({ description: 'Set fields: only these elements are synced; others are left alone.' })
  @Optional()
  @IsArray()
  @IsString({ each: true })
  only?: string[];

  @JSONSchema({ description: 'One-way computed value, e.g. "{first_name} {last_name}"; written, never read.' })
  @Optional()
  @IsString()
  template?: string;

  @JSONSchema({ description: 'Value written when the agreed value is empty.' })
  @Optional()
  @IsScalarValue()
  default?: unknown;
}

/** The long form of a member in a field: `crm: { path: plan_tier, map: {…} }`. */
export class FieldMemberDto {
  @JSONSchema({ description: 'Dotted path of the field in the app record (merge_fields.FNAME).' })
  @IsString()
  @IsNotEmpty()
  path!: string;

  @JSONSchema({ description: 'Value map: app value → canonical value.' })
  @Optional()
  @IsObject()
  map?: Record<string, unknown>;

  @JSONSchema({ description: 'For maps where several app values give one canonical value: canonical value → app value to write.' })
  @Optional()
  @IsObject()
  reverse?: Record<string, unknown>;

  @JSONSchema({ description: 'An app value missing from the map: pass, drop, error (default) or `{ default: value }`.' })
  @Optional()
  @IsStringOrMapping()
  unmapped?: unknown;

  @JSONSchema({ description: 'The format this app stores (for the `date` transform).' })
  @Optional()
  @IsString()
  format?: string;

  @JSONSchema({ description: '`if-empty`: only written when the app value is empty. Default: always.' })
  @Optional()
  @IsIn(WRITE_MODES)
  write?: string;
}

/** The long form of `transform`: `{ name: phone_e164, region: US }`. Other keys are the transform's options. */
export class TransformDto {
  @JSONSchema({ description: 'Transform name.' })
  @IsString()
  @IsNotEmpty()
  name!: string;
}
