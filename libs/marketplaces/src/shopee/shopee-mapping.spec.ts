import { ListingContent, MarketplaceError, StockPush } from '../port';
import {
  checkShopeeContent,
  shopeeAddItemBody,
  shopeeDimension,
  shopeeEntryFailures,
  shopeeFailure,
  shopeeGrant,
  shopeeImageIds,
  shopeeImageUpload,
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

  it('describes a product the seller has not described by its title, as Shopee takes no empty description', () => {
    const bare = { ...content([variant('TRA-500', 120_000, 500, 40)]), description: ' ' };
    const body = shopeeAddItemBody(bare, 1, ['img'], [1], parcel);
    expect(body.description).toBe(body.item_name);
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

describe('shopeeFailure', () => {
  it('reads success, the refused token, a wrong key, throttling, server trouble and refused data', () => {
    expect(shopeeFailure(200, { error: '', message: '', response: {} })).toBeNull();
    expect(shopeeFailure(403, { error: 'error_auth', message: 'Invalid access_token.' })).toMatchObject({
      kind: 'auth',
      message: 'Invalid access_token.',
      options: { code: 'error_auth', status: 403, marketplace: 'shopee' },
    });
    expect(shopeeFailure(403, { error: 'error_sign', message: 'Wrong sign.' })).toMatchObject({
      kind: 'auth',
    });
    expect(shopeeFailure(429, { error: 'error_rate_limit', message: 'slow down' })).toMatchObject({
      kind: 'retryable',
      options: { retryAfterMs: 1000 },
    });
    expect(shopeeFailure(500, { error: 'error_server', message: 'x' })?.kind).toBe('retryable');
    expect(shopeeFailure(200, { error: 'error_param', message: 'Invalid timestamp' })?.kind).toBe(
      'retryable',
    );
    // Shopee's own words, which the engine reads to adopt the product holding a SKU
    expect(
      shopeeFailure(200, { error: 'error_param', message: 'SKU A-1 already belongs to product 8' }),
    ).toMatchObject({ kind: 'permanent', message: 'SKU A-1 already belongs to product 8' });
    expect(shopeeFailure(200, 'not json')).toMatchObject({
      kind: 'retryable',
      options: { code: 'unreadable' },
    });
  });
});

describe('shopeeGrant', () => {
  it('dates the access token by expire_in and the refresh token 30 days from receipt', () => {
    const at = Date.UTC(2026, 11, 1);
    expect(shopeeGrant({ access_token: 'a', refresh_token: 'r', expire_in: 14400 }, at)).toEqual({
      accessToken: 'a',
      refreshToken: 'r',
      accessExpiresAt: new Date(at + 14_400_000),
      refreshExpiresAt: new Date(at + 30 * 86_400_000),
    });
    expect(shopeeGrant({ access_token: 'a', expire_in: 14400 }, at)).toBeNull();
    expect(shopeeGrant({ access_token: 'a', refresh_token: 'r', expire_in: 0 }, at)).toBeNull();
  });
});

describe('shopeeImageUpload and shopeeImageIds', () => {
  it('sends every file as an `image` part, in order', () => {
    const upload = shopeeImageUpload(
      [
        { bytes: Buffer.from('PNG1'), contentType: 'image/png' },
        { bytes: Buffer.from('JPG2'), contentType: 'image/jpeg' },
      ],
      'b0',
    );
    expect(upload.contentType).toBe('multipart/form-data; boundary=b0');
    const text = upload.body.toString('utf8');
    expect(text.match(/name="image"/g)).toHaveLength(2);
    expect(text.indexOf('PNG1')).toBeLessThan(text.indexOf('JPG2'));
    expect(text.endsWith('--b0--\r\n')).toBe(true);
  });

  it("reads Shopee's current list, and the spec's single image_info only for one file", () => {
    const info = (id: string) => ({ image_id: id, image_url_list: [] });
    const both = {
      image_info: info('one'),
      image_info_list: [
        { id: 0, error: '', image_info: info('one') },
        { id: 1, error: '', image_info: info('two') },
      ],
    };
    expect(shopeeImageIds(both, 2)).toEqual(['one', 'two']);
    expect(shopeeImageIds({ image_info: info('one') }, 1)).toEqual(['one']);
    expect(shopeeImageIds({ image_info: info('one') }, 2)).toBeNull();
    expect(shopeeImageIds({ image_info_list: [{ id: 0, error: 'bad', message: 'x' }] }, 1)).toBeNull();
  });
});

describe('shopeeEntryFailures', () => {
  it('names each refused model; a busy system is retryable, anything else permanent', () => {
    const failures = shopeeEntryFailures({
      success_list: [{ model_id: 1, stock: 3 }],
      failure_list: [
        { model_id: 2, failed_reason: 'Model 2 not found in this item.' },
        { model_id: 3, failed_reason: 'System busy, please retry.' },
      ],
    });
    expect([...failures.keys()]).toEqual([2, 3]);
    expect(failures.get(2)).toMatchObject({ kind: 'permanent', message: 'Model 2 not found in this item.' });
    expect(failures.get(3)?.kind).toBe('retryable');
    expect(shopeeEntryFailures(undefined).size).toBe(0);
  });
});
