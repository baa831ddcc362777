import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { foldVietnamese } from '@ocop/common';
import { SkuInput, UpdateProductBody, UpdateSkuBody } from './dto';
import type { ProductStatus } from './entities';
import { COLUMNS, type ColumnKey, readStatus, STATUS_WORDS } from './spreadsheet-columns';

/**
 * The rules of a catalogue import (issue 14), as plain functions: a sheet's rows, read cell by cell,
 * checked with the very DTO classes the product and SKU routes validate with (so the two can never
 * disagree on what a valid price or image URL is), and compared with the cooperative's catalogue
 * into a preview (what each row would do) and a plan (the writes, and the values they were
 * computed from). No I/O here: the service loads and stores.
 */

/** A cell as read from the sheet: formulas already replaced by their cached result. */
export type CellValue = string | number | boolean | Date | null | { error: string };

export interface SheetRow {
  /** the row's number in the sheet (the header is row 1) */
  row: number;
  cells: Partial<Record<ColumnKey, CellValue>>;
}

export interface CurrentProduct {
  id: string;
  name: string;
  category: string;
  description: string | null;
  imageUrls: string[];
  status: ProductStatus;
}

export interface CurrentSku {
  id: string;
  productId: string;
  code: string;
  name: string;
  priceVnd: number;
  weightGrams: number;
  onHand: number;
  reserved: number;
  safetyStock: number;
}

/** A cooperative's catalogue; products oldest first (a new SKU joins the oldest of a name). */
export interface CurrentCatalogue {
  products: CurrentProduct[];
  skus: CurrentSku[];
}

export interface CategoryChoice {
  slug: string;
  nameVi: string;
}

export type ChangeValue = string | number | string[] | null;
export interface FieldChange {
  field: Exclude<ColumnKey, 'skuCode'>;
  old: ChangeValue;
  new: ChangeValue;
}

export type RowStatus = 'new' | 'changed' | 'unchanged' | 'refused';
export interface PreviewRow {
  row: number;
  skuCode: string | null;
  productName: string | null;
  status: RowStatus;
  changes: FieldChange[];
  reason?: string;
}
export interface ImportCounts {
  new: number;
  changed: number;
  unchanged: number;
  refused: number;
}

export interface ProductFields {
  name: string;
  category: string;
  description: string | null;
  imageUrls: string[];
  status: ProductStatus;
}
type SkuFields = Pick<CurrentSku, 'name' | 'priceVnd' | 'weightGrams' | 'safetyStock'>;

/** The writes an import makes, and what it read, stored with the preview until it is applied. */
export interface ImportPlan {
  newProducts: ({ ref: string } & ProductFields)[];
  productUpdates: { productId: string; set: Partial<ProductFields> }[];
  /** `product`: an existing product's id, or the `ref` of one of newProducts */
  newSkus: ({ product: string; code: string; onHand: number } & SkuFields)[];
  skuUpdates: { skuId: string; set: Partial<SkuFields>; onHand?: number }[];
  /** the values the preview saw, which must still hold when it is applied */
  seen: {
    products: CurrentProduct[];
    skus: Omit<CurrentSku, 'reserved'>[];
    /** codes the import creates, which must still be free */
    newCodes: string[];
    /** names the import creates products of, which no product may have taken meanwhile */
    newProductNames: string[];
  };
}

export interface ImportPreview {
  rows: PreviewRow[];
  counts: ImportCounts;
  plan: ImportPlan;
}

/** What a row says, each field undefined when the sheet gives nothing for it. */
interface RowValues {
  productName?: string;
  category?: string;
  description?: string | null;
  imageUrls?: string[];
  skuCode?: string;
  packName?: string;
  priceVnd?: number;
  weightGrams?: number;
  onHand?: number;
  safetyStock?: number;
  status?: ProductStatus;
}

const LABEL: Record<ColumnKey, string> = Object.fromEntries(COLUMNS.map((c) => [c.key, c.vi])) as Record<
  ColumnKey,
  string
>;

/** What a refused value must be, per field, as the DTOs' rules say it (issue 14: reasons in Vietnamese). */
const MUST_BE: Partial<Record<ColumnKey, string>> = {
  productName: 'Tên sản phẩm tối đa 300 ký tự',
  description: 'Mô tả tối đa 20.000 ký tự',
  imageUrls: 'Ảnh phải là địa chỉ http:// hoặc https:// hợp lệ, tối đa 20 ảnh',
  skuCode: 'Mã SKU tối đa 64 ký tự',
  packName: 'Quy cách tối đa 200 ký tự',
  priceVnd: 'Giá bán phải là số nguyên đồng, không âm, không có phần lẻ',
  weightGrams: 'Khối lượng phải là số nguyên gam từ 1 đến 1.000.000',
  onHand: 'Tồn kho phải là số nguyên từ 0 đến 10.000.000',
  safetyStock: 'Tồn tối thiểu phải là số nguyên từ 0 đến 10.000.000',
  status: `Trạng thái phải là "${STATUS_WORDS.active}" hoặc "${STATUS_WORDS.archived}"`,
};

const REQUIRED_FOR_NEW: ColumnKey[] = ['productName', 'category', 'packName', 'priceVnd', 'weightGrams'];
/** An empty cell in these columns is refused; in the others it keeps (or clears) the value. */
const REQUIRED: ColumnKey[] = ['skuCode', ...REQUIRED_FOR_NEW];

const isError = (value: CellValue): value is { error: string } =>
  typeof value === 'object' && value !== null && !(value instanceof Date);

/** A cell as text: numbers as typed (a SKU code 1001), dates as YYYY-MM-DD; empty as undefined. */
function textOf(value: CellValue): string | undefined {
  if (value === null || isError(value)) return undefined;
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  // PostgreSQL stores neither NUL nor half a UTF-16 pair in text
  const text = String(value).toWellFormed().replaceAll('\u0000', '\uFFFD').trim();
  return text === '' ? undefined : text;
}

/**
 * A cell meant as a whole number: a number, or text such as "120.000", "120,000 ₫" or "100 g"
 * (Vietnamese groups thousands with dots). Anything else goes to the validator as it is, which
 * refuses it as not a whole number.
 */
export function wholeNumberOf(value: CellValue): unknown {
  if (typeof value !== 'string') return value;
  const bare = value.replace(/\s+/g, '').replace(/(₫|đ|vnd|vnđ|g)$/i, '');
  if (/^\d{1,3}([.,]\d{3})+$/.test(bare)) return Number(bare.replace(/[.,]/g, ''));
  if (/^-?\d+$/.test(bare)) return Number(bare);
  return value;
}

/** Image addresses in one cell: one a line, or separated by spaces or semicolons. */
export function imageUrlsOf(text: string): string[] {
  return text
    .split(/[\s;]+/)
    .map((url) => url.replace(/,+$/, ''))
    .filter(Boolean);
}

function validationProblems(errors: ValidationError[], fieldOf: Record<string, ColumnKey>): ColumnKey[] {
  return errors.map((error) => fieldOf[error.property]).filter((key): key is ColumnKey => key !== undefined);
}

/** Reads one row and checks each value it gives with the DTOs' rules; problems in Vietnamese. */
export function readRow(
  sheetRow: SheetRow,
  present: ReadonlySet<ColumnKey>,
  categories: readonly CategoryChoice[],
): { values: RowValues; problems: string[] } {
  const problems: string[] = [];
  const values: RowValues = {};
  const refused = new Set<ColumnKey>();
  for (const column of COLUMNS) {
    const key = column.key;
    if (!present.has(key)) continue;
    const cell = sheetRow.cells[key] ?? null;
    if (isError(cell)) {
      problems.push(`${LABEL[key]}: ô có lỗi ${cell.error}`);
      refused.add(key);
      continue;
    }
    const text = textOf(cell);
    if (text === undefined) {
      if (REQUIRED.includes(key)) {
        problems.push(`Thiếu ${LABEL[key].toLowerCase()}`);
        refused.add(key);
      }
      if (key === 'description') values.description = null;
      if (key === 'imageUrls') values.imageUrls = [];
      continue;
    }
    switch (key) {
      case 'productName':
        values.productName = text;
        break;
      case 'skuCode':
        values.skuCode = text;
        break;
      case 'packName':
        values.packName = text;
        break;
      case 'description':
        values.description = text;
        break;
      case 'imageUrls':
        values.imageUrls = imageUrlsOf(text);
        break;
      case 'category': {
        const folded = foldVietnamese(text);
        const found = categories.find((c) => c.slug === text || foldVietnamese(c.nameVi) === folded);
        if (found) values.category = found.slug;
        else {
          problems.push(`Danh mục "${text}" không có trong danh sách danh mục`);
          refused.add(key);
        }
        break;
      }
      case 'status': {
        const status = readStatus(text);
        if (status) values.status = status;
        else {
          problems.push(MUST_BE.status!);
          refused.add(key);
        }
        break;
      }
      default:
        (values as Record<string, unknown>)[key] = wholeNumberOf(cell);
    }
  }
  // the product and SKU routes' own rules, on the values the row gives
  const options = { skipMissingProperties: true, forbidUnknownValues: false };
  const failed = [
    ...validationProblems(
      validateSync(
        plainToInstance(UpdateProductBody, {
          name: values.productName,
          description: values.description ?? undefined,
          imageUrls: values.imageUrls,
        }),
        options,
      ),
      { name: 'productName', description: 'description', imageUrls: 'imageUrls' },
    ),
    ...validationProblems(
      validateSync(
        plainToInstance(SkuInput, {
          code: values.skuCode,
          name: values.packName,
          priceVnd: values.priceVnd,
          weightGrams: values.weightGrams,
          onHand: values.onHand,
        }),
        options,
      ),
      {
        code: 'skuCode',
        name: 'packName',
        priceVnd: 'priceVnd',
        weightGrams: 'weightGrams',
        onHand: 'onHand',
      },
    ),
    ...validationProblems(
      validateSync(plainToInstance(UpdateSkuBody, { safetyStock: values.safetyStock }), options),
      { safetyStock: 'safetyStock' },
    ),
  ];
  for (const key of new Set(failed)) {
    if (refused.has(key)) continue;
    problems.push(MUST_BE[key]!);
    delete values[key];
  }
  return { values, problems };
}

const same = (a: ChangeValue | undefined, b: ChangeValue | undefined) =>
  JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

const PRODUCT_FIELDS: [Exclude<ColumnKey, 'skuCode'>, keyof ProductFields][] = [
  ['productName', 'name'],
  ['category', 'category'],
  ['description', 'description'],
  ['imageUrls', 'imageUrls'],
  ['status', 'status'],
];
const SKU_FIELDS: [Exclude<ColumnKey, 'skuCode'>, keyof SkuFields][] = [
  ['packName', 'name'],
  ['priceVnd', 'priceVnd'],
  ['weightGrams', 'weightGrams'],
  ['safetyStock', 'safetyStock'],
];

interface Read {
  sheetRow: number;
  values: RowValues;
  problems: string[];
  sku?: CurrentSku;
  /** the product the row belongs to: an existing id, or `new:<name>` */
  target?: string;
}

/**
 * The preview of an import: every row new, changed (with old → new per field), unchanged or
 * refused (with why), and the plan that applies the rows that are not refused.
 */
export function previewImport(
  sheetRows: readonly SheetRow[],
  present: ReadonlySet<ColumnKey>,
  current: CurrentCatalogue,
  categories: readonly CategoryChoice[],
): ImportPreview {
  const skuByCode = new Map(current.skus.map((s) => [s.code, s]));
  const productById = new Map(current.products.map((p) => [p.id, p]));
  const productByName = new Map<string, CurrentProduct>();
  for (const p of current.products) if (!productByName.has(p.name)) productByName.set(p.name, p);

  const reads: Read[] = sheetRows.map((r) => ({ sheetRow: r.row, ...readRow(r, present, categories) }));

  // a code twice in the file is ambiguous: every row holding it is refused
  const rowsByCode = new Map<string, number[]>();
  for (const read of reads) {
    const code = read.values.skuCode;
    if (code !== undefined) rowsByCode.set(code, [...(rowsByCode.get(code) ?? []), read.sheetRow]);
  }
  for (const read of reads) {
    const rows = read.values.skuCode === undefined ? [] : rowsByCode.get(read.values.skuCode)!;
    if (rows.length > 1) {
      read.problems.push(`Mã SKU ${read.values.skuCode} lặp lại trong file (các dòng ${rows.join(', ')})`);
    }
  }

  for (const read of reads) {
    const { values } = read;
    read.sku = values.skuCode === undefined ? undefined : skuByCode.get(values.skuCode);
    if (read.sku) {
      read.target = read.sku.productId;
      if (values.onHand !== undefined && values.onHand < read.sku.reserved) {
        read.problems.push(
          `Tồn kho ${values.onHand} thấp hơn số đang giữ cho đơn hàng (${read.sku.reserved})`,
        );
      }
    } else {
      for (const key of REQUIRED_FOR_NEW) {
        if (!present.has(key))
          read.problems.push(`Thiếu ${LABEL[key].toLowerCase()} (file không có cột này)`);
      }
      if (values.productName !== undefined) {
        read.target = productByName.get(values.productName)?.id ?? `new:${values.productName}`;
      }
    }
  }

  // a product's fields are repeated on each of its rows: the first good row says them, a later
  // row that says otherwise is refused rather than silently overriding or being overridden
  const anchors = new Map<string, Read>();
  for (const read of reads) {
    if (read.problems.length > 0 || read.target === undefined) continue;
    const anchor = anchors.get(read.target);
    if (!anchor) {
      anchors.set(read.target, read);
      continue;
    }
    for (const [column] of PRODUCT_FIELDS) {
      const mine = read.values[column as keyof RowValues] as ChangeValue | undefined;
      const theirs = anchor.values[column as keyof RowValues] as ChangeValue | undefined;
      if (mine !== undefined && theirs !== undefined && !same(mine, theirs)) {
        read.problems.push(`${LABEL[column]} khác với dòng ${anchor.sheetRow} của cùng sản phẩm`);
      }
    }
  }

  const plan: ImportPlan = {
    newProducts: [],
    productUpdates: [],
    newSkus: [],
    skuUpdates: [],
    seen: { products: [], skus: [], newCodes: [], newProductNames: [] },
  };
  const productChanges = new Map<string, FieldChange[]>();
  for (const [target, anchor] of anchors) {
    const existing = productById.get(target);
    const changes: FieldChange[] = [];
    const set: Partial<ProductFields> = {};
    for (const [column, field] of PRODUCT_FIELDS) {
      const given = anchor.values[column as keyof RowValues] as ChangeValue | undefined;
      if (given === undefined) continue;
      const old = existing ? (existing[field] as ChangeValue) : null;
      if (existing && same(old, given)) continue;
      changes.push({ field: column, old, new: given });
      (set as Record<string, unknown>)[field] = given;
    }
    productChanges.set(target, changes);
    if (existing) {
      plan.seen.products.push(existing);
      if (Object.keys(set).length > 0) plan.productUpdates.push({ productId: existing.id, set });
    } else {
      const name = anchor.values.productName!;
      plan.seen.newProductNames.push(name);
      plan.newProducts.push({
        ref: target,
        name,
        category: anchor.values.category!,
        description: anchor.values.description ?? null,
        imageUrls: anchor.values.imageUrls ?? [],
        status: anchor.values.status ?? 'active',
      });
    }
  }

  const rows: PreviewRow[] = [];
  const counts: ImportCounts = { new: 0, changed: 0, unchanged: 0, refused: 0 };
  for (const read of reads) {
    const { values, sku } = read;
    const base = {
      row: read.sheetRow,
      skuCode: values.skuCode ?? null,
      productName: values.productName ?? null,
    };
    if (read.problems.length > 0) {
      counts.refused += 1;
      rows.push({ ...base, status: 'refused', changes: [], reason: read.problems.join('; ') });
      continue;
    }
    const changes = [...productChanges.get(read.target!)!];
    const set: Partial<SkuFields> = {};
    for (const [column, field] of SKU_FIELDS) {
      const given = values[column as keyof RowValues] as number | string | undefined;
      if (given === undefined) continue;
      const old = sku ? sku[field] : null;
      if (sku && same(old, given)) continue;
      changes.push({ field: column, old, new: given });
      (set as Record<string, unknown>)[field] = given;
    }
    const onHandChanged =
      values.onHand !== undefined && (sku ? values.onHand !== sku.onHand : values.onHand > 0);
    if (onHandChanged) changes.push({ field: 'onHand', old: sku ? sku.onHand : null, new: values.onHand! });
    if (sku) {
      const { reserved: _reserved, ...seen } = sku;
      plan.seen.skus.push(seen);
      if (Object.keys(set).length > 0 || onHandChanged) {
        plan.skuUpdates.push({ skuId: sku.id, set, ...(onHandChanged ? { onHand: values.onHand } : {}) });
      }
      const status = changes.length > 0 ? 'changed' : 'unchanged';
      counts[status] += 1;
      rows.push({ ...base, status, changes });
    } else {
      plan.seen.newCodes.push(values.skuCode!);
      plan.newSkus.push({
        product: read.target!,
        code: values.skuCode!,
        name: values.packName!,
        priceVnd: values.priceVnd!,
        weightGrams: values.weightGrams!,
        safetyStock: values.safetyStock ?? 0,
        onHand: values.onHand ?? 0,
      });
      counts.new += 1;
      rows.push({ ...base, status: 'new', changes });
    }
  }
  return { rows, counts, plan };
}

/**
 * Why the catalogue no longer is what a preview saw, or undefined when it still is: any field of
 * a product or SKU the preview compared with, a code it would create now taken, a name it would
 * create a product of now used.
 */
export function catalogueMoved(
  seen: ImportPlan['seen'],
  now: { products: CurrentProduct[]; skus: CurrentSku[]; takenCodes: string[]; takenNames: string[] },
): string | undefined {
  const products = new Map(now.products.map((p) => [p.id, p]));
  for (const before of seen.products) {
    const after = products.get(before.id);
    if (!after) return `a product of the import (${before.name}) no longer exists`;
    for (const field of ['name', 'category', 'description', 'imageUrls', 'status'] as const) {
      if (!same(before[field], after[field])) return `the product ${before.name} changed since the preview`;
    }
  }
  const skus = new Map(now.skus.map((s) => [s.id, s]));
  for (const before of seen.skus) {
    const after = skus.get(before.id);
    if (!after) return `the SKU ${before.code} no longer exists`;
    for (const field of [
      'code',
      'productId',
      'name',
      'priceVnd',
      'weightGrams',
      'onHand',
      'safetyStock',
    ] as const) {
      if (before[field] !== after[field]) return `the SKU ${before.code} changed since the preview`;
    }
  }
  if (now.takenCodes.length > 0) return `the SKU code ${now.takenCodes[0]} was created since the preview`;
  if (now.takenNames.length > 0) return `a product named ${now.takenNames[0]} was created since the preview`;
  return undefined;
}
