import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';
import { COLUMN_KEYS } from './spreadsheet-columns';

/** The answers of the spreadsheet routes, as the OpenAPI document describes them. */

export class SpreadsheetQuery {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'the cooperative; required for admins and officers, a cooperative’s own by default',
  })
  @IsOptional()
  @IsUUID()
  cooperativeId?: string;
}

/** A field's value: text, a whole number, or a list of image URLs; null where there was none. */
const changeValue = (description: string): ApiPropertyOptions =>
  ({
    description,
    // OpenAPI 3.0 allows `nullable` only beside a `type`: null is the text branch's
    oneOf: [
      { type: 'string', nullable: true },
      { type: 'integer' },
      { type: 'array', items: { type: 'string' } },
    ],
  }) as ApiPropertyOptions;

export class ImportFieldChange {
  @ApiProperty({ enum: COLUMN_KEYS.filter((k) => k !== 'skuCode'), enumName: 'ImportField' }) field: string;
  @ApiProperty(changeValue('the value now; null for a new product or SKU'))
  old: string | number | string[] | null;
  @ApiProperty(changeValue('the value the row sets'))
  new: string | number | string[] | null;
}

export class ImportCountsResponse {
  @ApiProperty({ type: 'integer' }) new: number;
  @ApiProperty({ type: 'integer' }) changed: number;
  @ApiProperty({ type: 'integer' }) unchanged: number;
  @ApiProperty({ type: 'integer' }) refused: number;
}

export class ImportRowResponse {
  @ApiProperty({ type: 'integer', description: 'the row’s number in the sheet (the header is row 1)' })
  row: number;
  @ApiProperty({ type: String, nullable: true }) skuCode: string | null;
  @ApiProperty({ type: String, nullable: true }) productName: string | null;
  @ApiProperty({ enum: ['new', 'changed', 'unchanged', 'refused'], enumName: 'ImportRowStatus' })
  status: 'new' | 'changed' | 'unchanged' | 'refused';
  @ApiProperty({
    type: [ImportFieldChange],
    description: 'what the row changes (old → new); for a new SKU every value it sets; empty when refused',
  })
  changes: ImportFieldChange[];
  @ApiPropertyOptional({ description: 'why the row is refused, in Vietnamese; only on refused rows' })
  reason?: string;
}

export class ImportPreviewResponse {
  @ApiProperty({ format: 'uuid', description: 'apply with POST /v1/catalogue/imports/{id}/apply' })
  id: string;
  @ApiProperty({ format: 'date-time', description: 'after this the preview can no longer be applied' })
  expiresAt: string;
  @ApiProperty({ type: ImportCountsResponse }) counts: ImportCountsResponse;
  @ApiProperty({ type: [ImportRowResponse], description: 'every data row of the sheet, in its order' })
  rows: ImportRowResponse[];
}

export class ImportAppliedResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'date-time' }) appliedAt: string;
  @ApiProperty({ type: ImportCountsResponse, description: 'the preview’s counts: what was applied' })
  counts: ImportCountsResponse;
}
