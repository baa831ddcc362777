import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ActorResponse } from '@ocop/auth';
import { PageOf } from '@ocop/common';
import { MARKETPLACES, ORDER_STATUSES, type Marketplace, type OrderStatus } from '@ocop/marketplaces';
import { STOCK_STATUSES, type StockStatus } from './dto';

/** The answers of the order and webhook routes, as the OpenAPI document describes them. */

export const ORDER_FLAGS = ['unknown_sku', 'oversold'] as const;
export const ORDER_ACTIONS = ['confirm', 'cancel'] as const;

export class OrderLineResponse {
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'null when no SKU matches the line',
  })
  skuId: string | null;
  @ApiProperty({ type: String, nullable: true }) skuCode: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'extension: the SKU’s product name; null for an unknown SKU',
  })
  productName: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'extension: the SKU’s pack name; null for an unknown SKU',
  })
  skuName: string | null;
  @ApiProperty({ type: 'integer' }) quantity: number;
  @ApiProperty({ type: 'integer', description: 'integer VND' }) unitPriceVnd: number;
  @ApiProperty({ type: 'integer' }) reservedQuantity: number;
  @ApiProperty({ type: 'integer' }) fulfilledQuantity: number;
  @ApiProperty({ description: 'the connector knows no SKU for this line' }) unknownSku: boolean;
}

export class OrderResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) cooperativeId: string;
  @ApiProperty({ format: 'uuid' }) connectionId: string;
  @ApiProperty({ enum: MARKETPLACES, enumName: 'Marketplace' }) marketplace: Marketplace;
  @ApiProperty() externalOrderId: string;
  @ApiProperty({ enum: ORDER_STATUSES, enumName: 'OrderStatus' }) status: OrderStatus;
  @ApiProperty({ description: 'the marketplace’s own status code' }) marketplaceStatus: string;
  @ApiProperty({ format: 'date-time' }) placedAt: string;
  @ApiProperty({ format: 'date-time' }) marketplaceUpdatedAt: string;
  @ApiProperty({ type: 'integer', description: 'integer VND' }) totalVnd: number;
  @ApiProperty({ type: [OrderLineResponse] }) lines: OrderLineResponse[];
  @ApiProperty({ enum: STOCK_STATUSES, enumName: 'StockStatus' }) stockStatus: StockStatus;
  @ApiProperty({
    enum: ORDER_FLAGS,
    enumName: 'OrderFlag',
    isArray: true,
    description: 'what needs a person',
  })
  flags: string[];
  @ApiProperty({ type: String, enum: ORDER_ACTIONS, nullable: true, description: 'waiting to be pushed' })
  requestedAction: 'confirm' | 'cancel' | null;
  @ApiProperty({ type: String, nullable: true, description: 'why the marketplace refused the last action' })
  actionError: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class OrderPage extends PageOf(OrderResponse) {}

export class OrderStatusChangeResponse {
  @ApiProperty({ enum: ORDER_STATUSES, enumName: 'OrderStatus' }) status: OrderStatus;
  @ApiProperty({ description: 'the marketplace’s own status code' }) marketplaceStatus: string;
  @ApiProperty({ format: 'date-time', description: 'when the marketplace made the change' }) at: string;
  @ApiProperty({ format: 'date-time', description: 'when the connector learnt of it' }) recordedAt: string;
  @ApiProperty({
    type: ActorResponse,
    nullable: true,
    description: 'who confirmed or cancelled it through the API; null for the marketplace’s own changes',
  })
  actor: ActorResponse | null;
}

export class OrderDetailResponse extends OrderResponse {
  @ApiProperty({
    type: [OrderStatusChangeResponse],
    description: 'extension: each status the order reached, oldest first',
  })
  history: OrderStatusChangeResponse[];
}

export class OrderSummaryResponse {
  @ApiProperty({ type: 'integer', description: 'orders the filters select' }) count: number;
  @ApiProperty({ type: 'integer', description: 'their totals added up, integer VND' }) totalVnd: number;
}

export class WebhookAnswerResponse {
  @ApiProperty({ enum: [true] }) received: true;
  @ApiProperty({ description: 'this shop’s connection had already stored the event: nothing changed' })
  duplicate: boolean;
  @ApiPropertyOptional({ enum: ['success'], description: 'Postmart only' }) code?: 'success';
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Postmart only: its transaction header' })
  transaction?: string | null;
}

export class DeadWebhookResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: MARKETPLACES, enumName: 'Marketplace' }) marketplace: Marketplace;
  @ApiProperty({ format: 'uuid' }) connectionId: string;
  @ApiProperty() externalOrderId: string;
  @ApiProperty({ enum: ['dead', 'waiting', 'processed'], enumName: 'StoredWebhookStatus' })
  status: 'dead' | 'waiting' | 'processed';
  @ApiProperty({ type: 'integer' }) attempts: number;
  @ApiProperty({ type: String, nullable: true }) lastError: string | null;
  @ApiProperty({ format: 'date-time' }) receivedAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) deadAt: string | null;
}

export class WebhookCountsResponse {
  @ApiProperty({ type: 'integer' }) received: number;
  @ApiProperty({ type: 'integer' }) processed: number;
  @ApiProperty({ type: 'integer', description: 'tried, failed, and to be tried again' }) failed: number;
  @ApiProperty({ type: 'integer', description: 'failed too often; wait for an admin' }) dead: number;
  @ApiProperty({ type: 'integer', description: 'not tried yet' }) waiting: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastReceivedAt: string | null;
}

export class PollingResponse {
  @ApiProperty({ type: 'integer' }) connections: number;
  @ApiProperty({ type: 'integer' }) failing: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastPolledAt: string | null;
  @ApiProperty({ type: String, nullable: true }) lastError: string | null;
}
