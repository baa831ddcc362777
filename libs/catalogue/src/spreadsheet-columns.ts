import { foldVietnamese } from '@ocop/common';

/**
 * The catalogue's spreadsheet (issue 14, "Spreadsheet import/export"): one row per SKU, the
 * product's fields repeated on each of its SKUs' rows. The export, the blank template and the
 * import read and write these columns; headers are Vietnamese first, English in parentheses.
 */
export const COLUMN_KEYS = [
  'productName',
  'category',
  'description',
  'imageUrls',
  'skuCode',
  'packName',
  'priceVnd',
  'weightGrams',
  'onHand',
  'safetyStock',
  'status',
] as const;
export type ColumnKey = (typeof COLUMN_KEYS)[number];

export interface Column {
  key: ColumnKey;
  vi: string;
  en: string;
  width: number;
  /** What the instructions sheet says of the column, in Vietnamese. */
  help: string;
}

export const COLUMNS: readonly Column[] = [
  {
    key: 'productName',
    vi: 'Tên sản phẩm',
    en: 'product name',
    width: 36,
    help:
      'Bắt buộc. Các dòng có cùng tên sản phẩm (mã SKU mới) được gộp vào một sản phẩm; nếu hợp tác xã đã có ' +
      'sản phẩm trùng tên, mã SKU mới được thêm vào sản phẩm đó. Với mã SKU đã có, đổi tên ở đây là đổi tên sản phẩm.',
  },
  {
    key: 'category',
    vi: 'Danh mục',
    en: 'category',
    width: 18,
    help: 'Bắt buộc. Mã danh mục hoặc tên danh mục tiếng Việt, xem bảng danh mục bên dưới.',
  },
  {
    key: 'description',
    vi: 'Mô tả',
    en: 'description',
    width: 40,
    help: 'Không bắt buộc, tối đa 20.000 ký tự. Để trống là xoá mô tả.',
  },
  {
    key: 'imageUrls',
    vi: 'Ảnh',
    en: 'image URLs',
    width: 40,
    help: 'Không bắt buộc. Địa chỉ ảnh bắt đầu bằng http:// hoặc https://, mỗi ảnh một dòng trong ô (hoặc cách nhau bằng dấu cách), tối đa 20 ảnh.',
  },
  {
    key: 'skuCode',
    vi: 'Mã SKU',
    en: 'SKU code',
    width: 20,
    help: 'Bắt buộc, tối đa 64 ký tự, không trùng trong file. Mã đã có trong hợp tác xã: cập nhật SKU đó; mã mới: tạo SKU mới.',
  },
  {
    key: 'packName',
    vi: 'Quy cách',
    en: 'pack',
    width: 16,
    help: 'Bắt buộc, tối đa 200 ký tự, ví dụ "Hộp 100g".',
  },
  {
    key: 'priceVnd',
    vi: 'Giá bán',
    en: 'price, ₫',
    width: 14,
    help: 'Bắt buộc. Số nguyên đồng, không âm, không có phần lẻ, ví dụ 120000.',
  },
  {
    key: 'weightGrams',
    vi: 'Khối lượng',
    en: 'g',
    width: 12,
    help: 'Bắt buộc. Khối lượng đóng gói, số nguyên gam từ 1 đến 1.000.000.',
  },
  {
    key: 'onHand',
    vi: 'Tồn kho',
    en: 'on hand',
    width: 12,
    help:
      'Không bắt buộc. Số nguyên từ 0 đến 10.000.000. Để trống: SKU mới có tồn kho 0, SKU đã có giữ nguyên. ' +
      'Thay đổi được ghi vào lịch sử kho như một lần kiểm kê "Nhập từ Excel"; không được thấp hơn số đang giữ cho đơn hàng.',
  },
  {
    key: 'safetyStock',
    vi: 'Tồn tối thiểu',
    en: 'safety stock',
    width: 14,
    help: 'Không bắt buộc. Số nguyên từ 0 đến 10.000.000. Để trống: SKU mới là 0, SKU đã có giữ nguyên.',
  },
  {
    key: 'status',
    vi: 'Trạng thái',
    en: 'status',
    width: 14,
    help: 'Không bắt buộc: "Đang bán" (active) hoặc "Lưu trữ" (archived). Để trống: sản phẩm mới đang bán, sản phẩm đã có giữ nguyên.',
  },
];

export const headerOf = (column: Column): string => `${column.vi} (${column.en})`;

/** The words the sheet uses for a product's status, and what each is read as (folded). */
export const STATUS_WORDS = { active: 'Đang bán', archived: 'Lưu trữ' } as const;

export function readStatus(text: string): 'active' | 'archived' | undefined {
  const folded = foldVietnamese(text);
  if (folded === 'active' || folded === foldVietnamese(STATUS_WORDS.active)) return 'active';
  if (folded === 'archived' || folded === foldVietnamese(STATUS_WORDS.archived)) return 'archived';
  return undefined;
}

/**
 * Which column a header cell names: its Vietnamese part (before the parenthesis) or its English
 * part, ignoring case, marks and spacing, so "ten san pham" and "Tên sản phẩm (product name)" both
 * name the product's name.
 */
export function columnOfHeader(header: string): ColumnKey | undefined {
  const match = /^([^(]*)(?:\((.*)\))?\s*$/s.exec(header.trim());
  const vi = foldVietnamese(match?.[1] ?? header);
  const en = foldVietnamese(match?.[2] ?? '');
  return (
    COLUMNS.find((c) => foldVietnamese(c.vi) === vi)?.key ??
    COLUMNS.find((c) => vi !== '' && foldVietnamese(c.en) === vi)?.key ??
    COLUMNS.find((c) => en !== '' && foldVietnamese(c.en) === en)?.key
  );
}
