import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID, Matches } from 'class-validator';
import { PageQuery } from '@ocop/common';
import { CANCEL_REASONS, MARKETPLACES, ORDER_STATUSES } from '@ocop/marketplaces';
import type { CancelReason, Marketplace, OrderStatus } from '@ocop/marketplaces';

const CALENDAR_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
export const STOCK_STATUSES = ['reserved', 'released', 'fulfilled', 'oversold'] as const;
export type StockStatus = (typeof STOCK_STATUSES)[number];

export class OrderListQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() cooperativeId?: string;
  @ApiPropertyOptional({ enum: MARKETPLACES }) @IsOptional() @IsIn(MARKETPLACES) marketplace?: Marketplace;
  @ApiPropertyOptional({ enum: ORDER_STATUSES }) @IsOptional() @IsIn(ORDER_STATUSES) status?: OrderStatus;
  @ApiPropertyOptional({ enum: STOCK_STATUSES, description: 'extension: e.g. oversold orders only' })
  @IsOptional()
  @IsIn(STOCK_STATUSES)
  stockStatus?: StockStatus;
  @ApiPropertyOptional({ description: 'extension: orders with lines whose SKU is unknown (flagged)' })
  @IsOptional()
  @IsIn(['true', 'false'])
  flagged?: 'true' | 'false';
  @ApiPropertyOptional({
    example: '2026-11-01',
    description: 'placed on or after this day (Asia/Ho_Chi_Minh)',
  })
  @IsOptional()
  @Matches(CALENDAR_DATE, { message: 'from must be a date as YYYY-MM-DD' })
  from?: string;
  @ApiPropertyOptional({
    example: '2026-11-30',
    description: 'placed on or before this day (Asia/Ho_Chi_Minh)',
  })
  @IsOptional()
  @Matches(CALENDAR_DATE, { message: 'to must be a date as YYYY-MM-DD' })
  to?: string;
}

export class CancelOrderBody {
  @ApiPropertyOptional({ enum: CANCEL_REASONS, default: 'seller_request' })
  @IsOptional()
  @IsIn(CANCEL_REASONS)
  reason?: CancelReason;
}
