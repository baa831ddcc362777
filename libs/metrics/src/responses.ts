import { applyDecorators, type Type } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiProperty, getSchemaPath } from '@nestjs/swagger';
import { MARKETPLACES } from '@ocop/marketplaces';
import { GRANULARITIES, type Granularity } from './calendar';

/** The answers of the sales reports (sales-metrics.ts builds them), as the OpenAPI document describes them. */

/** A report answers JSON, or CSV (`?format=csv` or `Accept: text/csv`). */
export function ApiReport(report: Type<unknown>) {
  return applyDecorators(
    ApiExtraModels(report),
    ApiOkResponse({
      description: 'The report; as CSV (UTF-8 with a byte order mark, one header row) when asked for',
      content: {
        'application/json': { schema: { $ref: getSchemaPath(report) } },
        'text/csv': { schema: { type: 'string' } },
      },
    }),
  );
}

export class RevenueByMarketplace {
  @ApiProperty({ type: 'integer' }) sendo: number;
  @ApiProperty({ type: 'integer' }) voso: number;
  @ApiProperty({ type: 'integer' }) postmart: number;
}

// Every marketplace has a property above: the typecheck fails here when one is added.
const _everyMarketplace: Record<(typeof MARKETPLACES)[number], unknown> = new RevenueByMarketplace();
void _everyMarketplace;

export class TotalsResponse {
  @ApiProperty({ type: 'integer', description: 'integer VND' }) revenueVnd: number;
  @ApiProperty({ type: 'integer' }) units: number;
  @ApiProperty({ type: 'integer' }) orders: number;
}

export class SalesPeriodResponse extends TotalsResponse {
  @ApiProperty({ description: 'a day (2026-11-28), an ISO week (2026-W48) or a month (2026-11)' })
  period: string;
  @ApiProperty({ type: RevenueByMarketplace, description: 'revenue (integer VND) per marketplace' })
  byMarketplace: RevenueByMarketplace;
}

/** The province's series; a producer's adds its cooperativeId. */
export class SalesSeriesResponse {
  @ApiProperty({ format: 'date' }) from: string;
  @ApiProperty({ format: 'date' }) to: string;
  @ApiProperty({ enum: GRANULARITIES, enumName: 'Granularity' }) granularity: Granularity;
  @ApiProperty({ type: [SalesPeriodResponse] }) series: SalesPeriodResponse[];
  @ApiProperty({ type: TotalsResponse }) totals: TotalsResponse;
}

export class CooperativeSalesResponse extends SalesSeriesResponse {
  @ApiProperty({ format: 'uuid' }) cooperativeId: string;
}

export class WindowTotalsResponse extends TotalsResponse {
  @ApiProperty({ format: 'date' }) from: string;
  @ApiProperty({ format: 'date' }) to: string;
}

export class SalesGrowthResponse {
  @ApiProperty({ format: 'uuid' }) cooperativeId: string;
  @ApiProperty({ type: WindowTotalsResponse }) current: WindowTotalsResponse;
  @ApiProperty({ type: WindowTotalsResponse }) previous: WindowTotalsResponse;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'two decimals; null when the previous window sold nothing',
  })
  growthPct: number | null;
}

export class WindowResponse {
  @ApiProperty({ format: 'date' }) from: string;
  @ApiProperty({ format: 'date' }) to: string;
}

export class ProducerGrowthResponse {
  @ApiProperty({ format: 'uuid' }) cooperativeId: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: String, nullable: true }) district: string | null;
  @ApiProperty({ type: 'integer' }) currentRevenueVnd: number;
  @ApiProperty({ type: 'integer' }) previousRevenueVnd: number;
  @ApiProperty({ type: Number, nullable: true }) growthPct: number | null;
}

export class ProducersByGrowthResponse {
  @ApiProperty({ type: WindowResponse }) current: WindowResponse;
  @ApiProperty({ type: WindowResponse }) previous: WindowResponse;
  @ApiProperty({ type: [ProducerGrowthResponse] }) items: ProducerGrowthResponse[];
}

export class UpliftItemResponse {
  @ApiProperty({ format: 'uuid' }) productId: string;
  @ApiProperty({ format: 'uuid' }) cooperativeId: string;
  @ApiProperty({ format: 'uuid' }) certificateId: string;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 5 }) stars: number;
  @ApiProperty({ format: 'date' }) decidedAt: string;
  @ApiProperty({ type: 'integer' }) beforeRevenueVnd: number;
  @ApiProperty({ type: 'integer' }) afterRevenueVnd: number;
  @ApiProperty({ type: Number, nullable: true, description: 'null when nothing sold before' })
  upliftPct: number | null;
}

export class SpreadResponse {
  @ApiProperty({ type: 'integer' }) n: number;
  @ApiProperty({ type: Number, nullable: true }) medianPct: number | null;
  @ApiProperty({ type: Number, nullable: true }) p25Pct: number | null;
  @ApiProperty({ type: Number, nullable: true }) p75Pct: number | null;
}

export class UpliftByStarsResponse {
  @ApiProperty({ type: SpreadResponse }) '3': SpreadResponse;
  @ApiProperty({ type: SpreadResponse }) '4': SpreadResponse;
  @ApiProperty({ type: SpreadResponse }) '5': SpreadResponse;
}

export class UpliftSummaryResponse {
  @ApiProperty({ type: UpliftByStarsResponse }) byStars: UpliftByStarsResponse;
}

export class OcopUpliftResponse {
  @ApiProperty({ type: 'integer' }) windowDays: number;
  @ApiProperty({ type: [UpliftItemResponse] }) items: UpliftItemResponse[];
  @ApiProperty({ type: UpliftSummaryResponse }) summary: UpliftSummaryResponse;
}

export class ProvinceProductsResponse {
  @ApiProperty({ type: 'integer' }) certified: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    description: 'by stars ("3", "4", "5")',
  })
  byStars: Record<string, number>;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, description: 'by category slug' })
  byCategory: Record<string, number>;
  @ApiProperty({ type: Number, nullable: true }) teaSharePct: number | null;
}

export class ProvinceCooperativesResponse {
  @ApiProperty({ type: 'integer' }) total: number;
  @ApiProperty({ type: 'integer' }) withCertifiedProducts: number;
}

export class DistrictResponse {
  @ApiProperty({ type: String, nullable: true }) district: string | null;
  @ApiProperty({ type: 'integer' }) cooperatives: number;
  @ApiProperty({ type: 'integer' }) certified: number;
  @ApiProperty({ type: 'integer' }) revenueVnd: number;
}

export class ProvinceReportResponse {
  @ApiProperty({ format: 'date' }) asOf: string;
  @ApiProperty({ type: WindowResponse, description: 'the 365 days ending asOf' })
  revenueWindow: WindowResponse;
  @ApiProperty({ type: ProvinceProductsResponse }) products: ProvinceProductsResponse;
  @ApiProperty({ type: ProvinceCooperativesResponse }) cooperatives: ProvinceCooperativesResponse;
  @ApiProperty({ type: [DistrictResponse] }) byDistrict: DistrictResponse[];
  @ApiProperty({ type: RevenueByMarketplace, description: 'revenue (integer VND) per marketplace' })
  channelMix: RevenueByMarketplace;
}
