import { Sandbox } from '../../../apps/marketplace-sandbox/src/sandbox';
import { control, http, startTestSandbox } from './helpers';
import { DAY, LISTINGS, ORDERS, placeHistory, timed } from './scale-support';

/**
 * Issue 4: the sandbox holds 10,000 listings and 100,000 orders per marketplace without slowing a
 * test run. Listings go in over the marketplace's own API, orders through the control API in bulk
 * (back-dated, as the demo's history does); then searches must still answer quickly.
 */

describe('sandbox at scale (Voso-style listings and orders)', () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
  });
  afterAll(() => sandbox.close());

  it('Voso-style: 10,000 listings and 100,000 orders, still fast to page and update', async () => {
    const base = sandbox.urls.voso;
    const ctl = control(base);
    const shop = await ctl.createShop();
    await ctl.faults(shop.shopId, { rateLimitPerSecond: 0 });
    const token = (await http('POST', `${base}/v2/user/Login`, { body: shop.credentials })).body.data.token;
    const headers = { Token: token };
    const skus = Array.from({ length: LISTINGS }, (_, i) => `SKU-${i}`);
    // 10,000 listings are put straight into the store: creating them over HTTP one by one takes
    // ~12 s on two cores (test/bench/sandbox-scale.ts does it and reports the rate); what this
    // suite checks is that a marketplace holding that many stays fast for everything after.
    const state = sandbox.marketplaces.voso.store.shops.get(shop.shopId);
    if (!state) throw new Error('shop not found in the sandbox');
    for (let i = 0; i < LISTINGS; i++) {
      sandbox.marketplaces.voso.store.indexListing(state, {
        productId: String(90_000_000 + i),
        shopId: shop.shopId,
        name: `Sản phẩm ${i}`,
        description: '',
        categoryId: 'OCOP',
        images: [],
        status: 'active',
        available: true,
        variants: [{ sku: skus[i], variantId: skus[i], price: 10_000, quantity: 1000, weightGrams: 100 }],
        createdAt: 0,
        updatedAt: 0,
      });
    }
    const created = await http('POST', `${base}/v2/products`, {
      headers,
      body: {
        PRODUCT_NAME: 'one more',
        CATEGORY_CODE: 'OCOP',
        VARIANTS: [{ PRODUCT_SKU: 'NEW', PRICE: 1, QUANTITY: 1, WEIGHT: 1 }],
      },
    });
    expect(created.body.status).toBe(200);
    expect(
      (
        await http('POST', `${base}/v2/products`, {
          headers,
          body: {
            PRODUCT_NAME: 'dup',
            CATEGORY_CODE: 'OCOP',
            VARIANTS: [{ PRODUCT_SKU: skus[5], PRICE: 1, QUANTITY: 1, WEIGHT: 1 }],
          },
        })
      ).body.status,
    ).toBe(400);
    const now = await ctl.now();
    await placeHistory(ctl, shop.shopId, skus, now);

    const lastPage = await timed(() => http('GET', `${base}/v2/orders?page=1000&size=100`, { headers }));
    expect(lastPage.value.body.data.TOTAL).toBe(ORDERS);
    expect(lastPage.value.body.data.ITEMS).toHaveLength(100);
    expect(lastPage.ms).toBeLessThan(250);
    const since = await timed(() =>
      http(
        'GET',
        `${base}/v2/orders?page=1&size=100&updated_from=${encodeURIComponent(new Date(now - DAY).toISOString())}`,
        {
          headers,
        },
      ),
    );
    expect(since.value.body.data.TOTAL).toBeGreaterThan(ORDERS / 20);
    expect(since.value.body.data.TOTAL).toBeLessThan(ORDERS / 10);
    expect(since.ms).toBeLessThan(250);
    const items = Array.from({ length: 100 }, (_, i) => ({ PRODUCT_SKU: skus[i * 97], QUANTITY: 5 }));
    const bulk = await timed(() =>
      http('POST', `${base}/v2/inventory/bulk`, { headers, body: { ITEMS: items } }),
    );
    expect(bulk.value.body.data.SUCCESS).toHaveLength(100);
    expect(bulk.ms).toBeLessThan(250);
    const order = await timed(() => ctl.placeOrder(shop.shopId, { lines: [{ sku: skus[42], quantity: 1 }] }));
    expect(order.value.status).toBe(201);
    expect(order.ms).toBeLessThan(250);
    const listings = await timed(() => ctl.listings(shop.shopId));
    expect(listings.value).toHaveLength(LISTINGS + 1);
    expect(listings.ms).toBeLessThan(2000);
  }, 60_000);
});
