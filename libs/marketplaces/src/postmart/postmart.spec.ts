import { createHmac } from 'node:crypto';
import { teaContent } from '../test-content';
import { postmartFailure, postmartProductBody, postmartPublished } from './postmart-mapping';
import { postmartSign, postmartSigningText, signedQuery } from './postmart-signing';

describe('Postmart signing', () => {
  it('signs path + query sorted by name as name+value + raw body, without sign itself', () => {
    const text = postmartSigningText(
      '/api/v1/orders',
      { timestamp: '1700000000000', app_key: 'k', limit: '10', sign: 'X' },
      '',
    );
    expect(text).toBe('/api/v1/ordersapp_keyklimit10timestamp1700000000000');
  });

  it('appends the raw body byte for byte', () => {
    const body = '{"quantity":5}';
    expect(postmartSigningText('/api/v1/skus/1/stock', { b: '2', a: '1' }, body)).toBe(
      '/api/v1/skus/1/stocka1b2{"quantity":5}',
    );
  });

  it('is uppercase hex HMAC-SHA256 under the app secret', () => {
    const expected = createHmac('sha256', 'secret').update('/pa1').digest('hex').toUpperCase();
    expect(postmartSign('secret', '/p', { a: '1' }, '')).toBe(expected);
    expect(expected).toMatch(/^[0-9A-F]{64}$/);
  });

  it('matches a vector computed outside Node', () => {
    // printf '/api/v1/productsapp_keypm_1timestamp1700000000000{}' | openssl dgst -sha256 -hmac s3cret
    expect(
      postmartSign('s3cret', '/api/v1/products', { timestamp: '1700000000000', app_key: 'pm_1' }, '{}'),
    ).toBe('AE4B477CB70D797DD8BFCCA0461CAB5697AE6CA1B725357F51519B8024190DBA');
  });

  it('adds app_key, timestamp and sign to the request parameters', () => {
    const query = signedQuery(
      { app_key: 'pm_1', app_secret: 's' },
      '/api/v1/orders',
      { limit: '1' },
      '',
      1_700_000_000_000,
    );
    expect(query).toEqual({
      limit: '1',
      app_key: 'pm_1',
      timestamp: '1700000000000',
      sign: postmartSign(
        's',
        '/api/v1/orders',
        { limit: '1', app_key: 'pm_1', timestamp: '1700000000000' },
        '',
      ),
    });
  });
});

describe('postmartProductBody and postmartPublished', () => {
  it('maps one sku per SKU code with weight in grams and names the shop', () => {
    expect(postmartProductBody('PM000001', teaContent({ ocopStars: 4 }), 'food-tea')).toEqual({
      shop_id: 'PM000001',
      name: 'Chè tôm nõn Hảo Đạt · OCOP 4★',
      category: 'food-tea',
      description: 'Chè Tân Cương, Thái Nguyên',
      images: ['https://img.example/1.jpg', 'https://img.example/2.jpg'],
      skus: [
        { seller_sku: 'CHE-100', price: 120_000, quantity: 5, weight_grams: 100 },
        { seller_sku: 'CHE-200', price: 220_000, quantity: 0, weight_grams: 200 },
        { seller_sku: 'CHE-500', price: 99_000, quantity: 7, weight_grams: 500 },
      ],
    });
  });

  it('reads the variant ids by seller SKU', () => {
    expect(
      postmartPublished({
        product_id: 'p',
        skus: [
          { seller_sku: 'A', sku_id: 'u1' },
          { seller_sku: 'B', sku_id: 'u2' },
        ],
      }),
    ).toEqual({ externalId: 'p', variantIds: { A: 'u1', B: 'u2' } });
    expect(postmartPublished({ product_id: 'p' })).toBeNull();
    expect(postmartPublished(null)).toBeNull();
  });
});

describe('postmartFailure', () => {
  const env = (code: string, message: string) => ({ code, message, request_id: 'r', data: null });

  it('passes code "0"', () => {
    expect(postmartFailure(200, { code: '0', message: 'success', data: {} })).toBeNull();
  });

  it('classifies the errors that come inside HTTP 200', () => {
    expect(postmartFailure(200, env('IncompleteSignature', 'sign does not match'))?.kind).toBe('auth');
    expect(postmartFailure(200, env('InvalidTimestamp', 'skew'))?.kind).toBe('retryable');
    expect(postmartFailure(200, env('InvalidParameter', 'name: too small'))).toMatchObject({
      kind: 'permanent',
      message: 'name: too small',
      options: { code: 'InvalidParameter' },
    });
    expect(postmartFailure(200, env('NotFound', 'product x not found'))?.kind).toBe('permanent');
    expect(postmartFailure(500, env('InternalError', 'boom'))?.kind).toBe('retryable');
    expect(postmartFailure(200, '<html>')?.kind).toBe('retryable');
  });

  it('reads the wait an ApiCallLimit names', () => {
    expect(postmartFailure(200, env('ApiCallLimit', 'too many calls, retry in 1 s'))).toMatchObject({
      kind: 'retryable',
      options: { retryAfterMs: 1000 },
    });
    expect(postmartFailure(200, env('ApiCallLimit', 'throttled'))?.options.retryAfterMs).toBeUndefined();
  });
});
