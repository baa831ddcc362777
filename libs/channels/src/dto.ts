import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  registerDecorator,
} from 'class-validator';
import { MARKETPLACES, type Marketplace } from '@ocop/marketplaces';
import { PageQuery } from '@ocop/common';
import { CONNECTION_STATUSES, LISTING_STATUSES, type ConnectionStatus, type ListingStatus } from './entities';

/** Credentials are a flat object of short strings (keys and secrets, whatever the marketplace names them). */
function IsCredentials(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isCredentials',
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        validate: (value: unknown) =>
          typeof value === 'object' &&
          value !== null &&
          !Array.isArray(value) &&
          Object.keys(value).length > 0 &&
          Object.keys(value).length <= 10 &&
          Object.values(value).every((v) => typeof v === 'string' && v.length > 0 && v.length <= 500),
        defaultMessage: () => 'credentials must be an object of non-empty strings',
      },
    });
}

export class CreateConnectionBody {
  @ApiProperty({ enum: MARKETPLACES }) @IsIn(MARKETPLACES) marketplace: Marketplace;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(100) shopId: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    description:
      'what the marketplace gave the seller, e.g. {shop_key, secret_key}, and webhookSecret (required): the secret it signs webhooks with',
  })
  @IsObject()
  @IsCredentials()
  credentials: Record<string, string>;
  @ApiPropertyOptional({
    description:
      'the marketplace API origin (scheme, host, port): one of its origins in MARKETPLACE_ORIGINS, the first when omitted',
  })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  baseUrl?: string;
  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 100 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  stockBufferPercent?: number;
  @ApiPropertyOptional({ description: 'confirm new orders on the marketplace once their stock is reserved' })
  @IsOptional()
  @IsBoolean()
  autoConfirmOrders?: boolean;
}

export class UpdateConnectionBody {
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'replaces all the credentials; webhookSecret included (required)',
  })
  @IsOptional()
  @IsObject()
  @IsCredentials()
  credentials?: Record<string, string>;
  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 100 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  stockBufferPercent?: number;
  @ApiPropertyOptional({ enum: ['active', 'paused'] }) @IsOptional() @IsIn(['active', 'paused']) status?:
    'active' | 'paused';
  @ApiPropertyOptional({ description: 'confirm new orders on the marketplace once their stock is reserved' })
  @IsOptional()
  @IsBoolean()
  autoConfirmOrders?: boolean;
}

export class TransferConnectionBody {
  @ApiProperty({ format: 'uuid', description: 'the cooperative the shop now belongs to' })
  @IsUUID()
  cooperativeId: string;
}

export class CreateListingBody {
  @ApiProperty({ format: 'uuid' }) @IsUUID() productId: string;
  @ApiProperty({ format: 'uuid' }) @IsUUID() connectionId: string;
}

export const BULK_LISTING_LIMIT = 200;

export class CreateListingsBody {
  @ApiProperty({ format: 'uuid', description: 'the shop every product is listed on' })
  @IsUUID()
  connectionId: string;
  @ApiProperty({
    type: [String],
    format: 'uuid',
    minItems: 1,
    maxItems: BULK_LISTING_LIMIT,
    uniqueItems: true,
    description: 'the products to list, of the connection’s cooperative',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(BULK_LISTING_LIMIT)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  productIds: string[];
}

export class ListingListQuery extends PageQuery {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'one producer’s listings (a cooperative key sees only its own whatever it names)',
  })
  @IsOptional()
  @IsUUID()
  cooperativeId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() productId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() connectionId?: string;
  @ApiPropertyOptional({ enum: LISTING_STATUSES })
  @IsOptional()
  @IsIn(LISTING_STATUSES)
  status?: ListingStatus;
  @ApiPropertyOptional({ enum: MARKETPLACES }) @IsOptional() @IsIn(MARKETPLACES) marketplace?: Marketplace;
}

export class ConnectionListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: MARKETPLACES }) @IsOptional() @IsIn(MARKETPLACES) marketplace?: Marketplace;
  @ApiPropertyOptional({ enum: CONNECTION_STATUSES })
  @IsOptional()
  @IsIn(CONNECTION_STATUSES)
  status?: ConnectionStatus;
}
