import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { IsCalendarDate } from '@ocop/common';
import { GRANULARITIES, type Granularity } from './calendar';
import { REPORT_FORMATS, REPORT_LANGS, type ReportFormat, type ReportLang } from './report-format';

/**
 * Every report answers JSON, CSV (`?format=csv` or `Accept: text/csv`) or an .xlsx workbook
 * (`?format=xlsx` or the spreadsheet media type in Accept); the files' headers in `lang`.
 */
export class ReportQuery {
  @ApiPropertyOptional({
    enum: REPORT_FORMATS,
    default: 'json',
    description: 'wins over the Accept header',
  })
  @IsOptional()
  @IsIn(REPORT_FORMATS)
  format?: ReportFormat;

  @ApiPropertyOptional({
    enum: REPORT_LANGS,
    default: 'vi',
    description: 'language of the CSV and .xlsx headers and words (names stay as written)',
  })
  @IsOptional()
  @IsIn(REPORT_LANGS)
  lang?: ReportLang;
}

export class WindowQuery extends ReportQuery {
  @ApiPropertyOptional({ example: '2026-01-01', description: 'first day, included (Asia/Ho_Chi_Minh)' })
  @IsOptional()
  @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({ example: '2026-11-28', description: 'last day, included; default today' })
  @IsOptional()
  @IsCalendarDate()
  to?: string;
}

export class SalesQuery extends WindowQuery {
  @ApiPropertyOptional({ enum: GRANULARITIES, default: 'day' })
  @IsOptional()
  @IsIn(GRANULARITIES)
  granularity?: Granularity;
}

export class ProducersByGrowthQuery extends WindowQuery {
  @ApiPropertyOptional({ type: 'integer', default: 20, minimum: 1, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

export class UpliftQuery extends ReportQuery {
  @ApiPropertyOptional({ type: 'integer', default: 90, minimum: 1, maximum: 1095 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1095)
  windowDays?: number;

  @ApiPropertyOptional({ type: 'integer', enum: [3, 4, 5] })
  @IsOptional()
  @Type(() => Number)
  @IsIn([3, 4, 5])
  stars?: number;

  @ApiPropertyOptional({ example: 'Đại Từ', description: 'matched without accents or case' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  district?: string;
}

export class ProvinceQuery extends ReportQuery {
  @ApiPropertyOptional({ example: '2026-11-28', description: 'default today' })
  @IsOptional()
  @IsCalendarDate()
  asOf?: string;
}
