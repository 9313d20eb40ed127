import { IsBoolean, IsObject, IsString } from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';
import { IsStringOrMapping, Optional } from './validators.js';

/** `syncs.<name>.conflicts`. */
export class ConflictsDto {
  @JSONSchema({ description: 'Rule for fields without their own: last-write-wins (default), keep-non-empty, manual, { prefer: app }.' })
  @Optional()
  @IsStringOrMapping()
  default?: unknown;

  @JSONSchema({ description: 'Per-field rules, by canonical field name.' })
  @Optional()
  @IsObject()
  fields?: Record<string, unknown>;
}

/** Options of `{ last-write-wins: { recordTimestamps, skew } }`. */
export class LastWriteWinsDto {
  @JSONSchema({ description: 'Also decide by record-level timestamps when field timestamps are missing.' })
  @Optional()
  @IsBoolean()
  recordTimestamps?: boolean;

  @JSONSchema({ description: 'Clock skew tolerance (`2s`): timestamps closer than this are a tie, decided by authority.' })
  @Optional()
  @IsString()
  skew?: string;
}
