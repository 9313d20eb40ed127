import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  Allow,
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { RUN_STATUSES, type RunStatus } from '@tandem/ledger';
import { PageQuery } from '../pagination.js';

/** Body of POST /admin/syncs/:name/resync: nothing (full), `records`, or `since`. */
export class ResyncDto {
  @ApiPropertyOptional({
    type: [String],
    example: ['crm:123', 'mail:abc'],
    description: 'only these app records (app:id)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @Matches(/^[^:\s]+:.+$/, { each: true, message: 'each record must be app:id' })
  records?: string[];

  @ApiPropertyOptional({ example: '2026-11-01T00:00:00Z', description: 'records changed since this time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  since?: string;
}

/** Body of POST /admin/conflicts/:id/resolve: take one app's candidate, or give the value. */
export class ResolveConflictDto {
  @ApiPropertyOptional({ description: 'the app whose candidate wins' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  app?: string;

  @ApiPropertyOptional({
    description: 'a canonical value (string, number, boolean, null, or a list of strings for set fields)',
  })
  @Allow()
  value?: unknown;
}

/** Body of POST /admin/retries/replay: one dead retry, or every dead retry of a sync. */
export class ReplayDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  id?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  sync?: string;
}

export class EraseDto {
  @ApiProperty({ example: 'ada@example.test' })
  @IsString()
  @MinLength(3)
  @MaxLength(320)
  email!: string;
}

export class RunsQuery extends PageQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  sync?: string;

  @ApiPropertyOptional({ enum: RUN_STATUSES })
  @IsOptional()
  @IsIn(RUN_STATUSES)
  status?: RunStatus;
}

export class SyncFilterQuery extends PageQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  sync?: string;
}

export class RetriesQuery extends SyncFilterQuery {
  @ApiPropertyOptional({ description: 'only dead (true) or only live (false) retries' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  dead?: boolean;
}
