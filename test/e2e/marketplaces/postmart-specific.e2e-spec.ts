import { PostmartAdapter } from '@ocop/marketplaces';
import { Sandbox } from '../../../apps/marketplace-sandbox/src/sandbox';
import { waitFor } from '../sandbox/helpers';
import {
  byStatus,
  CATEGORY_CODES,
  collect,
  control,
  countingGate,
  heldListing,
  honeyProduct,
  newShop,
  placeOrder,
  placeOrders,
  rejection,
  startDeliveryReceiver,
  startTestSandbox,
  stockedProduct,
  teaProduct,
} from './support';

/**
 * What only the Postmart style has (MARKETPLACES.md, "Postmart-style"); everything the port
 * promises is checked for Postmart in adapter-contract.e2e-spec.ts.
 */

const DAY = 86_400_000;

describe('PostmartAdapter: what only Postmart does', () => {
  let sandbox: Sandbox;
  const adapter = new PostmartAdapter(CATEGORY_CODES);
  const unthrottled = { rateLimitPerSecond: 0 };

  beforeAll(async () => {
    sandbox = await startTestSandbox();
  });
  afterAll(() => sandbox.close());
  beforeEach(() => control(sandbox.urls.postmart).reset());

  async function shopWithProduct(tag: string) {
    const opened = await newShop(sandbox, 'postmart', unthrottled);
    await adapter.publish(opened.shop, stockedProduct(tag));
    return opened;
  }

  it('a 504 after the write is retryable; the retry with the same key applies nothing twice', async () => {
    const { shop, ctl, shopId } = await newShop(sandbox, 'postmart');
    const published = await adapter.publish(shop, teaProduct('C'));
    const item = {
      externalId: published.externalId,
      skuCode: 'C-100G',
      variantId: published.variantIds['C-100G'],
      quantity: 20,
      idempotencyKey: 'listing-1:C-100G:20:v7',
    };
    await ctl.faults(shopId, { writeThen504Rate: 1 });
    const [first] = await adapter.pushStock(shop, [item]);
    expect(first).toMatchObject({ ok: false, error: { kind: 'retryable', options: { status: 504 } } });
    expect(byStatus((await heldListing(ctl, shopId, published.externalId)).variants)['C-100G'].quantity).toBe(
      20,
    );
    // a sale lowers the held stock between the ambiguous answer and the retry
    expect((await ctl.placeOrder(shopId, { lines: [{ sku: 'C-100G', quantity: 3 }] })).status).toBe(201);
    await ctl.faults(shopId, { writeThen504Rate: 0 });
    const [retry] = await adapter.pushStock(shop, [item]);
    expect(retry).toEqual({ skuCode: 'C-100G', externalId: published.externalId, ok: true });
    expect(byStatus((await heldListing(ctl, shopId, published.externalId)).variants)['C-100G'].quantity).toBe(
      17,
    );
  });

  it('a clock more than 5 minutes off is retryable (InvalidTimestamp), neither auth nor permanent', async () => {
    const { shop } = await newShop(sandbox, 'postmart');
    const skewed = new PostmartAdapter(CATEGORY_CODES, { now: () => Date.now() - 10 * 60_000 });
    expect(await rejection(skewed.publish(shop, teaProduct('H')))).toMatchObject({
      kind: 'retryable',
      options: { code: 'InvalidTimestamp' },
    });
  });

  it('the stock calls of one push overlap, at most 8 at a time, each asking the call gate', async () => {
    const { shop, ctl } = await newShop(sandbox, 'postmart', { ...unthrottled, latencyMs: 20 });
    // calls that passed the gate in the last 15 ms (each takes at least 20 ms): a lower bound of those in flight
    let inFlight = 0;
    let peak = 0;
    const gate = countingGate();
    const gated = new PostmartAdapter(CATEGORY_CODES, {
      gate: {
        beforeCall: async (access) => {
          await gate.beforeCall(access);
          inFlight++;
          peak = Math.max(peak, inFlight);
          setTimeout(() => inFlight--, 15);
        },
      },
    });
    const content = honeyProduct('P', 20);
    const published = await gated.publish(shop, content);
    const results = await gated.pushStock(
      shop,
      content.variants.map((variant) => ({
        externalId: published.externalId,
        skuCode: variant.skuCode,
        variantId: published.variantIds[variant.skuCode],
        quantity: 5,
        idempotencyKey: `${variant.skuCode}:5`,
      })),
    );
    expect(results.every((result) => result.ok)).toBe(true);
    const total = Object.values(await ctl.stats()).reduce((sum, n) => sum + n, 0);
    expect(gate.calls).toBe(total);
    expect(gate.calls).toBe(21);
    // concurrent, and never over the bound of 8 (the bound itself is unit-tested in batching.spec.ts)
    expect(peak).toBeGreaterThan(1);
    expect(peak).toBeLessThanOrEqual(8);
  });

  it('pages 250 orders by cursor and clamps a since older than 15 days instead of being refused', async () => {
    const { shop, ctl, shopId } = await shopWithProduct('Q');
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
    const changes = await collect(adapter.ordersChangedSince(shop, new Date(now - 30 * DAY)));
    expect(changes.map((change) => change.externalOrderId)).toEqual(ids);
    expect((await ctl.stats())['GET /api/v1/orders']).toBe(3);
    expect(changes[0].order?.lines[0]).toMatchObject({
      skuCode: 'Q-500',
      quantity: 1,
      unitPriceVnd: 170_000,
    });

    // changed exactly at since: still in
    const latest = changes[changes.length - 1].updatedAt;
    const tail = await collect(adapter.ordersChangedSince(shop, latest));
    expect(tail.map((change) => change.externalOrderId)).toEqual([ids[249]]);

    // untouched for 20 days: out of Postmart's reach
    expect(await rejection(adapter.fetchOrder(shop, old))).toMatchObject({
      options: { code: 'order_not_found' },
    });
  });

  it('reads one event from a delivery sent twice, each with its own transaction', async () => {
    const { ctl, shopId } = await shopWithProduct('D');
    const receiver = await startDeliveryReceiver(adapter);
    try {
      await ctl.patchShop(shopId, { webhookUrl: receiver.url, webhookSecret: 'whsec-twice' });
      expect((await ctl.faults(shopId, { webhookDuplicateRate: 1 })).status).toBe(200);
      await placeOrder(ctl, shopId, [{ sku: 'D-250', quantity: 1 }]);
      await waitFor(() => receiver.received.length >= 2, 5000, 'two deliveries');
      const [a, b] = receiver.received;
      expect(a.headers['x-postmart-transaction']).not.toBe(b.headers['x-postmart-transaction']);
      expect(adapter.readWebhook(a).eventId).toBe(adapter.readWebhook(b).eventId);
      expect([a, b].every((delivery) => adapter.verifyWebhook(delivery, 'whsec-twice'))).toBe(true);
    } finally {
      await receiver.close();
    }
  });
});
