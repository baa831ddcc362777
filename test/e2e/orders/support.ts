import { createHmac, randomUUID } from 'node:crypto';
import type { RunningApi } from '../../support/api';
import { newCooperative, uniqueCode } from '../../support/factories';
import {
  connectAll,
  type AnyMarketplace,
  type ConnectedShop,
  listEverywhere,
  sandboxControl,
  type MarketplaceName,
  startMarketplaces,
} from '../../support/marketplaces';
import { eventually } from '../../support/worker';

export type Sandbox = Awaited<ReturnType<typeof startMarketplaces>>;
export type Shops = Record<MarketplaceName, ConnectedShop>;

/**
 * A cooperative with a one-SKU product listed on all three sandbox marketplaces, whose webhooks
 * point at the API; answers once every marketplace holds the product.
 */
export async function sellerOnAllThree(
  api: RunningApi,
  sandbox: Sandbox,
  onHand: number,
  options: { autoConfirmOrders?: boolean; webhooks?: boolean } = {},
) {
  const coop = await newCooperative(api);
  const shops = await connectAll(api, sandbox, coop, { webhooks: options.webhooks ?? true, ...options });
  const code = uniqueCode('TN');
  const product = (
    await api.call('POST', '/v1/products', {
      key: coop.key,
      body: {
        cooperativeId: coop.id,
        name: 'Chè móc câu Tân Cương',
        category: 'tea',
        skus: [{ code, name: 'Hộp 200g', priceVnd: 180000, weightGrams: 200, onHand }],
      },
    })
  ).body;
  await listEverywhere(api, coop, product.id, shops);
  await everywhereHolds(sandbox, shops, code, onHand);
  return { coop, shops, code, skuId: product.skus[0].id as string, productId: product.id as string };
}

/** Waits until each marketplace's listing offers `quantity` of the SKU. */
export async function everywhereHolds(
  sandbox: Sandbox,
  shops: Partial<Record<AnyMarketplace, ConnectedShop>>,
  code: string,
  quantity: number,
  ms = 20_000,
): Promise<void> {
  await eventually(async () => {
    for (const marketplace of Object.keys(shops) as AnyMarketplace[]) {
      const listings = await sandboxControl(sandbox.urls[marketplace]).listings(
        (shops[marketplace] as ConnectedShop).shopId,
      );
      const variant = listings
        .filter((l) => l.status === 'active')
        .flatMap((l) => l.variants)
        .find((v: { sku: string }) => v.sku === code);
      if (variant?.quantity !== quantity) return false;
    }
    return true;
  }, ms);
}

export async function ordersOf(api: RunningApi, key: string, query = ''): Promise<any[]> {
  const items: any[] = [];
  let cursor: string | null = null;
  do {
    const res: { status: number; text: string; body: any } = await api.call(
      'GET',
      `/v1/orders?limit=200${query}${cursor ? `&cursor=${cursor}` : ''}`,
      { key },
    );
    if (res.status !== 200) throw new Error(`orders: ${res.status} ${res.text}`);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return items;
}

export async function skuOf(api: RunningApi, key: string, productId: string) {
  const res = await api.call('GET', `/v1/products/${productId}`, { key });
  return res.body.skus[0] as { id: string; onHand: number; reserved: number; available: number };
}

/** A Voso-style webhook signed as MARKETPLACES.md says, written here independently of the adapter. */
export function signedVosoWebhook(
  shopId: string,
  secret: string,
  order: {
    number: string;
    status: string;
    updatedAt: string;
    lines: { sku: string; quantity: number; price: number }[];
  },
  options: { eventId?: string; signedAt?: number } = {},
) {
  const body = JSON.stringify({
    EVENT_ID: options.eventId ?? randomUUID(),
    EVENT_TYPE: 'ORDER_CREATED',
    SHOP_ID: shopId,
    DATA: {
      ORDER_NUMBER: order.number,
      SHOP_ID: shopId,
      STATUS: order.status,
      CREATED_AT: order.updatedAt,
      UPDATED_AT: order.updatedAt,
      TOTAL_AMOUNT: order.lines.reduce((sum, line) => sum + line.quantity * line.price, 0),
      CANCEL_REASON: null,
      ITEMS: order.lines.map((line) => ({
        PRODUCT_ID: 1,
        PRODUCT_SKU: line.sku,
        QUANTITY: line.quantity,
        PRICE: line.price,
      })),
    },
  });
  const t = options.signedAt ?? Math.floor(Date.now() / 1000);
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return { body, headers: { 'content-type': 'application/json', 'x-voso-signature': `t=${t},v1=${v1}` } };
}

export const vosoOrderNumber = () => `VOSO${String(Math.floor(Math.random() * 1e10)).padStart(10, '0')}`;

/** Vietnam local ISO time, as Voso writes it. */
export function vietnamIso(at: Date): string {
  return new Date(at.getTime() + 7 * 3_600_000).toISOString().replace('Z', '+07:00');
}

/** One of a sandbox shop's orders as its control API shows it (`GET /_sandbox/shops/:id/orders/:id`). */
export interface SandboxOrder {
  orderId: string;
  status: string | number;
  connectorStatus: string;
  placedAt: string;
  updatedAt: string;
  total: number;
  lines: { sku: string; variantId: string; productId: string; quantity: number; price: number }[];
}

/**
 * A Voso-style push of a sandbox order, signed with `secret`; `lines` replaces the order's own
 * lines (a forger's figures), `eventId` names the event.
 */
export function vosoPushOf(
  shopId: string,
  secret: string,
  order: SandboxOrder,
  options: { eventId?: string; lines?: { sku: string; quantity: number; price: number }[] } = {},
) {
  return signedVosoWebhook(
    shopId,
    secret,
    {
      number: order.orderId,
      status: String(order.status),
      updatedAt: vietnamIso(new Date(order.updatedAt)),
      lines: options.lines ?? order.lines,
    },
    { eventId: options.eventId },
  );
}

/** A Postmart-style webhook signed as MARKETPLACES.md says, written here independently of the adapter. */
export function signedPostmartWebhook(
  shopId: string,
  secret: string,
  order: {
    id: string;
    status: string;
    placedAt: string;
    updatedAt: string;
    lines: { sku: string; skuId: string; quantity: number; price: number }[];
  },
) {
  const body = JSON.stringify({
    event: 'order.created',
    shop_id: shopId,
    occurred_at: order.updatedAt,
    order: {
      order_id: order.id,
      shop_id: shopId,
      status: order.status,
      placed_at: order.placedAt,
      updated_at: order.updatedAt,
      total: order.lines.reduce((sum, line) => sum + line.quantity * line.price, 0),
      cancel_reason_code: null,
      lines: order.lines.map((line) => ({
        product_id: randomUUID(),
        seller_sku: line.sku,
        sku_id: line.skuId,
        quantity: line.quantity,
        unit_price: line.price,
      })),
    },
  });
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'x-postmart-transaction': randomUUID(),
      'x-postmart-hmac-sha256': createHmac('sha256', secret).update(body).digest('base64'),
    },
  };
}

/** A Postmart-style push of a sandbox order, signed with `secret`; `lines` replaces its own lines. */
export function postmartPushOf(
  shopId: string,
  secret: string,
  order: SandboxOrder,
  options: { lines?: { sku: string; quantity: number; price: number }[] } = {},
) {
  const skuIds = new Map(order.lines.map((line) => [line.sku, line.variantId]));
  return signedPostmartWebhook(shopId, secret, {
    id: order.orderId,
    status: String(order.status),
    placedAt: order.placedAt,
    updatedAt: order.updatedAt,
    lines: (options.lines ?? order.lines).map((line) => ({
      ...line,
      skuId: skuIds.get(line.sku) ?? randomUUID(),
    })),
  });
}

/**
 * A product the seller lists on a Voso shop directly, through Voso's own seller API and not through
 * the connector: its SKU code is one the connector does not know.
 */
export async function listOnVosoDirectly(
  vosoUrl: string,
  shopId: string,
  sku: { code: string; priceVnd: number; quantity: number },
): Promise<void> {
  const shop = await (await fetch(`${vosoUrl}/_sandbox/shops/${shopId}`)).json();
  const login = await (
    await fetch(`${vosoUrl}/v2/user/Login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(shop.credentials),
    })
  ).json();
  const created = await (
    await fetch(`${vosoUrl}/v2/products`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', Token: login.data.token },
      body: JSON.stringify({
        PRODUCT_NAME: 'Mật ong rừng (đăng thẳng trên sàn)',
        CATEGORY_CODE: 'VS-THUC-PHAM',
        VARIANTS: [{ PRODUCT_SKU: sku.code, PRICE: sku.priceVnd, QUANTITY: sku.quantity, WEIGHT: 500 }],
      }),
    })
  ).json();
  if (created.error) throw new Error(`voso refused the product: ${JSON.stringify(created)}`);
}
