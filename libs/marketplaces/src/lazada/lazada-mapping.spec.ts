import {
  LAZADA_DEFAULT_PACKAGE_CM,
  lazadaBlamedSku,
  lazadaFailure,
  lazadaGrant,
  lazadaHostedImage,
  lazadaImagePayload,
  lazadaPackageWeightKg,
  lazadaProductPayload,
  lazadaPublished,
  lazadaSkuPackage,
  lazadaStockPayload,
} from './lazada-mapping';

describe('Lazada-style package figures', () => {
  it('writes grams as kilograms without losing a gram', () => {
    expect(lazadaPackageWeightKg(500)).toBe(0.5);
    expect(lazadaPackageWeightKg(1250)).toBe(1.25);
    expect(lazadaPackageWeightKg(1)).toBe(0.001);
    expect(lazadaPackageWeightKg(99.6)).toBe(0.1);
  });

  it('declares whole centimetres, at least 1, and a small parcel when none is given', () => {
    expect(lazadaSkuPackage(250, { length: 12.4, width: 0.2, height: 30 })).toEqual({
      package_weight: 0.25,
      package_length: 12,
      package_width: 1,
      package_height: 30,
    });
    expect(lazadaSkuPackage(250)).toEqual({
      package_weight: 0.25,
      package_length: LAZADA_DEFAULT_PACKAGE_CM.length,
      package_width: LAZADA_DEFAULT_PACKAGE_CM.width,
      package_height: LAZADA_DEFAULT_PACKAGE_CM.height,
    });
  });
});

describe('Lazada-style payloads and answers', () => {
  const content = {
    productId: 'p',
    name: 'Chè  tôm nõn',
    description: 'Chè <ngon> & thơm',
    category: 'tea',
    imageUrls: [],
    ocopStars: 5,
    variants: [
      { skuCode: 'T-100', name: 'Gói 100 g', priceVnd: 120_000.4, weightGrams: 100, quantity: 3.7 },
      { skuCode: 'T-500', name: 'Hộp 500 g', priceVnd: 550_000, weightGrams: 500, quantity: -2 },
    ],
  };

  it('sends every SKU in one product payload, with the badge, kilograms, whole dong and a sale property', () => {
    const payload = JSON.parse(lazadaProductPayload(content, 10002, ['https://h/1.jpg'], '77'));
    expect(payload.Request.Product).toMatchObject({
      ItemId: '77',
      PrimaryCategory: 10002,
      Images: { Image: ['https://h/1.jpg'] },
      Attributes: { name: 'Chè tôm nõn · OCOP 5★', description: 'Chè <ngon> & thơm' },
    });
    expect(payload.Request.Product.Skus.Sku).toEqual([
      expect.objectContaining({
        SellerSku: 'T-100',
        price: 120_000,
        quantity: 3,
        package_weight: 0.1,
        saleProp: { variation: 'Gói 100 g' },
      }),
      expect.objectContaining({ SellerSku: 'T-500', quantity: 0, package_weight: 0.5 }),
    ]);
    const single = JSON.parse(lazadaProductPayload({ ...content, variants: [content.variants[0]] }, 1, []));
    expect(single.Request.Product.ItemId).toBeUndefined();
    expect(single.Request.Product.Skus.Sku[0].saleProp).toBeUndefined();
  });

  it('names each stock SKU by item, SKU id and seller SKU, escaped for XML', () => {
    expect(
      lazadaStockPayload([
        { externalId: '1', skuCode: 'A&B', variantId: '2', quantity: 4.9, idempotencyKey: 'k' },
      ]),
    ).toBe(
      '<Request><Product><Skus><Sku><ItemId>1</ItemId><SkuId>2</SkuId><SellerSku>A&amp;B</SellerSku>' +
        '<Quantity>4</Quantity></Sku></Skus></Product></Request>',
    );
    expect(lazadaImagePayload('https://x/a.jpg?a=1&b=<2>')).toBe(
      '<Request><Image><Url>https://x/a.jpg?a=1&amp;b=&lt;2&gt;</Url></Image></Request>',
    );
  });

  it('reads the ids a create answers with, numbers as strings; anything else is unreadable', () => {
    expect(
      lazadaPublished({ item_id: 2001, sku_list: [{ seller_sku: 'T-100', sku_id: 3001, shop_sku: 'x' }] }),
    ).toEqual({ externalId: '2001', variantIds: { 'T-100': '3001' } });
    expect(lazadaPublished({ item_id: 2001 })).toBeNull();
    expect(lazadaPublished({ item_id: 'x', sku_list: [] })).toBeNull();
    expect(lazadaHostedImage({ image: { url: 'https://h/1.jpg' } })).toBe('https://h/1.jpg');
    expect(lazadaHostedImage({})).toBeNull();
  });

  it('reads errors inside 200 bodies by their code', () => {
    expect(lazadaFailure(200, { code: '0', data: {} })).toBeNull();
    expect(lazadaFailure(200, { type: 'ISV', code: 'IllegalAccessToken', message: 'expired' })).toMatchObject(
      {
        kind: 'auth',
        options: { code: 'IllegalAccessToken', status: 200, marketplace: 'lazada' },
      },
    );
    expect(lazadaFailure(200, { type: 'ISV', code: 'IncompleteSignature' })?.kind).toBe('auth');
    expect(lazadaFailure(200, { type: 'ISV', code: 'ApiCallLimit', message: 'banned' })).toMatchObject({
      kind: 'retryable',
      options: { retryAfterMs: 1000 },
    });
    expect(
      lazadaFailure(200, {
        code: 'ApiCallLimit',
        message: 'The request has exceeded the limit, ban will last 60 seconds',
      })?.options.retryAfterMs,
    ).toBe(60_000);
    expect(lazadaFailure(200, { type: 'ISP', code: 'ServiceTimeout' })?.kind).toBe('retryable');
    expect(lazadaFailure(200, { type: 'ISP', code: 'SomethingNew' })?.kind).toBe('retryable');
    expect(
      lazadaFailure(200, { type: 'ISV', code: '204', message: 'SellerSku X: SKU not found' }),
    ).toMatchObject({
      kind: 'permanent',
      message: 'SellerSku X: SKU not found',
    });
    expect(lazadaFailure(200, { code: 'E0004', message: 'not live' })?.kind).toBe('permanent');
    expect(lazadaFailure(502, '<html>')).toMatchObject({
      kind: 'retryable',
      options: { code: 'unreadable' },
    });
  });

  it('finds the seller SKU a refused stock call blames', () => {
    expect(lazadaBlamedSku({ code: '204', detail: [{ field: 'SellerSku', seller_sku: 'A-1' }] })).toBe('A-1');
    expect(lazadaBlamedSku({ code: 'InvalidParameter', message: 'SellerSku B-2: Quantity must be …' })).toBe(
      'B-2',
    );
    expect(lazadaBlamedSku({ code: 'ServiceTimeout', message: 'timeout' })).toBeNull();
  });

  it('reads a token answer as a grant dated from now, and the seller it names', () => {
    const now = Date.parse('2026-12-01T00:00:00Z');
    const read = lazadaGrant(
      {
        code: '0',
        access_token: 'a',
        refresh_token: 'r',
        expires_in: 604_800,
        refresh_expires_in: 2_592_000,
        country_user_info_list: [{ country: 'vn', seller_id: '100123', user_id: '1' }],
      },
      now,
    );
    expect(read).toEqual({
      grant: {
        accessToken: 'a',
        refreshToken: 'r',
        accessExpiresAt: new Date(now + 604_800_000),
        refreshExpiresAt: new Date(now + 2_592_000_000),
      },
      sellerId: '100123',
    });
    expect(lazadaGrant({ code: '0', access_token: 'a' }, now)).toBeNull();
  });
});
