import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { PageQuery } from '@ocop/common';
import type { Level } from './rules';

export const LEVELS = ['district', 'province', 'central'] as const;
export const STATUSES = ['active', 'expired', 'superseded', 'revoked', 'not_certified'] as const;

const twoDecimals = { maxDecimalPlaces: 2, allowNaN: false, allowInfinity: false };
const partMessage = { message: '$property must be a number with at most two decimals' };

export class RecordAssessmentBody {
  @ApiProperty({ example: 36.3, description: 'product and community strength, 0–40 (config)' })
  @IsNumber(twoDecimals, partMessage)
  partA: number;

  @ApiProperty({ example: 22.86, description: 'marketing capability and product story, 0–25 (config)' })
  @IsNumber(twoDecimals, partMessage)
  partB: number;

  @ApiProperty({ example: 31.7, description: 'quality, standards, export capability, 0–35 (config)' })
  @IsNumber(twoDecimals, partMessage)
  partC: number;

  @ApiProperty() @IsBoolean() mandatoryCriteriaMet: boolean;

  @ApiProperty({ enum: LEVELS }) @IsIn(LEVELS) level: Level;

  @ApiProperty({ example: '1234/QĐ-UBND' }) @IsString() @IsNotEmpty() @MaxLength(100) decisionNo: string;

  @ApiProperty({ example: '2024-03-15', description: 'decision date, YYYY-MM-DD' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'decidedAt must be a date as YYYY-MM-DD' })
  decidedAt: string;
}

export class RevokeBody {
  @ApiProperty({ example: 'Vi phạm quy định ghi nhãn hàng hóa' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1000)
  reason: string;
}

export class CertificateListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: STATUSES }) @IsOptional() @IsIn(STATUSES) status?: (typeof STATUSES)[number];

  @ApiPropertyOptional({ type: 'integer', enum: [1, 2, 3, 4, 5] })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(5)
  stars?: number;

  @ApiPropertyOptional({
    type: 'integer',
    description: 'active certificates whose last day falls within the next N days',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3650)
  expiringWithinDays?: number;

  @ApiPropertyOptional({ format: 'uuid', description: 'the producer' })
  @IsOptional()
  @IsUUID()
  cooperativeId?: string;

  @ApiPropertyOptional({
    example: 'Đại Từ',
    description: 'the producer’s district, matched without accents or case',
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  district?: string;
}

export class AssessmentListQuery extends PageQuery {}
