import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, mergeMap, type Observable } from 'rxjs';
import { ConnectorConfig } from '@ocop/common';
import { SPREADSHEET_MEDIA_TYPE } from '@ocop/catalogue';

/**
 * Every report answers JSON, CSV or an .xlsx workbook from one table definition (report-tables.ts):
 * typed columns with a Vietnamese and an English header, one row per entity.
 */

export const REPORT_FORMATS = ['json', 'csv', 'xlsx'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
export const REPORT_LANGS = ['vi', 'en'] as const;
export type ReportLang = (typeof REPORT_LANGS)[number];

/**
 * What a column holds, which decides how a spreadsheet shows it: `vnd` whole đồng, `percent` a
 * figure in percent (12.5 means 12.5 %), `integer` a count, `date` a calendar day (2026-11-28),
 * `period` a period of a series (2026-11-28, 2026-W48, 2026-11), `text` anything else — and the
 * only kind that can hold what a user typed.
 */
export type ColumnKind = 'text' | 'vnd' | 'percent' | 'integer' | 'date' | 'period';

export interface ReportColumn {
  vi: string;
  en: string;
  kind: ColumnKind;
}

export type ReportCell = string | number | null;

export interface ReportTable {
  columns: ReportColumn[];
  rows: ReportCell[][];
}

export interface ReportSheet extends ReportTable {
  /** the sheet's tab; Excel allows 31 characters and none of : \ / ? * [ ] */
  name: { vi: string; en: string };
}

/**
 * A report as files: `csv` is the one table the CSV holds, `sheets` the workbook's sheets (the
 * same table alone for most reports; the province report has several).
 */
export interface ReportFiles {
  /** without extension; ASCII */
  filename: string;
  csv: ReportTable;
  sheets: ReportSheet[];
}

/** What a table definition may need beside the answer: the language of words and category names. */
export interface ReportContext {
  lang: ReportLang;
  /** a category slug's name in the report's language (the slug itself when unknown) */
  categoryName(slug: string): string;
}

export type ReportDefinition<T> = (body: T, context: ReportContext) => ReportFiles;

const REPORT_DEFINITION = 'ocop:report-definition';

/** Says how a report's JSON answer reads as CSV and as a workbook (docs/api.md, "Report formats"). */
export const Report = <T>(definition: ReportDefinition<T>) => SetMetadata(REPORT_DEFINITION, definition);

type Request = Pick<FastifyRequest, 'query' | 'headers'>;

const acceptsType = (request: Request, type: string) =>
  new RegExp(`(^|,)\\s*${type.replace(/[./+]/g, '\\$&')}\\s*(;|,|$)`, 'i').test(request.headers.accept ?? '');

/**
 * The format asked for: `?format=` first, else the Accept header (an .xlsx workbook, then CSV),
 * else JSON. A `format` the query validation refuses never gets this far as an answer.
 */
export function formatOf(request: Request): ReportFormat {
  const format = (request.query as { format?: unknown } | undefined)?.format;
  if (format !== undefined)
    return (REPORT_FORMATS as readonly unknown[]).includes(format) ? (format as ReportFormat) : 'json';
  if (acceptsType(request, SPREADSHEET_MEDIA_TYPE)) return 'xlsx';
  if (acceptsType(request, 'text/csv')) return 'csv';
  return 'json';
}

export function langOf(request: Request): ReportLang {
  return (request.query as { lang?: unknown } | undefined)?.lang === 'en' ? 'en' : 'vi';
}

const PERIOD = /^\d{4}-(\d{2}(-\d{2})?|W\d{2})$/;

/**
 * The table as CSV text, headers in `lang`. A text cell that a spreadsheet would read as a formula
 * (it starts with =, +, -, @, tab or CR, or their full-width forms) gets a leading apostrophe, so a
 * producer named `=HYPERLINK(…)` shows as text instead of running when an officer opens the file.
 * Cells typed as numbers are figures this API computed (a growth of -12.5) and stay numbers. A
 * period is written `="2026-11"`: Excel, which opens a bare 2026-11 as the date 1/11/2026, keeps it
 * as the text it is; only a value of a period's exact shape is written so, never a user's text. A
 * UTF-8 byte order mark leads the file, or Excel reads Vietnamese names as mojibake.
 */
export function csvText(table: ReportTable, lang: ReportLang = 'vi'): string {
  const kinds = table.columns.map((c) => c.kind);
  return stringify([table.columns.map((c) => c[lang]), ...table.rows], {
    bom: true,
    escape_formulas: true,
    cast: {
      number: (value) => ({ value: String(value), escape_formulas: false }),
      string: (value, context) =>
        context.records > 0 && kinds[context.index] === 'period' && PERIOD.test(value)
          ? { value: `="${value}"`, escape_formulas: false }
          : value,
    },
  });
}

const NUMBER_FORMATS: Partial<Record<ColumnKind, string>> = {
  vnd: '#,##0 "₫"',
  percent: '0.00%',
  integer: '#,##0',
  date: 'dd/mm/yyyy',
};
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A cell as the workbook holds it: a percent as its fraction, a day as a real date. */
function workbookValue(kind: ColumnKind, cell: ReportCell): ExcelJS.CellValue {
  if (cell === null) return null;
  if (kind === 'percent' && typeof cell === 'number') return cell / 100;
  if (kind === 'date' && typeof cell === 'string') {
    const day = DATE.exec(cell);
    if (day) return new Date(Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3])));
  }
  return cell;
}

function widthOf(column: ReportColumn, lang: ReportLang, rows: ReportCell[][], index: number): number {
  const longest = rows.reduce((most, row) => Math.max(most, String(row[index] ?? '').length), 0);
  const shown = column.kind === 'vnd' ? longest + 4 : column.kind === 'date' ? 10 : longest;
  return Math.min(60, Math.max(8, column[lang].length, shown) + 2);
}

/**
 * The sheets as an .xlsx workbook: a bold, frozen header row, đồng as `1,250,000 ₫`, percents as
 * percent, days as dates shown dd/mm/yyyy. Every text cell is a string cell — exceljs writes a
 * formula only from a `{formula}` value, which no table makes — so a name such as `=HYPERLINK(…)`
 * reaches Excel as the words it is.
 */
export async function workbookBytes(sheets: ReportSheet[], lang: ReportLang = 'vi'): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'OCOP marketplace connector';
  for (const sheet of sheets) {
    const worksheet = workbook.addWorksheet(sheet.name[lang], { views: [{ state: 'frozen', ySplit: 1 }] });
    worksheet.columns = sheet.columns.map((column, index) => ({
      header: column[lang],
      width: widthOf(column, lang, sheet.rows, index),
      style: NUMBER_FORMATS[column.kind] ? { numFmt: NUMBER_FORMATS[column.kind] } : {},
    }));
    worksheet.getRow(1).font = { bold: true };
    for (const row of sheet.rows) {
      worksheet.addRow(row.map((cell, index) => workbookValue(sheet.columns[index]!.kind, cell)));
    }
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/**
 * Turns a report's JSON answer into CSV or a workbook when asked (every report file the API writes
 * goes through here), with a Content-Disposition naming the file.
 */
@Injectable()
export class ReportFormatInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly config: ConnectorConfig,
  ) {}

  private context(lang: ReportLang): ReportContext {
    const names = new Map(
      this.config.reference.categories.map((c) => [c.slug, lang === 'en' ? c.name : c.nameVi]),
    );
    return { lang, categoryName: (slug) => names.get(slug) ?? slug };
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const definition = this.reflector.get<ReportDefinition<unknown> | undefined>(
      REPORT_DEFINITION,
      context.getHandler(),
    );
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const format = formatOf(request);
    if (!definition || format === 'json') return next.handle();
    const lang = langOf(request);
    const reply = http.getResponse<FastifyReply>();
    return next.handle().pipe(
      mergeMap((body) => {
        const files = definition(body, this.context(lang));
        if (format === 'csv') {
          reply.header('content-type', 'text/csv; charset=utf-8');
          reply.header('content-disposition', `attachment; filename="${files.filename}.csv"`);
          return from([csvText(files.csv, lang)]);
        }
        return from(
          workbookBytes(files.sheets, lang).then((bytes) => {
            reply.header('content-type', SPREADSHEET_MEDIA_TYPE);
            reply.header('content-disposition', `attachment; filename="${files.filename}.xlsx"`);
            return bytes;
          }),
        );
      }),
    );
  }
}
