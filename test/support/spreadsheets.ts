import ExcelJS from 'exceljs';

/** The catalogue spreadsheet as the API reads it (docs/api.md, "Catalogue spreadsheets"). */
export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const HEADERS = [
  'Tên sản phẩm (product name)',
  'Danh mục (category)',
  'Mô tả (description)',
  'Ảnh (image URLs)',
  'Mã SKU (SKU code)',
  'Quy cách (pack)',
  'Giá bán (price, ₫)',
  'Khối lượng (g)',
  'Tồn kho (on hand)',
  'Tồn tối thiểu (safety stock)',
  'Trạng thái (status)',
];

export type Cell = ExcelJS.CellValue;

export async function workbook(rows: Cell[][], headers: string[] = HEADERS): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('Sản phẩm');
  sheet.addRow(headers);
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await book.xlsx.writeBuffer());
}

interface ExistingSku {
  code: string;
  name: string;
  priceVnd: number;
  weightGrams: number;
  onHand: number;
}

/**
 * Issue 14's acceptance file: 200 rows of which 3 are bad, at sheet rows 50 (no name), 120 (a
 * fraction of a đồng) and 201 (an unknown category). The product's first SKU is changed (price
 * 135.000 ₫, on hand 25), its second left as it is, and 195 new SKUs `<prefix>-<i>` make 20 honey
 * products (10 a product, price written "150.000", on hand i % 3, safety stock 1).
 */
export function twoHundredRows(existing: { name: string; skus: ExistingSku[] }, prefix: string): Cell[][] {
  const [e1, e2] = existing.skus;
  const same = (sku: ExistingSku, price = sku.priceVnd, onHand = sku.onHand): Cell[] => [
    existing.name,
    'tea',
    null,
    null,
    sku.code,
    sku.name,
    price,
    sku.weightGrams,
    onHand,
    0,
    'Đang bán',
  ];
  const rows: Cell[][] = [same(e1, 135000, 25), same(e2)];
  for (let i = 0; i < 195; i += 1) {
    rows.push([
      `Mật ong rừng ${prefix} ${Math.floor(i / 10)}`,
      i % 2 === 0 ? 'honey' : 'mật  ONG',
      'Mật ong hoa rừng',
      'https://example.vn/a.jpg\nhttps://example.vn/b.jpg',
      `${prefix}-${i}`,
      'Chai 500ml',
      '150.000',
      500,
      i % 3,
      1,
      null,
    ]);
  }
  rows.splice(48, 0, [null, 'honey', null, null, `${prefix}-bad-1`, 'Chai', 100000, 500, 1, 0, null]);
  rows.splice(118, 0, ['Mật ong lỗi', 'honey', null, null, `${prefix}-bad-2`, 'Chai', 1.5, 500, 1, 0, null]);
  rows.push([
    'Mật ong lỗi 3',
    'khong-co-danh-muc',
    null,
    null,
    `${prefix}-bad-3`,
    'Chai',
    100000,
    500,
    1,
    0,
    null,
  ]);
  return rows;
}
