import {
  catalogueMoved,
  type CellValue,
  type CurrentCatalogue,
  imageUrlsOf,
  previewImport,
  readRow,
  type SheetRow,
  wholeNumberOf,
} from './import-rows';
import { COLUMN_KEYS, type ColumnKey, columnOfHeader, readStatus } from './spreadsheet-columns';

const CATEGORIES = [
  { slug: 'tea', nameVi: 'Chè, trà' },
  { slug: 'honey', nameVi: 'Mật ong' },
];
const ALL = new Set<ColumnKey>(COLUMN_KEYS);

function row(n: number, cells: Partial<Record<ColumnKey, CellValue>>): SheetRow {
  return {
    row: n,
    cells: {
      productName: 'Chè tôm nõn',
      category: 'tea',
      skuCode: `SKU-${n}`,
      packName: 'Hộp 100g',
      priceVnd: 120000,
      weightGrams: 100,
      ...cells,
    },
  };
}

const empty: CurrentCatalogue = { products: [], skus: [] };
const catalogue: CurrentCatalogue = {
  products: [
    {
      id: 'p1',
      name: 'Chè tôm nõn',
      category: 'tea',
      description: null,
      imageUrls: [],
      status: 'active',
    },
  ],
  skus: [
    {
      id: 's1',
      productId: 'p1',
      code: 'OLD-1',
      name: 'Hộp 100g',
      priceVnd: 120000,
      weightGrams: 100,
      onHand: 10,
      reserved: 4,
      safetyStock: 0,
    },
  ],
};

describe('reading a row with the DTOs’ rules', () => {
  const problemsOf = (cells: Partial<Record<ColumnKey, CellValue>>) =>
    readRow(row(2, cells), ALL, CATEGORIES).problems;

  it('accepts a complete row', () => {
    const { values, problems } = readRow(
      row(2, { imageUrls: 'https://a.vn/1.jpg\nhttp://a.vn/2.jpg' }),
      ALL,
      CATEGORIES,
    );
    expect(problems).toEqual([]);
    expect(values).toMatchObject({
      productName: 'Chè tôm nõn',
      priceVnd: 120000,
      imageUrls: ['https://a.vn/1.jpg', 'http://a.vn/2.jpg'],
      description: null,
    });
  });

  it('names each refusal in Vietnamese', () => {
    expect(problemsOf({ productName: null })).toEqual(['Thiếu tên sản phẩm']);
    expect(problemsOf({ productName: '   ' })).toEqual(['Thiếu tên sản phẩm']);
    expect(problemsOf({ weightGrams: null })).toEqual(['Thiếu khối lượng']);
    expect(problemsOf({ priceVnd: 1.5 })).toEqual([
      'Giá bán phải là số nguyên đồng, không âm, không có phần lẻ',
    ]);
    expect(problemsOf({ priceVnd: -1 })).toEqual([
      'Giá bán phải là số nguyên đồng, không âm, không có phần lẻ',
    ]);
    expect(problemsOf({ priceVnd: 'một trăm' })).toEqual([
      'Giá bán phải là số nguyên đồng, không âm, không có phần lẻ',
    ]);
    expect(problemsOf({ weightGrams: 0 })).toEqual(['Khối lượng phải là số nguyên gam từ 1 đến 1.000.000']);
    expect(problemsOf({ category: 'rượu' })).toEqual(['Danh mục "rượu" không có trong danh sách danh mục']);
    expect(problemsOf({ imageUrls: 'ftp://a.vn/1.jpg' })).toEqual([
      'Ảnh phải là địa chỉ http:// hoặc https:// hợp lệ, tối đa 20 ảnh',
    ]);
    expect(problemsOf({ imageUrls: 'javascript:alert(1)' })).toHaveLength(1);
    expect(problemsOf({ skuCode: 'x'.repeat(65) })).toEqual(['Mã SKU tối đa 64 ký tự']);
    expect(problemsOf({ onHand: -3 })).toEqual(['Tồn kho phải là số nguyên từ 0 đến 10.000.000']);
    expect(problemsOf({ safetyStock: 2.5 })).toEqual(['Tồn tối thiểu phải là số nguyên từ 0 đến 10.000.000']);
    expect(problemsOf({ status: 'bán chạy' })).toEqual(['Trạng thái phải là "Đang bán" hoặc "Lưu trữ"']);
    expect(problemsOf({ priceVnd: { error: '#DIV/0!' } })).toEqual(['Giá bán: ô có lỗi #DIV/0!']);
    expect(problemsOf({ productName: null, priceVnd: 1.5 })).toHaveLength(2);
  });

  it('reads categories by slug or Vietnamese name, numbers as Vietnamese write them', () => {
    expect(readRow(row(2, { category: 'mat ONG' }), ALL, CATEGORIES).values.category).toBe('honey');
    expect(readRow(row(2, { priceVnd: '1.250.000 ₫' }), ALL, CATEGORIES).values.priceVnd).toBe(1250000);
    expect(readRow(row(2, { skuCode: 1001 }), ALL, CATEGORIES).values.skuCode).toBe('1001');
    expect(readRow(row(2, { status: 'lưu trữ' }), ALL, CATEGORIES).values.status).toBe('archived');
  });

  it('a column the sheet lacks is left alone; an empty optional cell keeps or clears', () => {
    const { values } = readRow(
      row(2, { onHand: null }),
      new Set<ColumnKey>(['skuCode', 'priceVnd', 'onHand']),
      CATEGORIES,
    );
    expect(values).toEqual({ skuCode: 'SKU-2', priceVnd: 120000 });
  });
});

describe('cell helpers', () => {
  it('reads whole numbers leniently but never guesses at fractions', () => {
    expect(wholeNumberOf('120.000')).toBe(120000);
    expect(wholeNumberOf('120,000')).toBe(120000);
    expect(wholeNumberOf('100 g')).toBe(100);
    expect(wholeNumberOf('1.5')).toBe('1.5');
    expect(wholeNumberOf(7)).toBe(7);
  });
  it('splits image addresses by lines, spaces or semicolons', () => {
    expect(imageUrlsOf('https://a/1.jpg, https://a/2.jpg;https://a/3.jpg\n')).toEqual([
      'https://a/1.jpg',
      'https://a/2.jpg',
      'https://a/3.jpg',
    ]);
  });
  it('knows a header by its Vietnamese or English words', () => {
    expect(columnOfHeader('Tên sản phẩm (product name)')).toBe('productName');
    expect(columnOfHeader('ten san pham')).toBe('productName');
    expect(columnOfHeader('SKU code')).toBe('skuCode');
    expect(columnOfHeader('Giá bán (price, ₫)')).toBe('priceVnd');
    expect(columnOfHeader('Ghi chú (notes)')).toBeUndefined();
    expect(readStatus('ACTIVE')).toBe('active');
  });
});

describe('the preview', () => {
  it('groups new SKUs of one new name into one new product', () => {
    const preview = previewImport([row(2, {}), row(3, { packName: 'Hộp 200g' })], ALL, empty, CATEGORIES);
    expect(preview.counts).toEqual({ new: 2, changed: 0, unchanged: 0, refused: 0 });
    expect(preview.plan.newProducts).toEqual([
      expect.objectContaining({ name: 'Chè tôm nõn', category: 'tea', status: 'active', imageUrls: [] }),
    ]);
    expect(preview.plan.newSkus.map((s) => s.product)).toEqual(['new:Chè tôm nõn', 'new:Chè tôm nõn']);
    expect(preview.plan.seen.newProductNames).toEqual(['Chè tôm nõn']);
  });

  it('joins a new SKU to the cooperative’s product of that name, and diffs an existing SKU', () => {
    const preview = previewImport(
      [row(2, { skuCode: 'OLD-1', priceVnd: 130000, onHand: 12 }), row(3, { skuCode: 'NEW-1' })],
      ALL,
      catalogue,
      CATEGORIES,
    );
    expect(preview.rows).toEqual([
      {
        row: 2,
        skuCode: 'OLD-1',
        productName: 'Chè tôm nõn',
        status: 'changed',
        changes: [
          { field: 'priceVnd', old: 120000, new: 130000 },
          { field: 'onHand', old: 10, new: 12 },
        ],
      },
      expect.objectContaining({ row: 3, status: 'new' }),
    ]);
    expect(preview.plan.newProducts).toEqual([]);
    expect(preview.plan.newSkus).toEqual([
      expect.objectContaining({ product: 'p1', code: 'NEW-1', onHand: 0 }),
    ]);
    expect(preview.plan.skuUpdates).toEqual([{ skuId: 's1', set: { priceVnd: 130000 }, onHand: 12 }]);
    expect(preview.plan.seen.products.map((p) => p.id)).toEqual(['p1']);
  });

  it('an exported row read back is unchanged', () => {
    const preview = previewImport(
      [
        row(2, {
          skuCode: 'OLD-1',
          onHand: 10,
          safetyStock: 0,
          status: 'Đang bán',
          description: null,
          imageUrls: null,
        }),
      ],
      ALL,
      catalogue,
      CATEGORIES,
    );
    expect(preview.rows[0]).toMatchObject({ status: 'unchanged', changes: [] });
    expect(preview.plan.skuUpdates).toEqual([]);
  });

  it('refuses every row of a code repeated in the file', () => {
    const preview = previewImport(
      [row(2, { skuCode: 'A' }), row(3, {}), row(4, { skuCode: 'A' })],
      ALL,
      empty,
      CATEGORIES,
    );
    expect(preview.rows.map((r) => r.status)).toEqual(['refused', 'new', 'refused']);
    expect(preview.rows[0]!.reason).toBe('Mã SKU A lặp lại trong file (các dòng 2, 4)');
  });

  it('refuses a row that says otherwise of a product than its first good row', () => {
    const preview = previewImport([row(2, {}), row(3, { category: 'honey' })], ALL, empty, CATEGORIES);
    expect(preview.rows[1]).toMatchObject({
      status: 'refused',
      reason: 'Danh mục khác với dòng 2 của cùng sản phẩm',
    });
    expect(preview.plan.newSkus).toHaveLength(1);
  });

  it('refuses on hand below what orders hold, and a new SKU the sheet lacks a required column for', () => {
    const below = previewImport([row(2, { skuCode: 'OLD-1', onHand: 3 })], ALL, catalogue, CATEGORIES);
    expect(below.rows[0]!.reason).toBe('Tồn kho 3 thấp hơn số đang giữ cho đơn hàng (4)');
    const partial = new Set<ColumnKey>(['skuCode', 'priceVnd']);
    const noWeight = previewImport([row(2, { skuCode: 'NEW' })], partial, catalogue, CATEGORIES);
    expect(noWeight.rows[0]!.reason).toMatch(/Thiếu tên sản phẩm \(file không có cột này\)/);
    // but a price-only sheet updates existing SKUs' prices
    const prices = previewImport(
      [row(2, { skuCode: 'OLD-1', priceVnd: 99000 })],
      partial,
      catalogue,
      CATEGORIES,
    );
    expect(prices.rows[0]).toMatchObject({
      status: 'changed',
      changes: [{ field: 'priceVnd', old: 120000, new: 99000 }],
    });
  });

  it('renames the SKU’s product when its row names it otherwise', () => {
    const preview = previewImport(
      [row(2, { skuCode: 'OLD-1', productName: 'Chè móc câu' })],
      ALL,
      catalogue,
      CATEGORIES,
    );
    expect(preview.plan.productUpdates).toEqual([{ productId: 'p1', set: { name: 'Chè móc câu' } }]);
    expect(preview.rows[0]!.changes).toEqual([
      { field: 'productName', old: 'Chè tôm nõn', new: 'Chè móc câu' },
    ]);
  });
});

describe('whether the catalogue moved since the preview', () => {
  const seen = previewImport(
    [row(2, { skuCode: 'OLD-1' }), row(3, { skuCode: 'NEW' })],
    ALL,
    catalogue,
    CATEGORIES,
  ).plan.seen;
  const still = { ...catalogue, takenCodes: [], takenNames: [] };

  it('no, when every value read is as it was', () => {
    expect(catalogueMoved(seen, still)).toBeUndefined();
  });
  it('yes, when a SKU, a product, a code or a name moved', () => {
    const sku = { ...catalogue.skus[0]!, onHand: 11 };
    expect(catalogueMoved(seen, { ...still, skus: [sku] })).toMatch(/OLD-1 changed/);
    const product = { ...catalogue.products[0]!, imageUrls: ['https://a/1.jpg'] };
    expect(catalogueMoved(seen, { ...still, products: [product] })).toMatch(/changed/);
    expect(catalogueMoved(seen, { ...still, skus: [] })).toMatch(/no longer exists/);
    expect(catalogueMoved(seen, { ...still, takenCodes: ['NEW'] })).toMatch(/NEW was created/);
  });
  it('an order reserving stock is not a change', () => {
    const sku = { ...catalogue.skus[0]!, reserved: 9 };
    expect(catalogueMoved(seen, { ...still, skus: [sku] })).toBeUndefined();
  });
});
