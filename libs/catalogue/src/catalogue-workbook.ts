import ExcelJS from 'exceljs';
import { BadRequest } from '@ocop/common';
import type { CellValue, SheetRow } from './import-rows';
import { COLUMNS, type ColumnKey, columnOfHeader, headerOf } from './spreadsheet-columns';
import { checkWorkbookArchive } from './xlsx-archive';

/**
 * The catalogue as an .xlsx workbook, written and read with exceljs. exceljs has no formula
 * engine: a formula cell is read as the result Excel cached when it saved the file, never
 * computed here. Text is written as text cells (never formulas), so a name such as
 * "=HYPERLINK(…)" reaches Excel as the words it is.
 */

export const SPREADSHEET_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const MAX_SPREADSHEET_BYTES = 5 * 1024 * 1024;
/** More data rows than this is not a cooperative's catalogue (the largest hold a few hundred SKUs). */
export const MAX_IMPORT_ROWS = 5000;
export const CATALOGUE_SHEET = 'Sản phẩm (products)';
export const INSTRUCTIONS_SHEET = 'Hướng dẫn (instructions)';

export type ExportRow = Record<ColumnKey, string | number | null>;

export interface CategoryLine {
  slug: string;
  nameVi: string;
  nameEn: string;
}

function catalogueSheet(workbook: ExcelJS.Workbook): ExcelJS.Worksheet {
  const sheet = workbook.addWorksheet(CATALOGUE_SHEET, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = COLUMNS.map((c) => ({ header: headerOf(c), key: c.key, width: c.width }));
  sheet.getRow(1).font = { bold: true };
  for (const key of ['priceVnd', 'weightGrams', 'onHand', 'safetyStock'] as const) {
    sheet.getColumn(key).numFmt = '#,##0';
  }
  sheet.getColumn('imageUrls').alignment = { wrapText: true, vertical: 'top' };
  return sheet;
}

async function bytesOf(workbook: ExcelJS.Workbook): Promise<Buffer> {
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** The catalogue, one row per SKU. */
export async function catalogueWorkbook(rows: readonly ExportRow[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = catalogueSheet(workbook);
  for (const row of rows) sheet.addRow(row);
  return bytesOf(workbook);
}

/** The headers without rows, and a sheet that explains each column and lists the categories. */
export async function templateWorkbook(categories: readonly CategoryLine[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  catalogueSheet(workbook);
  const help = workbook.addWorksheet(INSTRUCTIONS_SHEET);
  help.columns = [{ width: 30 }, { width: 40 }, { width: 40 }];
  help.addRow(['Cột (column)', 'Hướng dẫn (instructions)']).font = { bold: true };
  for (const column of COLUMNS) help.addRow([headerOf(column), column.help]);
  help.getColumn(2).alignment = { wrapText: true, vertical: 'top' };
  help.addRow([]);
  help.addRow([
    'Mỗi dòng là một mã SKU. Các cột sản phẩm (tên, danh mục, mô tả, ảnh, trạng thái) lặp lại trên mọi dòng của ' +
      'cùng sản phẩm và phải giống nhau. Tải file lên để xem trước; chỉ khi bấm áp dụng thì mọi thay đổi mới được lưu, ' +
      'tất cả cùng lúc hoặc không gì cả.',
  ]);
  help.addRow([]);
  help.addRow(['Danh mục (category)', 'Tên danh mục (name)', 'English']).font = { bold: true };
  for (const c of categories) help.addRow([c.slug, c.nameVi, c.nameEn]);
  return bytesOf(workbook);
}

/** A cell's value as the import reads it: a formula as its cached result, rich text as its text. */
export function cellValueOf(value: ExcelJS.CellValue | undefined): CellValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (value instanceof Date) return value;
  if ('error' in value) return { error: String(value.error) };
  if ('formula' in value || 'sharedFormula' in value) {
    const result = (value as { result?: unknown }).result;
    if (result === undefined)
      return { error: 'là công thức chưa có giá trị (mở và lưu lại file trong Excel)' };
    return cellValueOf(result as ExcelJS.CellValue);
  }
  if ('richText' in value) return value.richText.map((part) => part.text).join('');
  if ('hyperlink' in value) return cellValueOf(value.text as ExcelJS.CellValue);
  return { error: 'không đọc được' };
}

const isBlank = (value: CellValue) => value === null || (typeof value === 'string' && value.trim() === '');

export interface CatalogueSheet {
  /** the columns the header row names */
  present: Set<ColumnKey>;
  rows: SheetRow[];
}

function headerColumns(sheet: ExcelJS.Worksheet): Map<number, ColumnKey> {
  const columns = new Map<number, ColumnKey>();
  sheet.getRow(1).eachCell((cell, number) => {
    const text = cellValueOf(cell.value);
    const key = typeof text === 'string' ? columnOfHeader(text) : undefined;
    if (key === undefined) return;
    if ([...columns.values()].includes(key)) {
      throw new BadRequest(
        `Cột "${text}" xuất hiện hai lần ở dòng 1 (a column appears twice in the header row)`,
      );
    }
    columns.set(number, key);
  });
  return columns;
}

/** Reads the catalogue sheet of an uploaded workbook; a file that is not one is a 400. */
export async function readCatalogueWorkbook(bytes: Buffer): Promise<CatalogueSheet> {
  checkWorkbookArchive(bytes);
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    throw new BadRequest('The file is not a readable .xlsx workbook: save it again from Excel as .xlsx');
  }
  const sheets = workbook.worksheets.map((sheet) => ({ sheet, columns: headerColumns(sheet) }));
  const found = sheets.find((s) => [...s.columns.values()].includes('skuCode'));
  if (!found) {
    throw new BadRequest(
      'Không tìm thấy cột "Mã SKU (SKU code)" ở dòng 1 của trang tính nào (no sheet has a SKU code column in its first row): dùng file mẫu',
    );
  }
  const rows: SheetRow[] = [];
  found.sheet.eachRow({ includeEmpty: false }, (row, number) => {
    if (number === 1) return;
    const cells: SheetRow['cells'] = {};
    let blank = true;
    for (const [column, key] of found.columns) {
      const value = cellValueOf(row.getCell(column).value);
      cells[key] = value;
      if (!isBlank(value)) blank = false;
    }
    if (blank) return;
    if (rows.length >= MAX_IMPORT_ROWS) {
      throw new BadRequest(
        `The sheet has more than ${MAX_IMPORT_ROWS} rows (Trang tính có quá ${MAX_IMPORT_ROWS} dòng): split it`,
      );
    }
    rows.push({ row: number, cells });
  });
  return { present: new Set(found.columns.values()), rows };
}
