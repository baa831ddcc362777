import { push, teaContent } from '../test-content';
import {
  sendoDelistItem,
  sendoFailure,
  sendoProductBody,
  sendoProductId,
  sendoProductSku,
  sendoTokenLifetimeMs,
  sendoTokenShopId,
  sendoRefusal,
  SENDO_REVIEW_RETRY_MS,
  sendoStockCalls,
  sendoSoldOutCalls,
  sendoNeedsUnavailable,
} from './sendo-mapping';

describe('sendoProductBody', () => {
  it('maps a 3-SKU product to a config-variant product', () => {
    const body = sendoProductBody(0, teaContent(), 2318);
    expect(body).toEqual({
      id: 0,
      name: 'Chè tôm nõn Hảo Đạt · OCOP 5★',
      sku: sendoProductSku('7f1c2f2e-0000-4000-8000-000000000001'),
      price: 99_000,
      cat_4_id: 2318,
      description: 'Chè Tân Cương, Thái Nguyên',
      weight: 500,
      avatar: { picture_url: 'https://img.example/1.jpg' },
      pictures: [{ picture_url: 'https://img.example/2.jpg' }],
      stock_quantity: 12,
      stock_availability: true,
      is_config_variant: true,
      variants: [
        { variant_sku: 'CHE-100', variant_price: 120_000, variant_quantity: 5 },
        { variant_sku: 'CHE-200', variant_price: 220_000, variant_quantity: 0 },
        { variant_sku: 'CHE-500', variant_price: 99_000, variant_quantity: 7 },
      ],
    });
  });

  it('updates by number, drops the badge without a certificate, and is unavailable at zero stock', () => {
    const content = teaContent({ ocopStars: null, imageUrls: [] });
    content.variants.forEach((variant) => (variant.quantity = 0));
    const body = sendoProductBody(10_000_001, content, 2318);
    expect(body.id).toBe(10_000_001);
    expect(body.name).toBe('Chè tôm nõn Hảo Đạt');
    expect(body.stock_quantity).toBe(0);
    expect(body.stock_availability).toBe(false);
    expect(body.avatar).toBeUndefined();
    expect(body.pictures).toEqual([]);
  });

  it('derives the product-level SKU deterministically from the product id', () => {
    expect(sendoProductSku('a')).toBe(sendoProductSku('a'));
    expect(sendoProductSku('a')).not.toBe(sendoProductSku('b'));
    expect(sendoProductSku('a')).toMatch(/^OCOP-[0-9A-F]{16}$/);
  });
});

describe('sendoStockCalls', () => {
  it('groups SKUs into one item per product; available when the pushed figures are above 0, left to Sendo at 0', () => {
    const calls = sendoStockCalls([
      push('1', 'A', 3),
      push('2', 'C', 0),
      push('1', 'B', 0),
      push('1', 'A', 4),
    ]);
    expect(calls).toHaveLength(1);
    expect(calls[0].items).toEqual([
      {
        id: 1,
        field_mask: ['variants', 'stock_availability'],
        variants: [
          { variant_sku: 'B', variant_quantity: 0 },
          { variant_sku: 'A', variant_quantity: 4 },
        ],
        stock_availability: true,
      },
      {
        id: 2,
        field_mask: ['variants'],
        variants: [{ variant_sku: 'C', variant_quantity: 0 }],
      },
    ]);
    expect(calls[0].pushes.map((group) => group.length)).toEqual([3, 1]);
  });

  it('caps a call at 50 products whatever the number of SKUs', () => {
    const pushes = Array.from({ length: 101 }, (_, i) => [
      push(String(i + 1), `S${i}a`, 1),
      push(String(i + 1), `S${i}b`, 2),
    ]).flat();
    const calls = sendoStockCalls(pushes);
    expect(calls.map((call) => call.items.length)).toEqual([50, 50, 1]);
    expect(calls[0].items[0].variants).toHaveLength(2);
  });

  it('never sends a negative or fractional figure', () => {
    expect(sendoStockCalls([push('9', 'X', -3)])[0].items[0]).toMatchObject({
      variants: [{ variant_sku: 'X', variant_quantity: 0 }],
    });
  });
});

describe('sendoSoldOutCalls', () => {
  it('repeats refused sold-out items marked unavailable', () => {
    const [call] = sendoStockCalls([push('1', 'A', 0), push('2', 'B', 0)]);
    const [again] = sendoSoldOutCalls(call);
    expect(again.items).toEqual([
      {
        id: 1,
        field_mask: ['variants', 'stock_availability'],
        variants: [{ variant_sku: 'A', variant_quantity: 0 }],
        stock_availability: false,
      },
      {
        id: 2,
        field_mask: ['variants', 'stock_availability'],
        variants: [{ variant_sku: 'B', variant_quantity: 0 }],
        stock_availability: false,
      },
    ]);
    expect(again.pushes).toEqual(call.pushes);
  });

  it('recognises the refusal that asks for it', () => {
    expect(sendoNeedsUnavailable('stock_availability must be false when the quantity is 0')).toBe(true);
    expect(sendoNeedsUnavailable('product 1 not found')).toBe(false);
  });
});

describe('sendoTokenLifetimeMs', () => {
  const jwt = (claims: object) =>
    ['{"alg":"HS256"}', JSON.stringify(claims)]
      .map((part) => Buffer.from(part).toString('base64url'))
      .join('.') + '.sig';

  it('reads exp − iat from the JWT', () => {
    expect(sendoTokenLifetimeMs(jwt({ iat: 1000, exp: 1060 }))).toBe(60_000);
    expect(sendoTokenLifetimeMs(jwt({ iat: 0, exp: 8 * 3600 }))).toBe(8 * 3600_000);
  });

  it('gives undefined for anything else', () => {
    expect(sendoTokenLifetimeMs('opaque')).toBeUndefined();
    expect(sendoTokenLifetimeMs('a.!!!.c')).toBeUndefined();
    expect(sendoTokenLifetimeMs(jwt({ exp: 5 }))).toBeUndefined();
  });
  it('names the shop the token was issued to (its subject), or null', () => {
    expect(sendoTokenShopId(jwt({ sub: 'shop-42', iat: 0, exp: 1 }))).toBe('shop-42');
    expect(sendoTokenShopId(jwt({ iat: 0, exp: 1 }))).toBeNull();
    expect(sendoTokenShopId(jwt({ sub: 42 }))).toBeNull();
    expect(sendoTokenShopId('opaque')).toBeNull();
    expect(sendoTokenShopId(`x.${Buffer.from('[1]').toString('base64url')}.y`)).toBeNull();
  });
});

describe('sendoDelistItem and ids', () => {
  it('deletes with product_status 5 and no availability', () => {
    expect(sendoDelistItem(42)).toEqual({
      id: 42,
      field_mask: ['product_status', 'stock_availability'],
      product_status: 5,
      stock_availability: false,
    });
  });

  it('accepts only numeric product ids', () => {
    expect(sendoProductId('10000001')).toBe(10_000_001);
    expect(sendoProductId('abc')).toBeNull();
    expect(sendoProductId('')).toBeNull();
  });
});

describe('sendoFailure', () => {
  const env = (status: number, message: string | null, success = status < 400) => ({
    success,
    result: null,
    error: message === null ? null : { message },
    status_code: status,
    track_id: 't',
  });

  it('passes a success', () => {
    expect(sendoFailure(200, { ...env(200, null), result: 5 })).toBeNull();
  });

  it('turns 401 into auth with the status, for re-login or refused keys', () => {
    const failure = sendoFailure(401, env(401, 'token expired'));
    expect(failure).toMatchObject({ kind: 'auth', options: { status: 401 } });
  });

  it('keeps the marketplace message on a rejection', () => {
    const failure = sendoFailure(400, env(400, 'name: Too small: expected string to have >=1 characters'));
    expect(failure?.kind).toBe('permanent');
    expect(failure?.message).toBe('name: Too small: expected string to have >=1 characters');
    expect(sendoFailure(404, env(404, 'product 1 not found'))?.kind).toBe('permanent');
  });

  it('retries 5xx, 429 and answers that are not an envelope', () => {
    expect(sendoFailure(502, env(502, 'bad gateway'))?.kind).toBe('retryable');
    expect(sendoFailure(200, env(429, 'slow down', false))?.kind).toBe('retryable');
    expect(sendoFailure(200, '<html>')?.kind).toBe('retryable');
    expect(sendoFailure(200, undefined)?.kind).toBe('retryable');
  });

  it('retries later a product still awaiting approval, but not a cancelled or deleted one', () => {
    expect(sendoFailure(400, env(400, 'product 7 is in status 1 and cannot be updated'))).toMatchObject({
      kind: 'retryable',
      options: { code: 'awaiting_approval', retryAfterMs: SENDO_REVIEW_RETRY_MS },
    });
    expect(sendoFailure(400, env(400, 'product 7 is in status 4 and cannot be updated'))?.kind).toBe(
      'permanent',
    );
    expect(sendoRefusal('product 7 is in status 5 and cannot be updated').kind).toBe('permanent');
    expect(sendoRefusal('product 7 is in status 1 and cannot be updated').kind).toBe('retryable');
  });

  it('does not trust success: true with an error status', () => {
    expect(sendoFailure(200, { ...env(400, 'bad', true) })?.kind).toBe('permanent');
  });
});
