import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { isCalendarDate } from './calendar-date';
import { BadRequest } from './errors';
import { isUuid } from './ids';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

/** `?limit=&cursor=` of every list (API.md "Lists"). */
export class PageQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({ description: 'opaque cursor from the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * Keyset position of the last row of a page: the sort key values in order (for every list here,
 * creation instant then id). Opaque to clients.
 */
export type CursorKey = [string, string];

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/**
 * A sort key value this API can have written: an instant exactly as `Date.toISOString` writes it
 * (which rules out the 30th of February and the years PostgreSQL refuses), or a real calendar day.
 */
function isKeyValue(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  if (isCalendarDate(value)) return value >= '0001-01-01';
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(value) || value < '0001') return false;
  const at = new Date(value);
  return !Number.isNaN(at.getTime()) && at.toISOString() === value;
}

/**
 * The key of a cursor this API handed out. Anything else — a forged or damaged cursor — is a 400
 * here, before a value reaches SQL, where PostgreSQL would refuse it as a 500.
 */
export function decodeCursor(cursor: string | undefined): CursorKey | undefined {
  if (cursor === undefined) return undefined;
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = undefined;
  }
  if (
    Array.isArray(key) &&
    key.length === 2 &&
    isKeyValue(key[0]) &&
    typeof key[1] === 'string' &&
    isUuid(key[1])
  ) {
    return [key[0], key[1]];
  }
  throw new BadRequest('The cursor is not one this API handed out');
}

export function pageSize(query: PageQuery): number {
  return query.limit ?? DEFAULT_PAGE_SIZE;
}
