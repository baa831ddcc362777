import { ListingContent, MarketplaceError, StockPush } from '../port';
import {
  checkShopeeContent,
  shopeeAddItemBody,
  shopeeDimension,
  shopeeModelRef,
  shopeePublished,
  shopeeStockCalls,
  shopeeTierVariationBody,
  shopeeVariantId,
  shopeeWeightKg,
} from './shopee-mapping';

const variant = (skuCode: string, priceVnd: number, weightGrams: number, quantity = 5) => ({
  skuCode,
  name: skuCode.split('-')[1] ?? skuCode,
  priceVnd,
  weightGrams,
  quantity,
});

const content = (variants: ListingContent['variants']): ListingContent => ({
  productId: 'p1',
  name: 'Miến dong Việt Cường',
  description: 'Miến dong làm thủ công ở Đại Từ.',
  category: 'kho',
  imageUrls: ['https://example.com/1.jpg'],
  ocopStars: 4,
  variants,
});

describe('shopeeWeightKg and shopeeDimension', () => {
  it('turns catalogue grams into kilograms from whole grams', () => {
    expect(shopeeWeightKg(500)).toBe(0.5);
    expect(shopeeWeightKg(1250)).toBe(1.25);
    expect(shopeeWeightKg(99.6)).toBe(0.1);
    expect(shopeeWeightKg(0)).toBe(0);
  });

  it('rounds each side up to whole centimetres, at least 1', () => {
    expect(shopeeDimension({ lengthCm: 20, widthCm: 10.2, heightCm: 0.3 })).toEqual({
      package_length: 20,
      package_width: 11,
      package_height: 1,
    });
  });
});

describe('variant ids', () => {
  it('joins and splits item and model ids', () => {
    expect(shopeeVariantId(800000001, 0)).toBe('800000001:0');
    expect(shopeeModelRef('800000001:10000000002')).toEqual({ itemId: 800000001, modelId: 10000000002 });
    for (const id of ['800000001', 'a:1', '1:2:3', '']) expect(shopeeModelRef(id)).toBeNull();
  });
});

describe('checkShopeeContent', () => {
  it('refuses more than 50 variants, more than 9 images and a price spread over 5 times', () => {
    const many = Array.from({ length: 51 }, (_, i) => variant(`S-${i}`, 10_000, 100));
    expect(() => checkShopeeContent(content(many))).toThrow(MarketplaceError);
    expect(() =>
      checkShopeeContent({ ...content([variant('A-1', 1, 1)]), imageUrls: Array(10).fill('u') }),
    ).toThrow(expect.objectContaining({ kind: 'permanent', options: { code: 'too_many_images' } }));
    expect(() => checkShopeeContent(content([variant('A-1', 10_000, 1), variant('A-2', 50_001, 1)]))).toThrow(
      expect.objectContaining({ options: { code: 'price_spread' } }),
    );
    expect(() =>
      checkShopeeContent(content([variant('A-1', 10_000, 1), variant('A-2', 50_000, 1)])),
    ).not.toThrow();
  });
});

describe('shopeeAddItemBody and shopeeTierVariationBody', () => {
  const parcel = { lengthCm: 20, widthCm: 10, heightCm: 8 };

  it('lists a single SKU as the item itself, weight in kg and the OCOP badge in the name', () => {
    const body = shopeeAddItemBody(
      content([variant('TRA-500', 120_000.4, 500, 40)]),
      100712,
      ['img1'],
      [50021],
      parcel,
    );
    expect(body).toEqual({
      item_name: 'Miến dong Việt Cường · OCOP 4★',
      description: 'Miến dong làm thủ công ở Đại Từ.',
      original_price: 120_000,
      weight: 0.5,
      dimension: { package_length: 20, package_width: 10, package_height: 8 },
      category_id: 100712,
      image: { image_id_list: ['img1'] },
      logistic_info: [{ logistic_id: 50021, enabled: true }],
      item_sku: 'TRA-500',
      seller_stock: [{ stock: 40 }],
    });
  });

  it('gives an item with variants the cheapest price and the heaviest weight, its models the rest', () => {
    const sizes = content([variant('BUN-200', 30_000, 200, 10), variant('BUN-1000', 100_000, 1000, 3)]);
    const body = shopeeAddItemBody(sizes, 1, ['img'], [1], parcel);
    expect(body).toMatchObject({ original_price: 30_000, weight: 1, seller_stock: [{ stock: 0 }] });
    // the first SKU, so that a repeated publish is refused before a second item exists
    expect(body.item_sku).toBe('BUN-200');
    expect(shopeeTierVariationBody(800000001, sizes)).toEqual({
      item_id: 800000001,
      tier_variation: [{ name: 'Phân loại', option_list: [{ option: '200' }, { option: '1000' }] }],
      model: [
        { tier_index: [0], original_price: 30_000, model_sku: 'BUN-200', seller_stock: [{ stock: 10 }] },
        { tier_index: [1], original_price: 100_000, model_sku: 'BUN-1000', seller_stock: [{ stock: 3 }] },
      ],
    });
  });
});

describe('shopeePublished', () => {
  it('maps a single SKU to model 0 and variants to their model ids', () => {
    expect(shopeePublished(content([variant('TRA-500', 1, 1)]), { item_id: 800000001 })).toEqual({
      externalId: '800000001',
      variantIds: { 'TRA-500': '800000001:0' },
    });
    const sizes = content([variant('BUN-200', 1, 1), variant('BUN-500', 1, 1)]);
    expect(
      shopeePublished(
        sizes,
        { item_id: 7 },
        {
          model: [
            { model_id: 11, model_sku: 'BUN-200' },
            { model_id: 12, model_sku: 'BUN-500' },
          ],
        },
      ),
    ).toEqual({ externalId: '7', variantIds: { 'BUN-200': '7:11', 'BUN-500': '7:12' } });
    expect(shopeePublished(sizes, { item_id: 7 })).toBeNull();
    expect(shopeePublished(sizes, { item_id: '7' }, { model: [] })).toBeNull();
  });
});

describe('shopeeStockCalls', () => {
  const push = (externalId: string, variantId: string, quantity: number): StockPush => ({
    externalId,
    skuCode: variantId,
    variantId,
    quantity,
    idempotencyKey: `${variantId}:${quantity}`,
  });

  it('makes one call per item of at most 50 entries, and sets apart pushes it cannot address', () => {
    const pushes = [
      ...Array.from({ length: 51 }, (_, i) => push('7', `7:${100 + i}`, i)),
      push('8', '8:0', -3),
      push('9', '8:1', 1),
      push('9', 'SKU-1', 1),
    ];
    const { calls, unaddressable } = shopeeStockCalls(pushes);
    expect(calls.map((call) => [call.body.item_id, call.body.stock_list.length])).toEqual([
      [7, 50],
      [7, 1],
      [8, 1],
    ]);
    expect(calls[0].body.stock_list[0]).toEqual({ model_id: 100, seller_stock: [{ stock: 0 }] });
    expect(calls[2].body.stock_list[0]).toEqual({ model_id: 0, seller_stock: [{ stock: 0 }] });
    expect(calls[1].pushes.map((p) => p.variantId)).toEqual(['7:150']);
    expect(unaddressable.map((p) => p.variantId)).toEqual(['8:1', 'SKU-1']);
  });
});
