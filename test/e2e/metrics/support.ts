import type { RunningApi } from '../../support/api';
import { newCooperative, uniqueCode } from '../../support/factories';
import { connectAll, listEverywhere, type MarketplaceName, sandboxControl } from '../../support/marketplaces';
import { everywhereHolds, type Sandbox, type Shops } from '../orders/support';

/** A producer with one product listed on all three sandbox marketplaces, its webhooks on. */
export interface Seller {
  coop: { id: string; key: string; body: { name: string } };
  shops: Shops;
  productId: string;
  code: string;
}

export async function sellerWithOneProduct(
  api: RunningApi,
  sandbox: Sandbox,
  product: { district: string; category: string; priceVnd: number; name: string },
): Promise<Seller> {
  const coop = await newCooperative(api, {
    district: product.district,
    name: `HTX ${product.name} ${uniqueCode('')}`,
  });
  const shops = await connectAll(api, sandbox, coop, { webhooks: true });
  const code = uniqueCode('TN');
  const created = await api.call('POST', '/v1/products', {
    key: coop.key,
    body: {
      cooperativeId: coop.id,
      name: product.name,
      category: product.category,
      skus: [{ code, name: 'Gói 500g', priceVnd: product.priceVnd, weightGrams: 500, onHand: 1000 }],
    },
  });
  if (created.status !== 201) throw new Error(`product not created: ${created.status} ${created.text}`);
  await listEverywhere(api, coop, created.body.id, shops);
  await everywhereHolds(sandbox, shops, code, 1000, 30_000);
  return { coop, shops, productId: created.body.id, code };
}

/** Records a 3- or 4-star OCOP assessment decided on `decidedAt`; answers the certificate. */
export async function certify(
  api: RunningApi,
  officerKey: string,
  productId: string,
  stars: 3 | 4,
  decidedAt: string,
) {
  const parts = stars === 4 ? { partA: 32, partB: 20, partC: 28 } : { partA: 25, partB: 15, partC: 20 };
  const res = await api.call('POST', `/v1/products/${productId}/ocop-assessments`, {
    key: officerKey,
    body: {
      ...parts,
      mandatoryCriteriaMet: true,
      // district councils rated 3★ until 2025-07-06, the province since (config/reference/ocop.json)
      level: stars === 3 && decidedAt < '2025-07-06' ? 'district' : 'province',
      decisionNo: `${stars}/QĐ-UBND`,
      decidedAt,
    },
  });
  if (res.status !== 201) throw new Error(`assessment refused: ${res.status} ${res.text}`);
  return res.body;
}

/** A buyer's order placed in the past on a sandbox marketplace; answers the marketplace's order id. */
export async function placeOrder(
  sandbox: Sandbox,
  who: Seller,
  marketplace: MarketplaceName,
  quantity: number,
  placedAt: string,
) {
  const placed = await sandboxControl(sandbox.urls[marketplace]).placeOrder(
    who.shops[marketplace].shopId,
    [{ sku: who.code, quantity }],
    { placedAt },
  );
  return { marketplace, orderId: placed.orderId };
}
