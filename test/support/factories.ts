import { randomUUID } from 'node:crypto';
import type { RunningApi } from './api';

/** A cooperative with its own key, named uniquely so suites can share one database. */
export async function newCooperative(api: RunningApi, overrides: Record<string, unknown> = {}) {
  const coop = await api.call('POST', '/v1/cooperatives', {
    key: api.adminKey,
    body: {
      name: `HTX thử nghiệm ${randomUUID().slice(0, 8)}`,
      kind: 'cooperative',
      province: 'Thái Nguyên',
      district: 'TP Thái Nguyên',
      commune: 'Tân Cương',
      ...overrides,
    },
  });
  if (coop.status !== 201) throw new Error(`cooperative not created: ${coop.text}`);
  const key = await api.call('POST', '/v1/api-keys', {
    key: api.adminKey,
    body: { role: 'cooperative', cooperativeId: coop.body.id, label: 'test' },
  });
  if (key.status !== 201) throw new Error(`key not created: ${key.text}`);
  return {
    id: coop.body.id as string,
    key: key.body.key as string,
    keyId: key.body.id as string,
    body: coop.body,
  };
}

export async function newKey(api: RunningApi, role: 'admin' | 'officer'): Promise<string> {
  const key = await api.call('POST', '/v1/api-keys', { key: api.adminKey, body: { role } });
  if (key.status !== 201) throw new Error(`key not created: ${key.text}`);
  return key.body.key as string;
}

export function uniqueCode(prefix = 'SKU'): string {
  return `${prefix}-${randomUUID().slice(0, 8).toUpperCase()}`;
}

export async function newProduct(
  api: RunningApi,
  coop: { id: string; key: string },
  overrides: Record<string, unknown> = {},
) {
  const res = await api.call('POST', '/v1/products', {
    key: coop.key,
    body: {
      cooperativeId: coop.id,
      name: 'Chè Tân Cương đặc biệt',
      category: 'tea',
      skus: [{ code: uniqueCode('TEA'), name: 'Hộp 100g', priceVnd: 120000, weightGrams: 100, onHand: 10 }],
      ...overrides,
    },
  });
  if (res.status !== 201) throw new Error(`product not created: ${res.text}`);
  return res.body;
}

/**
 * The body of a tea product whose SKUs are packs of 100 g, 200 g, … with the given stock (and
 * price and safety stock): what the service-level suites make through ProductsService.create.
 */
export function teaProductBody(
  cooperativeId: string,
  name: string,
  skus: { onHand: number; priceVnd?: number; safetyStock?: number }[],
) {
  return {
    cooperativeId,
    name,
    category: 'tea',
    skus: skus.map((sku, index) => ({
      code: uniqueCode('TN'),
      name: `Hộp ${100 * (index + 1)}g`,
      priceVnd: sku.priceVnd ?? 120_000,
      weightGrams: 100 * (index + 1),
      onHand: sku.onHand,
      safetyStock: sku.safetyStock,
    })),
  };
}

/**
 * An assessment the rules rate 4 stars: the council's 30 + 20 + 26 = 76 points, mandatory criteria
 * met, recognised by the province. For suites that need a certificate, not a rating rule (those
 * are test/e2e/ocop.e2e-spec.ts's); `decidedAt` sets its validity, 36 months from that day.
 */
export function fourStarAssessment(decidedAt: string, overrides: Record<string, unknown> = {}) {
  return {
    partA: 30,
    partB: 20,
    partC: 26,
    mandatoryCriteriaMet: true,
    level: 'province' as const,
    decisionNo: '12/QĐ-UBND',
    decidedAt,
    ...overrides,
  };
}
