import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID, Matches, MaxLength } from 'class-validator';
import { IsCalendarDate, PageQuery } from '@ocop/common';
import { CANCEL_REASONS, MARKETPLACES, ORDER_STATUSES } from '@ocop/marketplaces';
import type { CancelReason, Marketplace, OrderStatus } from '@ocop/marketplaces';

export const STOCK_STATUSES = ['reserved', 'released', 'fulfilled', 'oversold'] as const;
export type StockStatus = (typeof STOCK_STATUSES)[number];

/** The conditions that select orders: the list pages them, the summary counts them. */
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
export const MAX_ORDER_IDS = 200;

export class OrderFilterQuery {
  @ApiPropertyOptional({
    description: `extension: only these orders, their ids separated by commas (at most ${MAX_ORDER_IDS}), e.g. the ones a picking list is printed for`,
  })
  @IsOptional()
  @MaxLength(MAX_ORDER_IDS * 37)
  @Matches(new RegExp(`^${UUID}(,${UUID}){0,${MAX_ORDER_IDS - 1}}$`, 'i'), {
    message: `ids must be at most ${MAX_ORDER_IDS} order ids separated by commas`,
  })
  ids?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() cooperativeId?: string;
  @ApiPropertyOptional({ enum: MARKETPLACES }) @IsOptional() @IsIn(MARKETPLACES) marketplace?: Marketplace;
  @ApiPropertyOptional({ enum: ORDER_STATUSES }) @IsOptional() @IsIn(ORDER_STATUSES) status?: OrderStatus;
  @ApiPropertyOptional({ enum: STOCK_STATUSES, description: 'extension: e.g. oversold orders only' })
  @IsOptional()
  @IsIn(STOCK_STATUSES)
  stockStatus?: StockStatus;
  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: 'extension: orders with lines whose SKU is unknown (flagged)',
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  flagged?: 'true' | 'false';
  @ApiPropertyOptional({
    example: '2026-11-01',
    description: 'placed on or after this day (Asia/Ho_Chi_Minh)',
  })
  @IsOptional()
  @IsCalendarDate()
  from?: string;
  @ApiPropertyOptional({
    example: '2026-11-30',
    description: 'placed on or before this day (Asia/Ho_Chi_Minh)',
  })
  @IsOptional()
  @IsCalendarDate()
  to?: string;
}

export class OrderListQuery extends IntersectionType(PageQuery, OrderFilterQuery) {}

export class CancelOrderBody {
  @ApiPropertyOptional({ enum: CANCEL_REASONS, default: 'seller_request' })
  @IsOptional()
  @IsIn(CANCEL_REASONS)
  reason?: CancelReason;
}
