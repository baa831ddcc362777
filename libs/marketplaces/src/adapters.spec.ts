import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { categoryCode } from './adapter-support';
import { categoryCodesFrom, createAdapters } from './adapters';
import { MarketplaceError } from './port';
import { CODES } from './test-content';

describe('createAdapters', () => {
  it('gives one adapter per marketplace with its stock batch cap', () => {
    const adapters = createAdapters(CODES);
    expect(Object.keys(adapters).sort()).toEqual(['lazada', 'postmart', 'sendo', 'shopee', 'tiktok', 'voso']);
    expect(adapters.sendo.stockBatchSize).toBe(50);
    expect(adapters.voso.stockBatchSize).toBe(100);
    expect(adapters.postmart.stockBatchSize).toBe(1);
    expect(adapters.sendo.stockBatchUnit).toBe('product');
    expect(adapters.voso.stockBatchUnit).toBe('sku');
    expect(adapters.postmart.stockBatchUnit).toBe('sku');
    // Lazada: 50 SKUs of any products a call
    expect(adapters.lazada.stockBatchSize).toBe(50);
    expect(adapters.lazada.stockBatchUnit).toBe('sku');
    for (const [name, adapter] of Object.entries(adapters)) expect(adapter.marketplace).toBe(name);
  });
});

describe('categoryCodesFrom', () => {
  it('reads the committed reference data', () => {
    const file = join(__dirname, '..', '..', '..', 'config', 'reference', 'categories.json');
    const { categories } = JSON.parse(readFileSync(file, 'utf8'));
    const codes = categoryCodesFrom(categories);
    expect(codes.tea).toMatchObject({ sendo: 2318, voso: 'THUC_PHAM_CHE', postmart: 'food-tea' });
    expect(typeof codes.tea.lazada).toBe('number');
  });

  it('refuses a category without codes', () => {
    expect(() => categoryCodesFrom([{ slug: 'tea' }])).toThrow(/tea/);
    expect(() =>
      categoryCodesFrom([{ slug: 'tea', marketplaces: { sendo: 1, voso: '', postmart: 'x' } }]),
    ).toThrow();
  });
});

describe('categoryCode', () => {
  it('is a permanent error for an unknown slug', () => {
    expect(categoryCode(CODES, 'tea', 'voso')).toBe('THUC_PHAM_CHE');
    let caught: unknown;
    try {
      categoryCode(CODES, 'wine', 'sendo');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(MarketplaceError);
    expect(caught).toMatchObject({ kind: 'permanent', options: { code: 'unknown_category' } });
  });
});
