import type { INestApplicationContext } from '@nestjs/common';
import { RunningApi, startApi } from '../../support/api';
import { newCooperative } from '../../support/factories';
import { MARKETPLACE_NAMES, sandboxControl, startMarketplaces } from '../../support/marketplaces';
import { eventually, startWorker } from '../../support/worker';
import {
  everywhereHolds,
  ordersOf,
  type Sandbox,
  type SandboxOrder,
  sellerOnAllThree,
  signedVosoWebhook,
  skuOf,
  vietnamIso,
  vosoOrderNumber,
  vosoPushOf,
} from './support';

describe('orders: webhooks, stock reservation, propagation and the order lifecycle', () => {
  let api: RunningApi;
  let worker: INestApplicationContext;
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await startMarketplaces();
    api = await startApi();
    worker = await startWorker({ ORDER_POLL_INTERVAL_MS: '2000' });
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await sandbox?.close();
  });

  it('reserves an order from each marketplace, pushes the new figure everywhere, and a cancellation restores it', async () => {
    const seller = await sellerOnAllThree(api, sandbox, 10);
    for (const marketplace of MARKETPLACE_NAMES) {
      const { shopId } = seller.shops[marketplace];
      await sandboxControl(sandbox.urls[marketplace]).placeOrder(shopId, [{ sku: seller.code, quantity: 2 }]);
    }
    const orders = await eventually(async () => {
      const found = await ordersOf(api, seller.coop.key, `&cooperativeId=${seller.coop.id}`);
      return found.length === 3 && found.every((o) => o.stockStatus === 'reserved') && found;
    });
    for (const order of orders) {
      expect(order).toMatchObject({
        cooperativeId: seller.coop.id,
        status: 'pending',
        totalVnd: 360000,
        lines: [{ skuId: seller.skuId, skuCode: seller.code, quantity: 2, unitPriceVnd: 180000 }],
        flags: [],
      });
    }
    expect(await skuOf(api, seller.coop.key, seller.productId)).toMatchObject({ onHand: 10, reserved: 6 });
    // every marketplace, the ones that took no order included, now offers what is left
    await everywhereHolds(sandbox, seller.shops, seller.code, 4);

    const voso = orders.find((o) => o.marketplace === 'voso');
    await sandboxControl(sandbox.urls.voso).moveOrder(
      seller.shops.voso.shopId,
      voso.externalOrderId,
      'cancelled',
    );
    await eventually(async () => {
      const res = await api.call('GET', `/v1/orders/${voso.id}`, { key: seller.coop.key });
      return res.body.status === 'cancelled' && res.body.stockStatus === 'released';
    });
    expect(await skuOf(api, seller.coop.key, seller.productId)).toMatchObject({ onHand: 10, reserved: 4 });
    await everywhereHolds(sandbox, seller.shops, seller.code, 6);
    // the marketplace's own changes name nobody in the history
    const vosoHistory = (await api.call('GET', `/v1/orders/${voso.id}`, { key: seller.coop.key })).body
      .history;
    expect(vosoHistory.map((change: any) => [change.status, change.actor])).toEqual([
      ['pending', null],
      ['cancelled', null],
    ]);

    // shipping takes the units off the shelf; a return puts them back
    const sendo = orders.find((o) => o.marketplace === 'sendo');
    const sendoShop = sandboxControl(sandbox.urls.sendo);
    await sendoShop.moveOrder(seller.shops.sendo.shopId, sendo.externalOrderId, 'confirmed');
    await sendoShop.moveOrder(seller.shops.sendo.shopId, sendo.externalOrderId, 'shipped');
    await eventually(async () => {
      const res = await api.call('GET', `/v1/orders/${sendo.id}`, { key: seller.coop.key });
      return res.body.status === 'shipped' && res.body.stockStatus === 'fulfilled';
    });
    expect(await skuOf(api, seller.coop.key, seller.productId)).toMatchObject({ onHand: 8, reserved: 2 });
    await sendoShop.moveOrder(seller.shops.sendo.shopId, sendo.externalOrderId, 'returned');
    await eventually(async () => {
      const res = await api.call('GET', `/v1/orders/${sendo.id}`, { key: seller.coop.key });
      return res.body.status === 'returned' && res.body.stockStatus === 'released';
    });
    expect(await skuOf(api, seller.coop.key, seller.productId)).toMatchObject({ onHand: 10, reserved: 2 });
    await everywhereHolds(sandbox, seller.shops, seller.code, 8);

    const movements = await api.call('GET', `/v1/skus/${seller.skuId}/stock-movements?limit=200`, {
      key: seller.coop.key,
    });
    // initial, 3 reservations, 1 release, 1 fulfilment, 1 restock: one row per transition
    expect(movements.body.items.filter((m: { kind: string }) => m.kind === 'order')).toHaveLength(6);
  });

  /**
   * A buyer's order placed on the seller's Voso shop without its own push (notify: false), and a
   * push of it signed as Voso signs, for the test to deliver as it likes.
   */
  async function vosoOrderPushed(
    seller: Awaited<ReturnType<typeof sellerOnAllThree>>,
    lines: { sku: string; quantity: number }[],
  ) {
    const voso = sandboxControl(sandbox.urls.voso);
    const { orderId } = await voso.placeOrder(seller.shops.voso.shopId, lines, { notify: false });
    const order = (await voso.order(seller.shops.voso.shopId, orderId)) as SandboxOrder;
    const hook = vosoPushOf(seller.shops.voso.shopId, seller.shops.voso.webhookSecret, order);
    return { number: orderId, order, hook };
  }

  it('sells the last 3 units once when three marketplaces order 2 each at the same moment', async () => {
    const seller = await sellerOnAllThree(api, sandbox, 3);
    await Promise.all(
      MARKETPLACE_NAMES.map((marketplace) =>
        sandboxControl(sandbox.urls[marketplace]).placeOrder(seller.shops[marketplace].shopId, [
          { sku: seller.code, quantity: 2 },
        ]),
      ),
    );
    const orders = await eventually(async () => {
      const found = await ordersOf(api, seller.coop.key, `&cooperativeId=${seller.coop.id}`);
      return found.length === 3 && found;
    });
    const reserved = orders.reduce((sum, o) => sum + o.lines[0].reservedQuantity, 0);
    expect(reserved).toBe(3);
    expect(orders.filter((o) => o.stockStatus === 'oversold').length).toBeGreaterThanOrEqual(1);
    expect(
      orders.filter((o) => o.stockStatus === 'oversold').every((o) => o.flags.includes('oversold')),
    ).toBe(true);
    expect(await skuOf(api, seller.coop.key, seller.productId)).toMatchObject({
      onHand: 3,
      reserved: 3,
      available: 0,
    });
    const oversold = await ordersOf(
      api,
      seller.coop.key,
      `&cooperativeId=${seller.coop.id}&stockStatus=oversold`,
    );
    expect(oversold.length).toBe(orders.filter((o) => o.stockStatus === 'oversold').length);
    // no marketplace is left offering units that are gone
    await everywhereHolds(sandbox, seller.shops, seller.code, 0);
  });

  it('makes one order, one reservation and one ledger row of the same webhook delivered 10 times at once', async () => {
    const seller = await sellerOnAllThree(api, sandbox, 10, { webhooks: false });
    const { number, hook } = await vosoOrderPushed(seller, [{ sku: seller.code, quantity: 3 }]);
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        api.call('POST', '/v1/webhooks/voso', { raw: hook.body, headers: hook.headers }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(answers.filter((a) => a.body.duplicate === false)).toHaveLength(1);
    expect(answers.filter((a) => a.body.duplicate === true)).toHaveLength(9);
    expect(answers.every((a) => a.body.received === true)).toBe(true);
    await eventually(async () => (await skuOf(api, seller.coop.key, seller.productId)).reserved === 3);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const orders = await ordersOf(api, seller.coop.key, `&cooperativeId=${seller.coop.id}`);
    expect(orders.filter((o) => o.externalOrderId === number)).toHaveLength(1);
    expect(await skuOf(api, seller.coop.key, seller.productId)).toMatchObject({ reserved: 3 });
    const movements = await api.call('GET', `/v1/skus/${seller.skuId}/stock-movements`, {
      key: seller.coop.key,
    });
    expect(movements.body.items.filter((m: { kind: string }) => m.kind === 'order')).toHaveLength(1);
  });

  it('refuses stale, tampered, unsigned, malformed, oversized and unknown-shop webhooks, storing nothing', async () => {
    const seller = await sellerOnAllThree(api, sandbox, 10, { webhooks: false });
    const { shopId, webhookSecret } = seller.shops.voso;
    // refused before anything reads the order: it need not exist on the marketplace
    const order = {
      number: vosoOrderNumber(),
      status: 'CHO_DUYET',
      updatedAt: vietnamIso(new Date()),
      lines: [{ sku: seller.code, quantity: 1, price: 180000 }],
    };
    const post = (body: string, headers: Record<string, string>) =>
      api.call('POST', '/v1/webhooks/voso', { raw: body, headers });

    const stale = signedVosoWebhook(shopId, webhookSecret, order, {
      signedAt: Math.floor(Date.now() / 1000) - 301,
    });
    const staleAnswer = await post(stale.body, stale.headers);
    expect(staleAnswer.status).toBe(401);
    expect(staleAnswer.body.error.code).toBe('unauthorized');

    const fresh = signedVosoWebhook(shopId, webhookSecret, order);
    const tampered = fresh.body.replace('"QUANTITY":1', '"QUANTITY":9');
    expect((await post(tampered, fresh.headers)).status).toBe(401);
    expect((await post(fresh.body, { 'content-type': 'application/json' })).status).toBe(401);
    const wrongSecret = signedVosoWebhook(shopId, 'not-the-secret', order);
    expect((await post(wrongSecret.body, wrongSecret.headers)).status).toBe(401);

    const malformed = await post('{"EVENT_ID": ', fresh.headers);
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('bad_request');
    const notVoso = await post(JSON.stringify({ hello: 'world' }), fresh.headers);
    expect(notVoso.status).toBe(400);

    const stranger = signedVosoWebhook('no-such-shop', webhookSecret, order);
    const unknownShop = await post(stranger.body, stranger.headers);
    expect(unknownShop.status).toBe(404);
    expect(unknownShop.body.error.code).toBe('not_found');

    const huge = await post(JSON.stringify({ EVENT_ID: 'x', pad: 'x'.repeat(1024 * 1024) }), fresh.headers);
    expect(huge.status).toBe(413);
    // no endpoint for a marketplace the connector does not know; another one's refuses a Voso body
    expect(
      (await api.call('POST', '/v1/webhooks/lazmall', { raw: fresh.body, headers: fresh.headers })).status,
    ).toBe(404);
    expect(
      (await api.call('POST', '/v1/webhooks/lazada', { raw: fresh.body, headers: fresh.headers })).status,
    ).toBe(400);

    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await ordersOf(api, seller.coop.key, `&cooperativeId=${seller.coop.id}`)).toHaveLength(0);
    expect(await skuOf(api, seller.coop.key, seller.productId)).toMatchObject({ reserved: 0 });

    // the well-signed one is still stored afterwards: nothing refused took its event id (its order,
    // unknown to Voso, is then refused by the import: test/e2e/security/07-forged-order-pushes)
    const accepted = await post(fresh.body, fresh.headers);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toEqual({ received: true, duplicate: false });
  });

  it('pushes confirm and cancel to the marketplace, and auto-confirms where the connection asks', async () => {
    const seller = await sellerOnAllThree(api, sandbox, 10);
    const placed: Record<string, string> = {};
    for (const marketplace of MARKETPLACE_NAMES) {
      placed[marketplace] = (
        await sandboxControl(sandbox.urls[marketplace]).placeOrder(seller.shops[marketplace].shopId, [
          { sku: seller.code, quantity: 1 },
        ])
      ).orderId;
    }
    const orders = await eventually(async () => {
      const found = await ordersOf(api, seller.coop.key, `&cooperativeId=${seller.coop.id}`);
      return found.length === 3 && found;
    });
    for (const order of orders) {
      const confirmed = await api.call('POST', `/v1/orders/${order.id}/confirm`, { key: seller.coop.key });
      expect(confirmed.status).toBe(202);
      // the worker may have pushed it already by the time the answer is read
      expect(confirmed.body.requestedAction === 'confirm' || confirmed.body.status === 'confirmed').toBe(
        true,
      );
    }
    await eventually(async () => {
      const found = await ordersOf(api, seller.coop.key, `&cooperativeId=${seller.coop.id}`);
      return found.every((o) => o.status === 'confirmed' && o.requestedAction === null);
    });
    for (const marketplace of MARKETPLACE_NAMES) {
      const held = await sandboxControl(sandbox.urls[marketplace]).order(
        seller.shops[marketplace].shopId,
        placed[marketplace],
      );
      expect(held.connectorStatus).toBe('confirmed');
    }
    const voso = orders.find((o) => o.marketplace === 'voso');
    const refused = await api.call('POST', `/v1/orders/${voso.id}/confirm`, { key: seller.coop.key });
    expect(refused.status).toBe(409);
    const badReason = await api.call('POST', `/v1/orders/${voso.id}/cancel`, {
      key: seller.coop.key,
      body: { reason: 'bored' },
    });
    expect(badReason.status).toBe(400);
    const cancelled = await api.call('POST', `/v1/orders/${voso.id}/cancel`, {
      key: seller.coop.key,
      body: { reason: 'out_of_stock' },
    });
    expect(cancelled.status).toBe(202);
    await eventually(async () => {
      const res = await api.call('GET', `/v1/orders/${voso.id}`, { key: seller.coop.key });
      return res.body.status === 'cancelled' && res.body.stockStatus === 'released';
    });
    // the history names who confirmed and who cancelled through the API, as named then
    const byKey = { kind: 'key', id: seller.coop.keyId, name: 'test' };
    for (const order of orders) {
      const { history } = (await api.call('GET', `/v1/orders/${order.id}`, { key: seller.coop.key })).body;
      expect(history.map((change: any) => [change.status, change.actor])).toEqual([
        ['pending', null],
        ['confirmed', byKey],
        ...(order.id === voso.id ? [['cancelled', byKey]] : []),
      ]);
    }

    const auto = await sellerOnAllThree(api, sandbox, 5, { autoConfirmOrders: true });
    await sandboxControl(sandbox.urls.voso).placeOrder(auto.shops.voso.shopId, [
      { sku: auto.code, quantity: 1 },
    ]);
    await eventually(async () => {
      const [found] = await ordersOf(api, auto.coop.key, `&cooperativeId=${auto.coop.id}`);
      return found?.status === 'confirmed';
    });
    // the connector's own confirmation names nobody
    const [autoOrder] = await ordersOf(api, auto.coop.key, `&cooperativeId=${auto.coop.id}`);
    const autoHistory = (await api.call('GET', `/v1/orders/${autoOrder.id}`, { key: auto.coop.key })).body
      .history;
    expect(autoHistory.map((change: any) => change.actor)).toEqual([null, null]);
  });

  it('scopes orders to their cooperative and validates filters', async () => {
    const seller = await sellerOnAllThree(api, sandbox, 5);
    await sandboxControl(sandbox.urls.sendo).placeOrder(seller.shops.sendo.shopId, [
      { sku: seller.code, quantity: 1 },
    ]);
    const [order] = await eventually(async () => {
      const found = await ordersOf(api, seller.coop.key, '');
      return found.length === 1 && found;
    });
    const other = await newCooperative(api);
    expect((await api.call('GET', `/v1/orders/${order.id}`, { key: other.key })).status).toBe(404);
    expect(await ordersOf(api, other.key, '')).toHaveLength(0);
    expect((await api.call('POST', `/v1/orders/${order.id}/confirm`, { key: other.key })).status).toBe(404);
    expect((await api.call('GET', `/v1/orders/${order.id}`, { key: api.adminKey })).status).toBe(200);

    const today = new Date().toISOString().slice(0, 10);
    const byDay = await ordersOf(
      api,
      seller.coop.key,
      `&from=2020-01-01&to=2099-12-31&marketplace=sendo&status=pending`,
    );
    expect(byDay.map((o) => o.id)).toEqual([order.id]);
    expect(await ordersOf(api, seller.coop.key, `&from=2099-01-01`)).toHaveLength(0);
    for (const bad of [
      'status=lost',
      'marketplace=amazon',
      'from=2026-13-01',
      `from=${today}&to=2020-01-01`,
      'limit=500',
    ]) {
      const res = await api.call('GET', `/v1/orders?${bad}`, { key: seller.coop.key });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
  });
});
