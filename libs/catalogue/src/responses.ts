import { ApiProperty } from '@nestjs/swagger';
import { ActorResponse } from '@ocop/auth';
import { PageOf } from '@ocop/common';
import {
  MOVEMENT_KINDS,
  PRODUCER_KINDS,
  PRODUCT_STATUSES,
  type MovementKind,
  type ProducerKind,
  type ProductStatus,
} from './entities';

/** The answers of the catalogue's routes (views.ts builds them), as the OpenAPI document describes them. */

export class CooperativeResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: PRODUCER_KINDS, enumName: 'ProducerKind' }) kind: ProducerKind;
  @ApiProperty() province: string;
  @ApiProperty({ type: String, nullable: true, description: 'pre-2025 district-level unit' })
  district: string | null;
  @ApiProperty() commune: string;
  @ApiProperty({ type: String, nullable: true }) address: string | null;
  @ApiProperty({ type: String, nullable: true }) taxCode: string | null;
  @ApiProperty({ type: String, nullable: true }) phone: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class CooperativePage extends PageOf(CooperativeResponse) {}

export class SkuResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) productId: string;
  @ApiProperty() code: string;
  @ApiProperty({ description: 'the pack, e.g. "Hộp 100g"' }) name: string;
  @ApiProperty({ type: 'integer', description: 'integer VND' }) priceVnd: number;
  @ApiProperty({ type: 'integer' }) weightGrams: number;
  @ApiProperty({ type: 'integer' }) onHand: number;
  @ApiProperty({ type: 'integer', description: 'held by orders not yet shipped' }) reserved: number;
  @ApiProperty({ type: 'integer' }) safetyStock: number;
  @ApiProperty({ type: 'integer', description: 'onHand − reserved − safetyStock, never below 0' })
  available: number;
  @ApiProperty({
    type: ActorResponse,
    nullable: true,
    description: 'who added it; null when the connector did or it predates the record',
  })
  createdBy: ActorResponse | null;
  @ApiProperty({
    type: ActorResponse,
    nullable: true,
    description: 'who last changed its name, price, weight or safety stock (its stock: the ledger)',
  })
  updatedBy: ActorResponse | null;
}

export class OcopBadgeResponse {
  @ApiProperty({ format: 'uuid' }) certificateId: string;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 5 }) stars: number;
  @ApiProperty({ format: 'date', description: 'the certificate’s last day' }) validUntil: string;
}

export class ProductResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) cooperativeId: string;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'a slug of GET /v1/reference/categories' }) category: string;
  @ApiProperty({ type: String, nullable: true }) description: string | null;
  @ApiProperty({ type: String, isArray: true }) imageUrls: string[];
  @ApiProperty({ enum: PRODUCT_STATUSES, enumName: 'ProductStatus' }) status: ProductStatus;
  @ApiProperty({ type: [SkuResponse] }) skus: SkuResponse[];
  @ApiProperty({
    type: OcopBadgeResponse,
    nullable: true,
    description: 'the valid OCOP certificate the product may show, or null',
  })
  ocop: OcopBadgeResponse | null;
  @ApiProperty({
    type: ActorResponse,
    nullable: true,
    description: 'who created it; null when the connector did or it predates the record',
  })
  createdBy: ActorResponse | null;
  @ApiProperty({
    type: ActorResponse,
    nullable: true,
    description: 'who last changed it (an edit or an import); null as for createdBy',
  })
  updatedBy: ActorResponse | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class ProductPage extends PageOf(ProductResponse) {}

export class StockMovementResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) skuId: string;
  @ApiProperty({ type: 'integer' }) onHandDelta: number;
  @ApiProperty({ type: 'integer' }) reservedDelta: number;
  @ApiProperty({ enum: MOVEMENT_KINDS, enumName: 'MovementKind' }) kind: MovementKind;
  @ApiProperty() reason: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'the order that caused it' })
  orderId: string | null;
  @ApiProperty({ type: 'integer' }) onHandAfter: number;
  @ApiProperty({ type: 'integer' }) reservedAfter: number;
  @ApiProperty({
    type: ActorResponse,
    nullable: true,
    description: 'who made it; null when the connector did (orders, reservations, the seed)',
  })
  actor: ActorResponse | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class StockMovementPage extends PageOf(StockMovementResponse) {}

export class CategoryResponse {
  @ApiProperty({ example: 'tea' }) slug: string;
  @ApiProperty({ example: 'Chè và sản phẩm từ chè' }) nameVi: string;
  @ApiProperty({ example: 'Tea and tea products' }) nameEn: string;
  @ApiProperty({ description: 'the OCOP product group the category falls in' }) ocopGroup: string;
  @ApiProperty({ type: String, nullable: true }) ocopGroupNameVi: string | null;
}

/** Every category at once: nextCursor is always null. */
export class CategoryPage extends PageOf(CategoryResponse) {}
