import { push, teaContent } from '../test-content';
import { vosoFailure, vosoProductBody, vosoStockCalls } from './voso-mapping';

describe('vosoProductBody', () => {
  it('maps one VARIANT per SKU with price, quantity and weight in grams', () => {
    expect(vosoProductBody(teaContent(), 'THUC_PHAM_CHE')).toEqual({
      PRODUCT_NAME: 'Chè tôm nõn Hảo Đạt · OCOP 5★',
      CATEGORY_CODE: 'THUC_PHAM_CHE',
      DESCRIPTION: 'Chè Tân Cương, Thái Nguyên',
      IMAGES: ['https://img.example/1.jpg', 'https://img.example/2.jpg'],
      VARIANTS: [
        { PRODUCT_SKU: 'CHE-100', PRICE: 120_000, QUANTITY: 5, WEIGHT: 100 },
        { PRODUCT_SKU: 'CHE-200', PRICE: 220_000, QUANTITY: 0, WEIGHT: 200 },
        { PRODUCT_SKU: 'CHE-500', PRICE: 99_000, QUANTITY: 7, WEIGHT: 500 },
      ],
    });
  });

  it('drops the badge without a certificate', () => {
    expect(vosoProductBody(teaContent({ ocopStars: null }), 'X').PRODUCT_NAME).toBe('Chè tôm nõn Hảo Đạt');
  });
});

describe('vosoStockCalls', () => {
  it('sends at most 100 items a call, a repeated SKU once with its last figure', () => {
    const pushes = Array.from({ length: 250 }, (_, i) => push(String(i), `S${i}`, i));
    pushes.push(push('0', 'S0', 77));
    const calls = vosoStockCalls(pushes);
    expect(calls.map((call) => call.items.length)).toEqual([100, 100, 50]);
    expect(calls.flatMap((call) => call.items).find((item) => item.PRODUCT_SKU === 'S0')?.QUANTITY).toBe(77);
    expect(calls.reduce((sum, call) => sum + call.pushes.length, 0)).toBe(251);
  });
});

describe('vosoFailure', () => {
  it('lets the body decide: a 200 with status 401 is a stale token', () => {
    expect(
      vosoFailure(200, { status: 401, error: true, message: 'Token expired', data: null }),
    ).toMatchObject({
      kind: 'auth',
      options: { status: 401 },
    });
  });

  it('passes status 200', () => {
    expect(vosoFailure(200, { status: 200, error: false, message: 'OK', data: {} })).toBeNull();
  });

  it('keeps the marketplace message on a rejection', () => {
    const failure = vosoFailure(200, {
      status: 400,
      error: true,
      message: 'VARIANTS: too small',
      data: null,
    });
    expect(failure?.kind).toBe('permanent');
    expect(failure?.message).toBe('VARIANTS: too small');
    expect(
      vosoFailure(404, { status: 404, error: true, message: 'PRODUCT_ID 1 not found', data: null }),
    ).toMatchObject({
      kind: 'permanent',
      options: { status: 404 },
    });
  });

  it('retries a maintenance page, 5xx or 429 in the body, and anything unreadable', () => {
    expect(vosoFailure(200, '<!DOCTYPE html>')?.kind).toBe('retryable');
    expect(vosoFailure(200, { status: 503, error: true, message: 'down' })?.kind).toBe('retryable');
    expect(vosoFailure(200, { status: 429, error: true, message: 'slow' })?.kind).toBe('retryable');
  });

  it('does not trust status 200 when error is true', () => {
    expect(vosoFailure(200, { status: 200, error: true, message: 'odd' })?.kind).toBe('permanent');
  });
});
