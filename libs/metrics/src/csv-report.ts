import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { stringify } from 'csv-stringify/sync';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { map, type Observable } from 'rxjs';

/** A report as a table: the header row, then one row per record. */
export interface CsvTable {
  filename: string;
  columns: string[];
  rows: (string | number | null)[][];
}

const CSV_TABLE = 'ocop:csv-table';

/** Says how a report's JSON answer reads as one CSV table (API.md: every report has a CSV form). */
export const CsvReport = <T>(toTable: (body: T) => CsvTable) => SetMetadata(CSV_TABLE, toTable);

/** CSV when the query says `format=csv`, or when it says nothing and the client accepts text/csv. */
export function wantsCsv(request: Pick<FastifyRequest, 'query' | 'headers'>): boolean {
  const format = (request.query as { format?: string } | undefined)?.format;
  if (format !== undefined) return format === 'csv';
  return /(^|,)\s*text\/csv\s*(;|,|$)/i.test(request.headers.accept ?? '');
}

/**
 * The table as CSV text. A text cell that a spreadsheet would read as a formula (it starts with
 * =, +, -, @, tab or CR, or their full-width forms) gets a leading apostrophe, so a producer named
 * `=HYPERLINK(…)` shows as text instead of running when an officer opens the file. Cells typed as
 * numbers are figures this API computed (a growth of -12.5) and stay numbers: only text, which can
 * come from a user, is neutralised. A UTF-8 byte order mark leads the file, or Excel — what
 * officers open it with — reads Vietnamese names as mojibake.
 */
export function csvText(table: Pick<CsvTable, 'columns' | 'rows'>): string {
  return stringify([table.columns, ...table.rows], {
    bom: true,
    escape_formulas: true,
    cast: { number: (value) => ({ value: String(value), escape_formulas: false }) },
  });
}

/**
 * Turns a report's JSON answer into CSV when asked (every CSV the API writes goes through here).
 */
@Injectable()
export class CsvReportInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const toTable = this.reflector.get<((body: unknown) => CsvTable) | undefined>(
      CSV_TABLE,
      context.getHandler(),
    );
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    if (!toTable || !wantsCsv(request)) return next.handle();
    const reply = http.getResponse<FastifyReply>();
    return next.handle().pipe(
      map((body) => {
        const table = toTable(body);
        reply.header('content-type', 'text/csv; charset=utf-8');
        reply.header('content-disposition', `attachment; filename="${table.filename}.csv"`);
        return csvText(table);
      }),
    );
  }
}
