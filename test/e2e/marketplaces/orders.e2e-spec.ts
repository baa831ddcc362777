import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import {
  ListingContent,
  Marketplace,
  MarketplaceAdapter,
  OrderChange,
  PostmartAdapter,
  SendoAdapter,
  ShopAccess,
  VosoAdapter,
  WebhookDelivery,
} from '@ocop/marketplaces';
import { randomUUID } from 'node:crypto';
import { Sandbox } from '../../../apps/marketplace-sandbox/src/sandbox';
import { waitFor } from '../sandbox/helpers';
import { CATEGORY_CODES, Control, control, http, newShop, rejection, startTestSandbox } from './support';

/**
 * The order half of the three adapters against the sandbox over real HTTP: searches, fetches,
 * confirm and cancel, and webhooks captured from the sandbox (MARKETPLACES.md, orders and webhooks).
 */

const DAY = 86_400_000;
const VN_OFFSET = 7 * 3600_000;

/** Two SKUs with stock for hundreds of orders. */
function stockedProduct(tag: string): ListingContent {
  return {
    productId: randomUUID(),
    name: 'Mật ong hoa nhãn Hưng Yên',
    description: 'Mật ong nguyên chất',
    category: 'honey',
    imageUrls: [],
    ocopStars: 4,
    variants: [
      { skuCode: `${tag}-250`, name: 'Chai 250 ml', priceVnd: 95_000, weightGrams: 300, quantity: 5_000 },
      { skuCode: `${tag}-500`, name: 'Chai 500 ml', priceVnd: 170_000, weightGrams: 600, quantity: 5_000 },
    ],
  };
}

async function collect(pages: AsyncIterable<OrderChange[]>): Promise<OrderChange[]> {
  const changes: OrderChange[] = [];
  for await (const page of pages) changes.push(...page);
  return changes;
}

/** Places orders in one bulk call (the sandbox's extension); answers their ids in the order given. */
async function placeOrders(
  ctl: Control,
  shopId: string,
  orders: { lines: { sku: string; quantity: number }[]; placedAt?: string }[],
): Promise<string[]> {
  const response = await ctl.placeOrder(shopId, {
    orders: orders.map((order) => ({ ...order, notify: false })),
  });
  expect(response.status).toBe(201);
  return response.body.orders.map((placed: { orderId?: string; error?: string }) => {
    if (!placed.orderId) throw new Error(`order refused: ${placed.error}`);
    return placed.orderId;
  });
}

async function placeOrder(ctl: Control, shopId: string, lines: { sku: string; quantity: number }[]) {
  const response = await ctl.placeOrder(shopId, { lines });
  expect(response.status).toBe(201);
  return response.body.orderId as string;
}

/** A webhook receiver that keeps the raw bytes and answers as the connector would. */
async function startReceiver(adapter: MarketplaceAdapter) {
  const received: WebhookDelivery[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const headers: Record<string, string | undefined> = {};
      for (const [name, value] of Object.entries(request.headers)) {
        headers[name] = Array.isArray(value) ? value.join(',') : value;
      }
      const delivery = { rawBody: Buffer.concat(chunks), headers };
      received.push(delivery);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ received: true, ...adapter.webhookAcknowledgement(delivery) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function tampered(delivery: WebhookDelivery): WebhookDelivery {
  const rawBody = Buffer.from(delivery.rawBody);
  // one digit of the body changed: still JSON, still the same shape
  const at = rawBody.findIndex((byte) => byte >= 0x30 && byte <= 0x38);
  rawBody[at] += 1;
  return { rawBody, headers: delivery.headers };
}

const adapters: Record<Marketplace, MarketplaceAdapter> = {
  sendo: new SendoAdapter(CATEGORY_CODES),
  voso: new VosoAdapter(CATEGORY_CODES),
  postmart: new PostmartAdapter(CATEGORY_CODES),
};

/** The code each marketplace holds for the connector's statuses, as the control API shows them. */
const HELD_STATUS: Record<Marketplace, Record<'pending' | 'confirmed' | 'cancelled', string | number>> = {
  sendo: { pending: 2, confirmed: 3, cancelled: 13 },
  voso: { pending: 'CHO_DUYET', confirmed: 'DA_DUYET', cancelled: 'HUY' },
  postmart: { pending: 'pending', confirmed: 'confirmed', cancelled: 'cancelled' },
};

describe('order port against the sandbox', () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
  });
  afterAll(() => sandbox.close());
  beforeEach(async () => {
    for (const url of Object.values(sandbox.urls)) await control(url).reset();
  });

  async function shopWithProduct(marketplace: Marketplace, tag: string) {
    const { shop, ctl, shopId } = await newShop(sandbox, marketplace, { rateLimitPerSecond: 0 });
    const content = stockedProduct(tag);
    const published = await adapters[marketplace].publish(shop, content);
    return { shop, ctl, shopId, content, published, adapter: adapters[marketplace] };
  }

  describe.each(['sendo', 'voso', 'postmart'] as const)('%s', (marketplace) => {
    it('fetches an order with its lines; an unknown order is order_not_found', async () => {
      const { shop, ctl, shopId, adapter, published } = await shopWithProduct(marketplace, 'F');
      const orderId = await placeOrder(ctl, shopId, [
        { sku: 'F-250', quantity: 2 },
        { sku: 'F-500', quantity: 1 },
      ]);
      const order = await adapter.fetchOrder(shop, orderId);
      const held = await ctl.order(shopId, orderId);
      expect(order).toMatchObject({
        externalOrderId: orderId,
        status: 'pending',
        marketplaceStatus: String(HELD_STATUS[marketplace].pending),
        totalVnd: 2 * 95_000 + 170_000,
      });
      // Sendo stamps whole seconds
      expect(Math.abs(order.placedAt.getTime() - Date.parse(held.placedAt))).toBeLessThan(1000);
      expect(order.updatedAt.getTime()).toBeLessThanOrEqual(Date.parse(held.updatedAt));
      const variantId = (sku: string) => (marketplace === 'postmart' ? published.variantIds[sku] : null);
      expect(order.lines).toEqual([
        { skuCode: 'F-250', variantId: variantId('F-250'), quantity: 2, unitPriceVnd: 95_000 },
        { skuCode: 'F-500', variantId: variantId('F-500'), quantity: 1, unitPriceVnd: 170_000 },
      ]);
      const unknown =
        marketplace === 'voso' ? 'VOSO9999999999' : marketplace === 'sendo' ? '999' : randomUUID();
      expect(await rejection(adapter.fetchOrder(shop, unknown))).toMatchObject({
        kind: 'permanent',
        options: { code: 'order_not_found' },
      });
    });

    it('confirms and cancels in the sandbox; a repeat is harmless; a refused move and an unknown order are permanent', async () => {
      const { shop, ctl, shopId, adapter } = await shopWithProduct(marketplace, 'C');
      const [toConfirm, toCancel, shipped] = await placeOrders(
        ctl,
        shopId,
        Array.from({ length: 3 }, () => ({ lines: [{ sku: 'C-250', quantity: 1 }] })),
      );
      await adapter.confirmOrder(shop, toConfirm);
      expect((await ctl.order(shopId, toConfirm)).status).toBe(HELD_STATUS[marketplace].confirmed);
      await expect(adapter.confirmOrder(shop, toConfirm)).resolves.toBeUndefined();

      await adapter.cancelOrder(shop, toCancel, 'out_of_stock');
      expect((await ctl.order(shopId, toCancel)).status).toBe(HELD_STATUS[marketplace].cancelled);
      await expect(adapter.cancelOrder(shop, toCancel, 'out_of_stock')).resolves.toBeUndefined();
      // the cancel gave the unit back
      const listing = (await ctl.listings(shopId))[0];
      expect(listing.variants.find((v: { sku: string }) => v.sku === 'C-250').quantity).toBe(5_000 - 2);

      expect((await ctl.moveOrder(shopId, shipped, { status: 'shipped' })).status).toBe(200);
      expect(await rejection(adapter.cancelOrder(shop, shipped, 'seller_request'))).toMatchObject({
        kind: 'permanent',
      });
      expect(await rejection(adapter.confirmOrder(shop, shipped))).toMatchObject({ kind: 'permanent' });
      expect((await ctl.order(shopId, shipped)).connectorStatus).toBe('shipped');

      const unknown =
        marketplace === 'voso' ? 'VOSO9999999999' : marketplace === 'sendo' ? '999' : randomUUID();
      expect(await rejection(adapter.confirmOrder(shop, unknown))).toMatchObject({
        kind: 'permanent',
        options: { code: 'order_not_found' },
      });
    });

    it("reads and verifies the sandbox's webhooks with the shop's secret; a tampered copy fails", async () => {
      const { shop, ctl, shopId, adapter } = await shopWithProduct(marketplace, 'W');
      const receiver = await startReceiver(adapter);
      const secret = `whsec-${randomUUID()}`;
      try {
        expect(
          (await ctl.patchShop(shopId, { webhookUrl: receiver.url, webhookSecret: secret })).status,
        ).toBe(200);
        const orderId = await placeOrder(ctl, shopId, [{ sku: 'W-500', quantity: 3 }]);
        const created = await waitFor(() => receiver.received[0], 5000, 'the order push');
        const now = new Date();

        expect(adapter.verifyWebhook(created, secret, now)).toBe(true);
        expect(adapter.verifyWebhook(created, `${secret}x`, now)).toBe(false);
        expect(adapter.verifyWebhook(tampered(created), secret, now)).toBe(false);
        const event = adapter.readWebhook(created);
        expect(event).toMatchObject({
          shopId,
          change: { externalOrderId: orderId, status: 'pending' },
        });
        if (marketplace === 'sendo') expect(event.change.order).toBeUndefined();
        else
          expect(event.change.order?.lines).toEqual([
            expect.objectContaining({ skuCode: 'W-500', quantity: 3 }),
          ]);

        await adapter.cancelOrder(shop, orderId, 'buyer_request');
        const cancelled = await waitFor(() => receiver.received[1], 5000, 'the cancel push');
        expect(adapter.verifyWebhook(cancelled, secret, new Date())).toBe(true);
        const cancelEvent = adapter.readWebhook(cancelled);
        expect(cancelEvent.change.status).toBe('cancelled');
        expect(cancelEvent.eventId).not.toBe(event.eventId);
        const body = JSON.parse(cancelled.rawBody.toString());
        if (marketplace === 'voso') expect(body.DATA.CANCEL_REASON).toBe('Người mua yêu cầu hủy đơn');
        if (marketplace === 'postmart') expect(body.order.cancel_reason_code).toBe('buyer_request');

        // every delivery was acknowledged the way the marketplace wants (Postmart: the echoed transaction)
        const log = await waitFor(
          async () => ((await ctl.webhooks(shopId)).attempts.length === 2 ? ctl.webhooks(shopId) : null),
          5000,
          'both attempts logged',
        );
        expect(log.attempts.map((attempt: { ok: boolean }) => attempt.ok)).toEqual([true, true]);
        if (marketplace === 'voso') {
          expect(adapter.verifyWebhook(created, secret, new Date(now.getTime() + 301_000))).toBe(false);
        }
        if (marketplace === 'postmart') {
          expect(adapter.webhookAcknowledgement(created)).toEqual({
            code: 'success',
            transaction: created.headers['x-postmart-transaction'],
          });
        }
      } finally {
        await receiver.close();
      }
    });
  });

  describe('Sendo', () => {
    /** Logs in as the shop and reads an order's detail straight from the API. */
    async function sendoDetail(shop: ShopAccess, orderNumber: string) {
      const login = await http('POST', `${shop.baseUrl}/login`, {
        body: { shop_key: shop.credentials.shop_key, secret_key: shop.credentials.secret_key },
      });
      const detail = await http('GET', `${shop.baseUrl}/api/partner/salesorder/${orderNumber}`, {
        headers: { authorization: `bearer ${login.body.result.token}` },
      });
      return detail.body.result.sales_order;
    }

    it('walks 3-day status windows from since to today, dropping the rows of since’s day before it', async () => {
      const { shop, ctl, shopId } = await shopWithProduct('sendo', 'S');
      const now = await ctl.now();
      // noon in Hanoi, nine days ago: the earliest window starts at that day's midnight
      const vnMidnight = Math.floor((now - 9 * DAY + VN_OFFSET) / DAY) * DAY - VN_OFFSET;
      const since = vnMidnight + 12 * 3600_000;
      const times: number[] = [];
      for (let at = since; at < now - 60_000; at += 20 * 3600_000) times.push(at);
      const ids = await placeOrders(
        ctl,
        shopId,
        times.map((at, i) => ({
          lines: [{ sku: 'S-250', quantity: 1 + (i % 3) }],
          placedAt: new Date(at).toISOString(),
        })),
      );
      const [before] = await placeOrders(ctl, shopId, [
        { lines: [{ sku: 'S-500', quantity: 1 }], placedAt: new Date(since - 3600_000).toISOString() },
      ]);
      await ctl.clearStats();

      const changes = await collect(adapters.sendo.ordersChangedSince(shop, new Date(since)));
      expect(changes.map((change) => change.externalOrderId).sort()).toEqual([...ids].sort());
      expect(changes.map((change) => change.externalOrderId)).not.toContain(before);
      changes.forEach((change, i) => {
        expect(change.order).toBeUndefined();
        expect(change.status).toBe('pending');
        expect(change.updatedAt.getTime()).toBe(
          Math.floor(times[ids.indexOf(change.externalOrderId)] / 1000) * 1000,
        );
        if (i > 0)
          expect(change.updatedAt.getTime()).toBeGreaterThanOrEqual(changes[i - 1].updatedAt.getTime());
      });
      // ten days from since's day to today: four windows, each one call here
      expect((await ctl.stats())['POST /api/partner/salesorder/search']).toBe(4);
    });

    it('pages 50 at a time and starts a window over when its paging token expired', async () => {
      const { shop, ctl, shopId } = await shopWithProduct('sendo', 'P');
      const now = await ctl.now();
      const ids = await placeOrders(
        ctl,
        shopId,
        Array.from({ length: 120 }, (_, i) => ({
          lines: [{ sku: 'P-250', quantity: 1 }],
          placedAt: new Date(now - 3600_000 + i * 1000).toISOString(),
        })),
      );
      await ctl.clearStats();
      const pages = adapters.sendo
        .ordersChangedSince(shop, new Date(now - 2 * 3600_000))
        [Symbol.asyncIterator]();
      const first = await pages.next();
      expect(first.done).toBe(false);
      expect(first.value).toHaveLength(50);
      // the importer dawdles past the 5-minute life of the paging token
      await ctl.advance(301);
      const rest: OrderChange[] = [];
      for (let page = await pages.next(); !page.done; page = await pages.next()) rest.push(...page.value);
      const seen = [...first.value, ...rest].map((change) => change.externalOrderId);
      expect(new Set(seen)).toEqual(new Set(ids));
      expect(rest).toHaveLength(120);
      // the first page, the refused token, then the window again in three pages
      expect((await ctl.stats())['POST /api/partner/salesorder/search']).toBe(5);
    });

    it('sends the cancel reason as Vietnamese text', async () => {
      const { shop, ctl, shopId } = await shopWithProduct('sendo', 'R');
      const orderId = await placeOrder(ctl, shopId, [{ sku: 'R-250', quantity: 1 }]);
      await adapters.sendo.cancelOrder(shop, orderId, 'out_of_stock');
      expect(await sendoDetail(shop, orderId)).toMatchObject({
        order_status: 13,
        cancel_order_reason: 'Hết hàng',
      });
    });
  });

  describe('Voso', () => {
    it('finds 250 orders although rows shift between pages while it reads', async () => {
      const { shop, ctl, shopId } = await shopWithProduct('voso', 'V');
      const now = await ctl.now();
      const ids = await placeOrders(
        ctl,
        shopId,
        Array.from({ length: 250 }, (_, i) => ({
          lines: [{ sku: i % 2 ? 'V-250' : 'V-500', quantity: 1 }],
          placedAt: new Date(now - 300_000 + i * 1000).toISOString(),
        })),
      );
      const pages = adapters.voso.ordersChangedSince(shop, new Date(now - 600_000))[Symbol.asyncIterator]();
      const first = await pages.next();
      expect(first.value).toHaveLength(100);
      // the oldest order changes: it moves to the end and every row after it shifts back a place,
      // so the 101st order now sits on the page already read
      expect((await ctl.moveOrder(shopId, ids[0], { status: 'confirmed' })).status).toBe(200);
      const changes = [...(first.value as OrderChange[])];
      for (let page = await pages.next(); !page.done; page = await pages.next()) changes.push(...page.value);

      expect(new Set(changes.map((change) => change.externalOrderId))).toEqual(new Set(ids));
      const moved = changes.filter((change) => change.externalOrderId === ids[0]);
      expect(moved[0].status).toBe('pending');
      expect(moved[moved.length - 1].status).toBe('confirmed');
      for (const change of changes) {
        expect(change.order?.externalOrderId).toBe(change.externalOrderId);
        expect(change.order?.lines).toHaveLength(1);
      }
    });

    it('reads more than a page of orders stamped in the same millisecond', async () => {
      const { shop, ctl, shopId } = await shopWithProduct('voso', 'M');
      const placedAt = new Date((await ctl.now()) - 60_000).toISOString();
      const ids = await placeOrders(
        ctl,
        shopId,
        Array.from({ length: 230 }, () => ({ lines: [{ sku: 'M-250', quantity: 1 }], placedAt })),
      );
      const changes = await collect(adapters.voso.ordersChangedSince(shop, new Date(placedAt)));
      expect(new Set(changes.map((change) => change.externalOrderId))).toEqual(new Set(ids));
    });

    it('fetches a recent order from the newest page first', async () => {
      const { shop, ctl, shopId } = await shopWithProduct('voso', 'N');
      const now = await ctl.now();
      const ids = await placeOrders(
        ctl,
        shopId,
        Array.from({ length: 250 }, (_, i) => ({
          lines: [{ sku: 'N-500', quantity: 2 }],
          placedAt: new Date(now - 300_000 + i * 1000).toISOString(),
        })),
      );
      await ctl.clearStats();
      expect((await adapters.voso.fetchOrder(shop, ids[249])).externalOrderId).toBe(ids[249]);
      // page 1 answers the total, then the last page holds it
      expect((await ctl.stats())['GET /v2/orders']).toBe(2);
      expect((await adapters.voso.fetchOrder(shop, ids[150])).lines).toEqual([
        { skuCode: 'N-500', variantId: null, quantity: 2, unitPriceVnd: 170_000 },
      ]);
    });
  });

  describe('Postmart', () => {
    it('pages 250 orders by cursor and clamps a since older than 15 days instead of being refused', async () => {
      const { shop, ctl, shopId } = await shopWithProduct('postmart', 'Q');
      const now = await ctl.now();
      const [old] = await placeOrders(ctl, shopId, [
        { lines: [{ sku: 'Q-250', quantity: 1 }], placedAt: new Date(now - 20 * DAY).toISOString() },
      ]);
      const ids = await placeOrders(
        ctl,
        shopId,
        Array.from({ length: 250 }, (_, i) => ({
          lines: [{ sku: 'Q-500', quantity: 1 }],
          placedAt: new Date(now - 14 * DAY + i * 60_000).toISOString(),
        })),
      );
      await ctl.clearStats();
      const changes = await collect(adapters.postmart.ordersChangedSince(shop, new Date(now - 30 * DAY)));
      expect(changes.map((change) => change.externalOrderId)).toEqual(ids);
      expect((await ctl.stats())['GET /api/v1/orders']).toBe(3);
      expect(changes[0].order?.lines[0]).toMatchObject({
        skuCode: 'Q-500',
        quantity: 1,
        unitPriceVnd: 170_000,
      });

      // changed exactly at since: still in
      const latest = changes[changes.length - 1].updatedAt;
      const tail = await collect(adapters.postmart.ordersChangedSince(shop, latest));
      expect(tail.map((change) => change.externalOrderId)).toEqual([ids[249]]);

      // untouched for 20 days: out of Postmart's reach
      expect(await rejection(adapters.postmart.fetchOrder(shop, old))).toMatchObject({
        options: { code: 'order_not_found' },
      });
    });

    it('reads one event from a delivery sent twice, each with its own transaction', async () => {
      const { ctl, shopId } = await shopWithProduct('postmart', 'D');
      const adapter = adapters.postmart;
      const receiver = await startReceiver(adapter);
      try {
        await ctl.patchShop(shopId, { webhookUrl: receiver.url, webhookSecret: 'whsec-twice' });
        expect((await ctl.faults(shopId, { webhookDuplicateRate: 1 })).status).toBe(200);
        await placeOrder(ctl, shopId, [{ sku: 'D-250', quantity: 1 }]);
        await waitFor(() => receiver.received.length >= 2, 5000, 'two deliveries');
        const [a, b] = receiver.received;
        expect(a.headers['x-postmart-transaction']).not.toBe(b.headers['x-postmart-transaction']);
        expect(adapter.readWebhook(a).eventId).toBe(adapter.readWebhook(b).eventId);
        expect([a, b].every((delivery) => adapter.verifyWebhook(delivery, 'whsec-twice', new Date()))).toBe(
          true,
        );
      } finally {
        await receiver.close();
      }
    });
  });
});
