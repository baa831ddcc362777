import { applyDecorators, type Type } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiProperty, getSchemaPath } from '@nestjs/swagger';
import { SPREADSHEET_MEDIA_TYPE } from '@ocop/catalogue';
import { MARKETPLACES } from '@ocop/marketplaces';
import { GRANULARITIES, type Granularity } from './calendar';

/** The answers of the sales reports (sales-metrics.ts builds them), as the OpenAPI document describes them. */

/**
 * A report answers JSON, CSV (`?format=csv` or `Accept: text/csv`) or an .xlsx workbook
 * (`?format=xlsx` or the spreadsheet media type in Accept).
 */
export function ApiReport(report: Type<unknown>) {
  return applyDecorators(
    ApiExtraModels(report),
    ApiOkResponse({
      description:
        'The report; as CSV (UTF-8 with a byte order mark, one header row, one row per entity) or as an .xlsx workbook when asked for, as an attachment',
      content: {
        'application/json': { schema: { $ref: getSchemaPath(report) } },
        'text/csv': { schema: { type: 'string' } },
        [SPREADSHEET_MEDIA_TYPE]: { schema: { type: 'string', format: 'binary' } },
      },
    }),
  );
}

export class RevenueByMarketplace {
  @ApiProperty({ type: 'integer' }) sendo: number;
  @ApiProperty({ type: 'integer' }) voso: number;
  @ApiProperty({ type: 'integer' }) postmart: number;
  @ApiProperty({ type: 'integer' }) shopee: number;
  @ApiProperty({ type: 'integer' }) tiktok: number;
  @ApiProperty({ type: 'integer' }) lazada: number;
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

export class UpliftControlsResponse {
  @ApiProperty({ type: 'integer', description: 'products in the control group (0: none)' }) n: number;
  @ApiProperty({
    enum: ['district', 'category'],
    nullable: true,
    description:
      'district: products of the same category and district (used where at least 5 qualify); category: of the same category province-wide; null: none qualified',
  })
  scope: 'district' | 'category' | null;
  @ApiProperty({ type: 'integer', description: 'the controls’ pooled revenue in the window before' })
  beforeRevenueVnd: number;
  @ApiProperty({ type: 'integer', description: 'the controls’ pooled revenue in the window after' })
  afterRevenueVnd: number;
  @ApiProperty({ type: Number, nullable: true, description: 'the controls’ change, two decimals' })
  changePct: number | null;
  @ApiProperty({ type: String, nullable: true, description: 'why adjustedUpliftPct is null; else null' })
  reason: string | null;
}

export class UpliftItemResponse {
  @ApiProperty({ format: 'uuid' }) productId: string;
  @ApiProperty() productName: string;
  @ApiProperty({ format: 'uuid' }) cooperativeId: string;
  @ApiProperty() producerName: string;
  @ApiProperty({ type: String, nullable: true }) district: string | null;
  @ApiProperty({ description: 'category slug (GET /v1/reference/categories)' }) category: string;
  @ApiProperty({ format: 'uuid' }) certificateId: string;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 5 }) stars: number;
  @ApiProperty({ format: 'date' }) decidedAt: string;
  @ApiProperty({ type: 'integer' }) beforeRevenueVnd: number;
  @ApiProperty({ type: 'integer' }) afterRevenueVnd: number;
  @ApiProperty({ type: Number, nullable: true, description: 'null when nothing sold before' })
  upliftPct: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description:
      'difference-in-differences: the product’s change net of its control group’s (docs/ocop.md); null with controls.reason',
  })
  adjustedUpliftPct: number | null;
  @ApiProperty({ type: UpliftControlsResponse }) controls: UpliftControlsResponse;
}

export class IntervalResponse {
  @ApiProperty() low: number;
  @ApiProperty() high: number;
}

export class SpreadResponse {
  @ApiProperty({ type: 'integer' }) n: number;
  @ApiProperty({ type: Number, nullable: true }) medianPct: number | null;
  @ApiProperty({ type: Number, nullable: true }) p25Pct: number | null;
  @ApiProperty({ type: Number, nullable: true }) p75Pct: number | null;
}

export class UpliftSpreadResponse extends SpreadResponse {
  @ApiProperty({ type: 'integer', description: 'certificates with an adjusted figure' }) adjustedN: number;
  @ApiProperty({ type: Number, nullable: true, description: 'median adjustedUpliftPct' })
  adjustedMedian: number | null;
  @ApiProperty({
    type: IntervalResponse,
    nullable: true,
    description:
      'bootstrap 95 % interval of adjustedMedian (2,000 resamples, fixed seed: the same data gives the same interval)',
  })
  ci95: IntervalResponse | null;
}

export class UpliftByStarsResponse {
  @ApiProperty({ type: UpliftSpreadResponse }) '3': UpliftSpreadResponse;
  @ApiProperty({ type: UpliftSpreadResponse }) '4': UpliftSpreadResponse;
  @ApiProperty({ type: UpliftSpreadResponse }) '5': UpliftSpreadResponse;
}

export class UpliftSummaryResponse {
  @ApiProperty({ type: UpliftByStarsResponse }) byStars: UpliftByStarsResponse;
}

export class OcopUpliftResponse {
  @ApiProperty({ type: 'integer' }) windowDays: number;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description:
      'when the sales the control groups were summed from were read: at most UPLIFT_CONTROLS_TTL_SECONDS (60 s) before the answer; the raw figures are read for each answer. Null when no certificate was measured',
  })
  controlsAsOf: string | null;
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
