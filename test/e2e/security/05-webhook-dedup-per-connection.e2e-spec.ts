import { randomUUID } from 'node:crypto';
import { sandboxControl } from '../../support/marketplaces';
import { eventually } from '../../support/worker';
import { ordersOf, postmartPushOf, type SandboxOrder, sellerOnAllThree, vosoPushOf } from '../orders/support';
import { type OrdersWorld, startOrdersWorld } from './orders-world';

/**
 * Issue 13, finding 5: the inbox de-duplicated webhooks by (marketplace, event id), so one
 * cooperative could pre-empt another's event id on the same marketplace and have the other's
 * genuine push answered "duplicate" and dropped. The key is now per connection.
 */
describe('issue 13 #5: webhook de-duplication is per connection', () => {
  let world: OrdersWorld;

  beforeAll(async () => {
    // polls only once per connection: orders here must come in by push
    world = await startOrdersWorld('dedup', { ORDER_POLL_INTERVAL_MS: '3600000' });
  });
  afterAll(async () => {
    await world?.close();
  });

  const post = (marketplace: string, hook: { body: string; headers: Record<string, string> }) =>
    world.api.call('POST', `/v1/webhooks/${marketplace}`, { raw: hook.body, headers: hook.headers });

  async function twoSellers() {
    const first = await sellerOnAllThree(world.api, world.sandbox, 10, { webhooks: false });
    const second = await sellerOnAllThree(world.api, world.sandbox, 10, { webhooks: false });
    await world.firstPollsDone(
      [first, second].flatMap((s) => [s.shops.voso.connectionId, s.shops.postmart.connectionId]),
    );
    return { first, second };
  }

  it('Voso: two cooperatives’ shops pushing the same EVENT_ID are both stored and both imported', async () => {
    const { first, second } = await twoSellers();
    const voso = sandboxControl(world.sandbox.urls.voso);
    const placedFirst = await voso.placeOrder(first.shops.voso.shopId, [{ sku: first.code, quantity: 1 }], {
      notify: false,
    });
    const placedSecond = await voso.placeOrder(
      second.shops.voso.shopId,
      [{ sku: second.code, quantity: 2 }],
      { notify: false },
    );
    const eventId = `evt-${randomUUID()}`;
    const firstPush = vosoPushOf(
      first.shops.voso.shopId,
      first.shops.voso.webhookSecret,
      (await voso.order(first.shops.voso.shopId, placedFirst.orderId)) as SandboxOrder,
      { eventId },
    );
    const secondPush = vosoPushOf(
      second.shops.voso.shopId,
      second.shops.voso.webhookSecret,
      (await voso.order(second.shops.voso.shopId, placedSecond.orderId)) as SandboxOrder,
      { eventId },
    );

    const firstAnswer = await post('voso', firstPush);
    expect(firstAnswer.status).toBe(200);
    expect(firstAnswer.body).toEqual({ received: true, duplicate: false });
    const secondAnswer = await post('voso', secondPush);
    expect(secondAnswer.status).toBe(200);
    expect(secondAnswer.body).toEqual({ received: true, duplicate: false });
    // within one connection a redelivery is still a duplicate
    expect((await post('voso', secondPush)).body).toEqual({ received: true, duplicate: true });

    const imported = async (seller: typeof first, orderId: string, quantity: number) => {
      const order = await eventually(async () =>
        (await ordersOf(world.api, seller.coop.key)).find((o) => o.externalOrderId === orderId),
      );
      expect(order).toMatchObject({ marketplace: 'voso', lines: [expect.objectContaining({ quantity })] });
    };
    await imported(first, placedFirst.orderId, 1);
    await imported(second, placedSecond.orderId, 2);
  });

  it('Postmart: a push on one shop naming another shop’s order state does not suppress that shop’s own', async () => {
    const { first, second } = await twoSellers();
    const postmart = sandboxControl(world.sandbox.urls.postmart);
    const placed = await postmart.placeOrder(
      second.shops.postmart.shopId,
      [{ sku: second.code, quantity: 3 }],
      {
        notify: false,
      },
    );
    const order = (await postmart.order(second.shops.postmart.shopId, placed.orderId)) as SandboxOrder;
    // Postmart's event id is the order's id, status and update time: the first cooperative signs,
    // with its own secret, a push on its own shop carrying the second's order
    const preempt = postmartPushOf(first.shops.postmart.shopId, first.shops.postmart.webhookSecret, order);
    const genuine = postmartPushOf(second.shops.postmart.shopId, second.shops.postmart.webhookSecret, order);
    const preemptAnswer = await post('postmart', preempt);
    expect(preemptAnswer.status).toBe(200);
    const genuineAnswer = await post('postmart', genuine);
    expect(genuineAnswer.status).toBe(200);
    expect(genuineAnswer.body).toMatchObject({ received: true, duplicate: false, code: 'success' });

    const imported = await eventually(async () =>
      (await ordersOf(world.api, second.coop.key)).find((o) => o.externalOrderId === placed.orderId),
    );
    expect(imported).toMatchObject({ marketplace: 'postmart', totalVnd: 3 * 180_000 });
    // the order belongs to the second cooperative's shop, never to the first's
    expect((await ordersOf(world.api, first.coop.key)).map((o) => o.externalOrderId)).not.toContain(
      placed.orderId,
    );
  });
});
