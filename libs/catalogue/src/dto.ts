import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Max,
  MaxLength,
  Min,
  NotEquals,
  ValidateNested,
} from 'class-validator';
import { IsVnd, Omittable, PageQuery } from '@ocop/common';
import { PRODUCER_KINDS, PRODUCT_STATUSES, type ProducerKind, type ProductStatus } from './entities';

const MAX_STOCK = 10_000_000;
const text = (max: number) => [IsString(), IsNotEmpty(), MaxLength(max)];
function Text(max: number): PropertyDecorator {
  return (target, key) => text(max).forEach((d) => d(target, key));
}

export class CreateCooperativeBody {
  @ApiProperty({ example: 'HTX chè Hảo Đạt' }) @Text(200) name: string;
  @ApiProperty({ enum: PRODUCER_KINDS }) @IsIn(PRODUCER_KINDS) kind: ProducerKind;
  @ApiProperty({ example: 'Thái Nguyên' }) @Text(100) province: string;
  @ApiProperty({ example: 'Tân Cương' }) @Text(100) commune: string;
  @ApiPropertyOptional({ example: 'TP Thái Nguyên', description: 'pre-2025 district-level unit' })
  @IsOptional()
  @Text(100)
  district?: string;
  @ApiPropertyOptional() @IsOptional() @Text(300) address?: string;
  @ApiPropertyOptional() @IsOptional() @Text(20) taxCode?: string;
  @ApiPropertyOptional() @IsOptional() @Text(30) phone?: string;
}

export class UpdateCooperativeBody {
  // null clears the optional details below, but the name, kind, province and commune stay
  @ApiPropertyOptional() @Omittable() @Text(200) name?: string;
  @ApiPropertyOptional({ enum: PRODUCER_KINDS }) @Omittable() @IsIn(PRODUCER_KINDS) kind?: ProducerKind;
  @ApiPropertyOptional() @Omittable() @Text(100) province?: string;
  @ApiPropertyOptional() @Omittable() @Text(100) commune?: string;
  @ApiPropertyOptional() @IsOptional() @Text(100) district?: string;
  @ApiPropertyOptional() @IsOptional() @Text(300) address?: string;
  @ApiPropertyOptional() @IsOptional() @Text(20) taxCode?: string;
  @ApiPropertyOptional() @IsOptional() @Text(30) phone?: string;
}

export class CooperativeListQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'name search, ignoring case and diacritics' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) district?: string;
}

export class SkuInput {
  @ApiProperty({ example: 'HD-TOMNON-100' }) @Text(64) code: string;
  @ApiProperty({ example: 'Hộp 100g' }) @Text(200) name: string;
  @ApiProperty({ type: 'integer', example: 120000, description: 'integer VND' }) @IsVnd() priceVnd: number;
  @ApiProperty({ type: 'integer', example: 100 }) @IsInt() @Min(1) @Max(1_000_000) weightGrams: number;
  @ApiPropertyOptional({ type: 'integer', example: 50 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_STOCK)
  onHand?: number;
  @ApiPropertyOptional({
    type: 'integer',
    example: 10,
    description: 'extension: the low-stock mark (0 by default)',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_STOCK)
  safetyStock?: number;
}

export class CreateProductBody {
  @ApiProperty({ format: 'uuid' }) @IsUUID() cooperativeId: string;
  @ApiProperty({ example: 'Chè tôm nõn Hảo Đạt' }) @Text(300) name: string;
  @ApiProperty({ example: 'tea', description: 'a slug of GET /v1/reference/categories' })
  @Text(64)
  category: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(20_000) description?: string;
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsUrl({ protocols: ['http', 'https'], require_tld: false }, { each: true })
  imageUrls?: string[];
  @ApiProperty({ type: [SkuInput] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => SkuInput)
  skus: SkuInput[];
}

export class UpdateProductBody {
  @ApiPropertyOptional() @IsOptional() @Text(300) name?: string;
  @ApiPropertyOptional() @IsOptional() @Text(64) category?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(20_000) description?: string;
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsUrl({ protocols: ['http', 'https'], require_tld: false }, { each: true })
  imageUrls?: string[];
  @ApiPropertyOptional({ enum: PRODUCT_STATUSES })
  @IsOptional()
  @IsIn(PRODUCT_STATUSES)
  status?: ProductStatus;
}

export class ProductListQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() cooperativeId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) category?: string;
  @ApiPropertyOptional({ type: 'integer', enum: [3, 4, 5] })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @IsIn([3, 4, 5])
  stars?: number;
  @ApiPropertyOptional({ description: 'name search, ignoring case and Vietnamese diacritics' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;
  @ApiPropertyOptional({ enum: PRODUCT_STATUSES })
  @IsOptional()
  @IsIn(PRODUCT_STATUSES)
  status?: ProductStatus;
}

export class UpdateSkuBody {
  @ApiPropertyOptional() @Omittable() @Text(200) name?: string;
  @ApiPropertyOptional({ type: 'integer' }) @Omittable() @IsVnd() priceVnd?: number;
  @ApiPropertyOptional({ type: 'integer' })
  @Omittable()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  weightGrams?: number;
  @ApiPropertyOptional({ type: 'integer' })
  @Omittable()
  @IsInt()
  @Min(0)
  @Max(MAX_STOCK)
  safetyStock?: number;
}

export class StockAdjustmentBody {
  @ApiProperty({ type: 'integer', example: 10, description: 'non-zero integer' })
  @IsInt()
  @NotEquals(0)
  @Min(-MAX_STOCK)
  @Max(MAX_STOCK)
  delta: number;
  @ApiProperty({ example: 'new harvest packed' }) @Text(500) reason: string;
}

export class StockTakeBody {
  @ApiProperty({ type: 'integer', example: 42 }) @IsInt() @Min(0) @Max(MAX_STOCK) onHand: number;
  @ApiProperty({ example: 'monthly count' }) @Text(500) reason: string;
}

export class MovementListQuery extends PageQuery {}
