import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiCaller, ApiErrors, ParseIdPipe } from '@ocop/common';
import { CurrentPrincipal, Roles, type Principal } from '@ocop/auth';
import { CatalogueSpreadsheets } from './catalogue-spreadsheets.service';
import { SPREADSHEET_MEDIA_TYPE } from './catalogue-workbook';
import { ImportAppliedResponse, ImportPreviewResponse, SpreadsheetQuery } from './spreadsheet-responses';

/** The one route that takes a spreadsheet as its body (the API's content-type parser checks it). */
export const SPREADSHEET_UPLOAD_ROUTE = '/v1/catalogue/imports';

const WORKBOOK = { [SPREADSHEET_MEDIA_TYPE]: { schema: { type: 'string', format: 'binary' } } };

function sendWorkbook(reply: FastifyReply, filename: string, bytes: Buffer): Buffer {
  void reply.header('content-type', SPREADSHEET_MEDIA_TYPE);
  void reply.header('content-disposition', `attachment; filename="${filename}"`);
  return bytes;
}

@ApiTags('Catalogue spreadsheets')
@ApiCaller()
@Controller('v1/catalogue')
export class SpreadsheetsController {
  constructor(private readonly spreadsheets: CatalogueSpreadsheets) {}

  @Get('export.xlsx')
  @ApiOperation({ summary: 'The catalogue as an .xlsx workbook, one row per SKU (Vietnamese headers)' })
  @ApiOkResponse({ description: 'The workbook, as an attachment', content: WORKBOOK })
  @ApiErrors(
    { 400: 'validation_failed: an admin or officer named no cooperativeId, or it is not a UUID' },
    { 404: 'No such cooperative, or another cooperative’s' },
  )
  async exportCatalogue(
    @CurrentPrincipal() who: Principal,
    @Query() query: SpreadsheetQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    const { filename, bytes } = await this.spreadsheets.exportCatalogue(who.scope, query.cooperativeId);
    return sendWorkbook(reply, filename, bytes);
  }

  @Get('template.xlsx')
  @ApiOperation({ summary: 'A blank import template with a sheet of instructions and the categories' })
  @ApiOkResponse({ description: 'The workbook, as an attachment', content: WORKBOOK })
  async template(@Res({ passthrough: true }) reply: FastifyReply): Promise<Buffer> {
    return sendWorkbook(reply, 'mau-nhap-san-pham.xlsx', await this.spreadsheets.template());
  }

  @Post('imports')
  @Roles('admin', 'cooperative')
  @ApiOperation({
    summary:
      'Upload an .xlsx: a preview of every row (new, changed, unchanged, refused); nothing is written yet',
  })
  @ApiConsumes(SPREADSHEET_MEDIA_TYPE)
  @ApiBody({
    description: 'the .xlsx file itself, at most 5 MiB',
    schema: { type: 'string', format: 'binary' },
  })
  @ApiCreatedResponse({ type: ImportPreviewResponse, description: 'The stored preview, valid for an hour' })
  @ApiErrors(
    {
      400: 'The file is not an .xlsx workbook, is damaged, has no SKU code column, more than 5,000 rows, too many cells or decompresses too large; or cooperativeId is missing (admins) or not a UUID',
    },
    403,
    { 404: 'No such cooperative, or another cooperative’s' },
    { 413: 'The file is larger than 5 MiB' },
    { 415: 'The body is not sent as application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
  )
  preview(
    @CurrentPrincipal() who: Principal,
    @Query() query: SpreadsheetQuery,
    @Body() body: unknown,
  ): Promise<ImportPreviewResponse> {
    return this.spreadsheets.preview(who.scope, query.cooperativeId, body, who.actor);
  }

  @Post('imports/:id/apply')
  @Roles('admin', 'cooperative')
  @HttpCode(200)
  @ApiOperation({ summary: 'Apply a preview’s rows that were not refused, all in one transaction or none' })
  @ApiOkResponse({ type: ImportAppliedResponse })
  @ApiErrors(
    403,
    { 404: 'No such import, or another cooperative’s' },
    {
      409: 'Applied already, expired, or the catalogue changed since the preview (nothing was written)',
    },
  )
  apply(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseIdPipe) id: string,
  ): Promise<ImportAppliedResponse> {
    return this.spreadsheets.apply(who.scope, id, who.actor);
  }
}
