import { IsBoolean, IsObject, IsOptional, IsString } from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';
import { IsStringOrMapping } from './validators.js';

/** `syncs.<name>.conflicts`. */
export class ConflictsDto {
  @JSONSchema({ description: 'Rule for fields without their own: last-write-wins (default), keep-non-empty, manual, { prefer: app }.' })
  @IsOptional()
  @IsStringOrMapping()
  default?: unknown;

  @JSONSchema({ description: 'Per-field rules, by canonical field name.' })
  @IsOptional()
  @IsObject()
  fields?: Record<string, unknown>;
}

/** Options of `{ last-write-wins: { recordTimestamps, skew } }`. */
export class LastWriteWinsDto {
  @JSONSchema({ description: 'Also decide by record-level timestamps when field timestamps are missing.' })
  @IsOptional()
  @IsBoolean()
  recordTimestamps?: boolean;

  @JSONSchema({ description: 'Clock skew tolerance (`2s`): timestamps closer than this are a tie, decided by authority.' })
  @IsOptional()
  @IsString()
  skew?: string;
}
