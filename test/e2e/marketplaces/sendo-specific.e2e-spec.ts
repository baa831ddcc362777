import { type OrderChange, SendoAdapter, type ShopAccess } from '@ocop/marketplaces';
import { Sandbox } from '../../../apps/marketplace-sandbox/src/sandbox';
import {
  CATEGORY_CODES,
  collect,
  control,
  http,
  newShop,
  placeOrder,
  placeOrders,
  rejection,
  startTestSandbox,
  stockedProduct,
  teaProduct,
} from './support';

/**
 * What only the Sendo style has (MARKETPLACES.md, "Sendo-style"); everything the port promises is
 * checked for Sendo in adapter-contract.e2e-spec.ts.
 */

const DAY = 86_400_000;
const VN_OFFSET = 7 * 3600_000;

describe('SendoAdapter: what only Sendo does', () => {
  let sandbox: Sandbox;
  const adapter = new SendoAdapter(CATEGORY_CODES);

  beforeAll(async () => {
    sandbox = await startTestSandbox();
  });
  afterAll(() => sandbox.close());
  beforeEach(() => control(sandbox.urls.sendo).reset());

  async function shopWithProduct(tag: string) {
    const opened = await newShop(sandbox, 'sendo');
    await adapter.publish(opened.shop, stockedProduct(tag));
    return opened;
  }

  it('a product id that is not a number fails its stock item as permanent without a call', async () => {
    const { shop, ctl } = await newShop(sandbox, 'sendo');
    await ctl.clearStats();
    const [result] = await adapter.pushStock(shop, [
      { externalId: 'not-a-number', skuCode: 'X-2', variantId: 'X-2', quantity: 3, idempotencyKey: 'k3' },
    ]);
    expect(result).toMatchObject({
      ok: false,
      error: { kind: 'permanent', options: { code: 'bad_external_id' } },
    });
    expect(await ctl.stats()).toEqual({});
  });

  it('a product awaiting Sendo approval is retried later; a cancelled one is permanent', async () => {
    const { shop, ctl, shopId } = await newShop(sandbox, 'sendo');
    const content = teaProduct('R');
    const { externalId } = await adapter.publish(shop, content);
    const review = (productStatus: number) =>
      http('POST', `${sandbox.urls.sendo}/_sandbox/shops/${shopId}/listings/${externalId}/product-status`, {
        body: { productStatus },
      });
    expect((await review(1)).status).toBe(200);
    expect(await rejection(adapter.update(shop, externalId, content))).toMatchObject({
      kind: 'retryable',
      options: { code: 'awaiting_approval' },
    });
    const [stock] = await adapter.pushStock(shop, [
      { externalId, skuCode: 'R-100G', variantId: 'R-100G', quantity: 1, idempotencyKey: 'k' },
    ]);
    expect(stock).toMatchObject({
      ok: false,
      error: { kind: 'retryable', options: { code: 'awaiting_approval' } },
    });
    expect((await review(4)).status).toBe(200);
    expect((await rejection(adapter.update(shop, externalId, content))).kind).toBe('permanent');
    expect(await ctl.listings(shopId)).toHaveLength(1);
  });

  it('a login burst over 5 a second is retryable with the Retry-After it names', async () => {
    const { shop } = await newShop(sandbox, 'sendo');
    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, () => adapter.verifyCredentials(shop)),
    );
    const refused = outcomes
      .filter((o): o is PromiseRejectedResult => o.status === 'rejected')
      .map((o) => o.reason);
    expect(refused.length).toBeGreaterThan(0);
    for (const error of refused)
      expect(error).toMatchObject({ kind: 'retryable', options: { status: 429, retryAfterMs: 1000 } });
  });

  it('walks 3-day status windows from since to today, dropping the rows of since’s day before it', async () => {
    const { shop, ctl, shopId } = await shopWithProduct('S');
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

    const changes = await collect(adapter.ordersChangedSince(shop, new Date(since)));
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
    const { shop, ctl, shopId } = await shopWithProduct('P');
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
    const pages = adapter.ordersChangedSince(shop, new Date(now - 2 * 3600_000))[Symbol.asyncIterator]();
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
    const { shop, ctl, shopId } = await shopWithProduct('R');
    const orderId = await placeOrder(ctl, shopId, [{ sku: 'R-250', quantity: 1 }]);
    await adapter.cancelOrder(shop, orderId, 'out_of_stock');
    expect(await sendoDetail(shop, orderId)).toMatchObject({
      order_status: 13,
      cancel_order_reason: 'Hết hàng',
    });
  });
});
