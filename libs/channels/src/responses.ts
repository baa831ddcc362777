import { ApiProperty } from '@nestjs/swagger';
import { ActorResponse } from '@ocop/auth';
import { ErrorContent, PageOf } from '@ocop/common';
import { MARKETPLACES, type Marketplace } from '@ocop/marketplaces';
import { LISTING_HEALTH, type ListingHealth } from './channel-health';
import { CONNECTION_STATUSES, LISTING_STATUSES, type ConnectionStatus, type ListingStatus } from './entities';

/** The answers of the connection and listing routes, as the OpenAPI document describes them. */

export class ConnectionResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) cooperativeId: string;
  @ApiProperty({ enum: MARKETPLACES, enumName: 'Marketplace' }) marketplace: Marketplace;
  @ApiProperty() shopId: string;
  @ApiProperty({ format: 'uri', description: 'the marketplace API’s origin' }) baseUrl: string;
  @ApiProperty({
    format: 'uri',
    description: 'register this address with the marketplace for the shop’s webhooks',
  })
  webhookUrl: string;
  @ApiProperty({ enum: CONNECTION_STATUSES, enumName: 'ConnectionStatus' }) status: ConnectionStatus;
  @ApiProperty({ type: String, nullable: true, description: 'why the connection is auth_failed' })
  statusReason: string | null;
  @ApiProperty({ type: 'integer', minimum: 0, maximum: 100 }) stockBufferPercent: number;
  @ApiProperty() autoConfirmOrders: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastOrderSyncAt: string | null;
  @ApiProperty({
    type: ActorResponse,
    nullable: true,
    description: 'who connected the shop; null when the connector did or it predates the record',
  })
  createdBy: ActorResponse | null;
  @ApiProperty({
    type: ActorResponse,
    nullable: true,
    description:
      'who last changed it through the API (settings, pause, new credentials, a check that changed its status, a transfer); the connector’s own auth_failed marks leave it',
  })
  updatedBy: ActorResponse | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class ConnectionPage extends PageOf(ConnectionResponse) {}

export class ConnectionCheckResult {
  @ApiProperty({ description: 'whether the marketplace accepted the stored credentials' }) accepted: boolean;
  @ApiProperty({ type: String, nullable: true, description: 'the marketplace’s reason when it refused them' })
  message: string | null;
  @ApiProperty({ format: 'date-time' }) checkedAt: string;
}

/** The connection after the check, and what the marketplace said. */
export class ConnectionCheckResponse extends ConnectionResponse {
  @ApiProperty({ type: ConnectionCheckResult }) check: ConnectionCheckResult;
}

export class ListingBadgeResponse {
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 5 }) stars: number;
}

export class ListingResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) productId: string;
  @ApiProperty({ format: 'uuid' }) connectionId: string;
  @ApiProperty({ enum: MARKETPLACES, enumName: 'Marketplace' }) marketplace: Marketplace;
  @ApiProperty({ type: String, nullable: true, description: 'the marketplace’s id, once published' })
  externalId: string | null;
  @ApiProperty({ enum: LISTING_STATUSES, enumName: 'ListingStatus' }) status: ListingStatus;
  @ApiProperty({ type: 'integer' }) desiredVersion: number;
  @ApiProperty({ type: 'integer' }) syncedVersion: number;
  @ApiProperty({ type: 'integer', description: 'versions the marketplace is behind (0 when in step)' })
  lag: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    description: 'the stock last pushed, per SKU code',
  })
  syncedStock: Record<string, number>;
  @ApiProperty({ type: ListingBadgeResponse, nullable: true, description: 'the OCOP badge as pushed' })
  ocopBadge: ListingBadgeResponse | null;
  @ApiProperty({ type: String, nullable: true, description: 'the marketplace’s own message' })
  lastError: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastSyncedAt: string | null;
  @ApiProperty({
    type: ActorResponse,
    nullable: true,
    description:
      'who listed it (the last listing, when it was listed again); null as for the connector’s own',
  })
  listedBy: ActorResponse | null;
  @ApiProperty({
    type: ActorResponse,
    nullable: true,
    description: 'who asked for it to be delisted; null while it is listed',
  })
  delistedBy: ActorResponse | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class ListingPage extends PageOf(ListingResponse) {}

/** One product of a bulk listing: its listing (pending), or why it was not listed. */
export class BulkListingItemResponse {
  @ApiProperty({ format: 'uuid' }) productId: string;
  @ApiProperty({
    type: 'integer',
    enum: [202, 404, 409, 422],
    description: 'what POST /v1/listings would have answered for this product alone',
  })
  status: 202 | 404 | 409 | 422;
  @ApiProperty({ type: ListingResponse, nullable: true }) listing: ListingResponse | null;
  @ApiProperty({ type: ErrorContent, nullable: true }) error: ErrorContent | null;
}

export class BulkListingResponse {
  @ApiProperty({ format: 'uuid' }) connectionId: string;
  @ApiProperty({ type: 'integer', description: 'products now listed (pending)' }) listed: number;
  @ApiProperty({ type: 'integer', description: 'products not listed; their items say why' }) refused: number;
  @ApiProperty({ type: [BulkListingItemResponse], description: 'one per product, in the order sent' })
  items: BulkListingItemResponse[];
}

export class RepublishResponse {
  @ApiProperty({ format: 'uuid' }) connectionId: string;
  @ApiProperty({ type: 'integer', description: 'listings set to be published again' }) listings: number;
}

export class HealthCountsResponse {
  @ApiProperty({ type: 'integer' }) synced: number;
  @ApiProperty({ type: 'integer' }) lagging: number;
  @ApiProperty({ type: 'integer' }) pending: number;
  @ApiProperty({ type: 'integer' }) error: number;
}

export class ListingHealthResponse {
  @ApiProperty({ format: 'uuid' }) listingId: string;
  @ApiProperty({ format: 'uuid' }) productId: string;
  @ApiProperty({ format: 'uuid' }) connectionId: string;
  @ApiProperty({ enum: MARKETPLACES, enumName: 'Marketplace' }) marketplace: Marketplace;
  @ApiProperty({ enum: LISTING_HEALTH, enumName: 'ListingHealth' }) health: ListingHealth;
  @ApiProperty({ type: 'integer' }) lag: number;
  @ApiProperty({ type: String, nullable: true }) lastError: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastSyncedAt: string | null;
}

export class ListingsHealthResponse {
  @ApiProperty({ type: HealthCountsResponse }) counts: HealthCountsResponse;
  @ApiProperty({ type: [ListingHealthResponse] }) items: ListingHealthResponse[];
}

export class ConnectionHealthResponse extends ConnectionResponse {
  @ApiProperty({ type: HealthCountsResponse }) listings: HealthCountsResponse;
}

export class ChannelHealthResponse {
  @ApiProperty({ format: 'uuid' }) cooperativeId: string;
  @ApiProperty({ type: ListingsHealthResponse }) listings: ListingsHealthResponse;
  @ApiProperty({ type: [ConnectionHealthResponse] }) connections: ConnectionHealthResponse[];
}

export class ConnectionCountsResponse {
  @ApiProperty({ type: 'integer' }) active: number;
  @ApiProperty({ type: 'integer' }) paused: number;
  @ApiProperty({ type: 'integer' }) auth_failed: number;
}

/** One marketplace's listings by health (the admins' sync view). */
export class MarketplaceListingHealthResponse {
  @ApiProperty({ enum: MARKETPLACES, enumName: 'Marketplace' }) marketplace: Marketplace;
  @ApiProperty({ type: HealthCountsResponse }) counts: HealthCountsResponse;
  @ApiProperty({ type: 'integer', description: 'listings behind the desired state, whatever their health' })
  behind: number;
  @ApiProperty({ type: 'integer', description: 'how long the longest-waiting lagging listing has waited' })
  oldestLagSeconds: number;
  @ApiProperty({ type: ConnectionCountsResponse }) connections: ConnectionCountsResponse;
}

export class ListingProblemResponse extends ListingHealthResponse {
  @ApiProperty({ format: 'uuid' }) cooperativeId: string;
  @ApiProperty({ type: String, nullable: true }) cooperativeName: string | null;
}
