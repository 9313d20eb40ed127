import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { BadRequestException } from '@nestjs/common';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;

/** `?limit=&cursor=` (or `?offset=`) on every list route. The cursor is opaque to clients (an encoded offset). */
export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_LIMIT)
  limit?: number;

  @ApiPropertyOptional({ description: 'the `next` value of the previous page' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,32}$/)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 0, description: 'alternative to cursor' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset?: number;
}

export interface Page<T> {
  items: T[];
  /** Cursor of the next page; null on the last one. */
  next: string | null;
}

export interface PageWindow {
  limit: number;
  offset: number;
}

export function encodeCursor(offset: number): string {
  return Buffer.from(`o${offset}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^o(\d{1,9})$/.exec(text);
  if (!match) throw new BadRequestException('cursor is not one this API issued');
  return Number(match[1]);
}

/** The window a query asks for; cursor and offset together are a client mistake. */
export function pageWindow(query: PageQuery): PageWindow {
  if (query.cursor !== undefined && query.offset !== undefined)
    throw new BadRequestException('give cursor or offset, not both');
  const offset = query.cursor !== undefined ? decodeCursor(query.cursor) : (query.offset ?? 0);
  return { limit: query.limit ?? DEFAULT_LIMIT, offset };
}

/**
 * Turns rows fetched with `limit + 1` into a page: the extra row only proves there is a next page.
 * Fetching one more than asked avoids a count query per page.
 */
export function toPage<T>(rows: T[], window: PageWindow): Page<T> {
  const more = rows.length > window.limit;
  return { items: rows.slice(0, window.limit), next: more ? encodeCursor(window.offset + window.limit) : null };
}

/** Pages a list already in memory (syncs, a link's audit). */
export function slicePage<T>(all: T[], window: PageWindow): Page<T> {
  return toPage(all.slice(window.offset, window.offset + window.limit + 1), window);
}
