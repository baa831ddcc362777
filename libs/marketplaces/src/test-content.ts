import { CategoryCodes, ListingContent, StockPush } from './port';

/** Shared fixtures for this library's unit tests (not exported from the index). */
export const CODES: CategoryCodes = {
  tea: {
    sendo: 2318,
    voso: 'THUC_PHAM_CHE',
    postmart: 'food-tea',
    shopee: 100630,
    tiktok: '601450',
    lazada: 10000300,
  },
};

export function teaContent(overrides: Partial<ListingContent> = {}): ListingContent {
  return {
    productId: '7f1c2f2e-0000-4000-8000-000000000001',
    name: 'Chè tôm nõn Hảo Đạt',
    description: 'Chè Tân Cương, Thái Nguyên',
    category: 'tea',
    imageUrls: ['https://img.example/1.jpg', 'https://img.example/2.jpg'],
    ocopStars: 5,
    variants: [
      { skuCode: 'CHE-100', name: '100 g', priceVnd: 120_000, weightGrams: 100, quantity: 5 },
      { skuCode: 'CHE-200', name: '200 g', priceVnd: 220_000.4, weightGrams: 200.2, quantity: 0 },
      { skuCode: 'CHE-500', name: '500 g', priceVnd: 99_000, weightGrams: 500, quantity: 7 },
    ],
    ...overrides,
  };
}

export function push(externalId: string, skuCode: string, quantity: number, variantId = skuCode): StockPush {
  return { externalId, skuCode, variantId, quantity, idempotencyKey: `${externalId}:${skuCode}:${quantity}` };
}
