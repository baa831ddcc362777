import { randomUUID } from 'node:crypto';
import { newKey } from '../../support/factories';
import { sandboxControl } from '../../support/marketplaces';
import { eventually } from '../../support/worker';
import {
  ordersOf,
  postmartPushOf,
  type SandboxOrder,
  sellerOnAllThree,
  signedPostmartWebhook,
  signedVosoWebhook,
  skuOf,
  vietnamIso,
  vosoOrderNumber,
  vosoPushOf,
} from '../orders/support';
import { type OrdersWorld, startOrdersWorld } from './orders-world';

/**
 * Issue 13, finding 7: Voso- and Postmart-style pushes carry the order inline, signed with a secret
 * the seller itself supplies, and the connector imported what they said: a 10^12-VND order went
 * into the province report. A push is now a hint: the order's lines and amounts come from the
 * marketplace's own API, and a push whose order the marketplace does not know imports nothing.
 */
describe('issue 13 #7: forged order pushes count for nothing', () => {
  let world: OrdersWorld;
  let officer: string;

  beforeAll(async () => {
    // polls only once per connection: what the connector holds came in by push
    world = await startOrdersWorld('forged', { ORDER_POLL_INTERVAL_MS: '3600000' });
    officer = await newKey(world.api, 'officer');
  });
  afterAll(async () => {
    await world?.close();
  });

  const TRILLION = 1_000_000_000_000;
  const post = (marketplace: string, hook: { body: string; headers: Record<string, string> }) =>
    world.api.call('POST', `/v1/webhooks/${marketplace}`, { raw: hook.body, headers: hook.headers });
  const province = async () => {
    const res = await world.api.call('GET', '/v1/metrics/province', { key: officer });
    expect(res.status).toBe(200);
    return res.body as { channelMix: Record<string, number>; byDistrict: { revenueVnd: number }[] };
  };

  /** The inbox rows of a connection's pushes about one order, once each was tried at least once. */
  async function triedRows(connectionId: string, externalOrderId: string) {
    return eventually(async () => {
      const { rows } = await world.db.query(
        `SELECT processed_at, attempts, last_error FROM webhook_inbox
         WHERE connection_id = $1 AND external_order_id = $2`,
        [connectionId, externalOrderId],
      );
      return rows.length > 0 && rows.every((r) => r.attempts > 0) && rows;
    }, 30_000);
  }

  it('imports a signed push only as the marketplace holds the order; the province report moves by the real amounts', async () => {
    const seller = await sellerOnAllThree(world.api, world.sandbox, 100, { webhooks: false });
    const { voso, postmart } = seller.shops;
    await world.firstPollsDone([voso.connectionId, postmart.connectionId]);
    const before = await province();

    // 1. orders the marketplaces never had, signed with the shop's own webhook secret
    const ghostVoso = vosoOrderNumber();
    const ghostVosoPush = signedVosoWebhook(voso.shopId, voso.webhookSecret, {
      number: ghostVoso,
      status: 'DA_GIAO',
      updatedAt: vietnamIso(new Date()),
      lines: [{ sku: seller.code, quantity: 50, price: TRILLION / 50 }],
    });
    const ghostPostmart = randomUUID();
    const now = new Date().toISOString();
    const ghostPostmartPush = signedPostmartWebhook(postmart.shopId, postmart.webhookSecret, {
      id: ghostPostmart,
      status: 'delivered',
      placedAt: now,
      updatedAt: now,
      lines: [{ sku: seller.code, skuId: randomUUID(), quantity: 50, price: TRILLION / 50 }],
    });
    // the webhook answer still waits only for the inbox row
    expect((await post('voso', ghostVosoPush)).body).toEqual({ received: true, duplicate: false });
    expect((await post('postmart', ghostPostmartPush)).body).toMatchObject({
      received: true,
      duplicate: false,
    });

    // 2. real orders (2 boxes on Voso, 3 on Postmart) pushed with inflated lines and amounts
    const vosoShop = sandboxControl(world.sandbox.urls.voso);
    const postmartShop = sandboxControl(world.sandbox.urls.postmart);
    const realVoso = await vosoShop.placeOrder(voso.shopId, [{ sku: seller.code, quantity: 2 }], {
      notify: false,
    });
    const realPostmart = await postmartShop.placeOrder(postmart.shopId, [{ sku: seller.code, quantity: 3 }], {
      notify: false,
    });
    const inflated = [{ sku: seller.code, quantity: 40, price: TRILLION / 40 }];
    const inflatedVoso = vosoPushOf(
      voso.shopId,
      voso.webhookSecret,
      (await vosoShop.order(voso.shopId, realVoso.orderId)) as SandboxOrder,
      { lines: inflated },
    );
    const inflatedPostmart = postmartPushOf(
      postmart.shopId,
      postmart.webhookSecret,
      (await postmartShop.order(postmart.shopId, realPostmart.orderId)) as SandboxOrder,
      { lines: inflated },
    );
    expect((await post('voso', inflatedVoso)).status).toBe(200);
    expect((await post('postmart', inflatedPostmart)).status).toBe(200);

    // the real orders come in with the marketplace's lines and amounts
    const orders = await eventually(async () => {
      const found = await ordersOf(world.api, seller.coop.key);
      const wanted = [realVoso.orderId, realPostmart.orderId].map((id) =>
        found.find((o) => o.externalOrderId === id),
      );
      return wanted.every(Boolean) && wanted;
    }, 30_000);
    expect(orders[0]).toMatchObject({
      marketplace: 'voso',
      totalVnd: 360_000,
      lines: [expect.objectContaining({ skuCode: seller.code, quantity: 2, unitPriceVnd: 180_000 })],
    });
    expect(orders[1]).toMatchObject({
      marketplace: 'postmart',
      totalVnd: 540_000,
      lines: [expect.objectContaining({ skuCode: seller.code, quantity: 3, unitPriceVnd: 180_000 })],
    });

    // the ghosts were tried, refused with a reason that says why, and never imported
    for (const [connectionId, id] of [
      [voso.connectionId, ghostVoso],
      [postmart.connectionId, ghostPostmart],
    ]) {
      const rows = await triedRows(connectionId, id);
      expect(rows.every((r: { processed_at: Date | null }) => r.processed_at === null)).toBe(true);
      expect(rows[0].last_error).toMatch(/is not known to (voso|postmart)/);
    }
    const held = await ordersOf(world.api, seller.coop.key);
    expect(held.map((o) => o.externalOrderId).sort()).toEqual(
      [realVoso.orderId, realPostmart.orderId].sort(),
    );
    expect(await skuOf(world.api, seller.coop.key, seller.productId)).toMatchObject({
      onHand: 100,
      reserved: 5,
    });

    const after = await province();
    expect(after.channelMix).toEqual({
      ...before.channelMix,
      voso: (before.channelMix.voso ?? 0) + 360_000,
      postmart: (before.channelMix.postmart ?? 0) + 540_000,
    });
    const total = (report: typeof before) => report.byDistrict.reduce((sum, d) => sum + d.revenueVnd, 0);
    expect(total(after)).toBe(total(before) + 900_000);
  });
});
