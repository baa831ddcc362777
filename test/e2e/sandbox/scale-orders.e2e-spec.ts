import { createHmac } from 'node:crypto';
import { Sandbox } from '../../../apps/marketplace-sandbox/src/sandbox';
import { control, http, startTestSandbox } from './helpers';
import { DAY, ORDERS, placeHistory, timed } from './scale-support';

/**
 * Issue 4: the sandbox holds 10,000 listings and 100,000 orders per marketplace without slowing a
 * test run. Listings go in over the marketplace's own API, orders through the control API in bulk
 * (back-dated, as the demo's history does); then searches must still answer quickly.
 */

describe('sandbox at scale (Sendo-style and Postmart-style orders)', () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
  });
  afterAll(() => sandbox.close());

  it('Sendo-style and Postmart-style: 100,000 orders, windowed and cursor searches stay fast', async () => {
    const sendo = control(sandbox.urls.sendo);
    const sendoShop = await sendo.createShop();
    const token = (await http('POST', `${sandbox.urls.sendo}/login`, { body: sendoShop.credentials })).body
      .result.token;
    const auth = { authorization: `bearer ${token}` };
    await http('POST', `${sandbox.urls.sendo}/api/partner/product`, {
      headers: auth,
      body: {
        id: 0,
        name: 'x',
        sku: 'S',
        price: 1,
        cat_4_id: 1,
        weight: 1,
        stock_quantity: ORDERS,
        stock_availability: true,
      },
    });
    const now = await sendo.now();
    await placeHistory(sendo, sendoShop.shopId, ['S'], now);
    let pages = 0;
    let token2: string | null = null;
    const seen = new Set<string>();
    const run = await timed(async () => {
      do {
        const response: { body: any } = await http(
          'POST',
          `${sandbox.urls.sendo}/api/partner/salesorder/search`,
          {
            headers: auth,
            body: token2 ? { token: token2 } : { page_size: 50 },
          },
        );
        for (const row of response.body.result.data) seen.add(row.order_number);
        token2 = response.body.result.next_token;
        pages += 1;
      } while (token2 && pages < 200);
    });
    expect(seen.size).toBe(pages * 50);
    expect(run.ms / pages).toBeLessThan(50);

    const pmBase = sandbox.urls.postmart;
    const postmart = control(pmBase);
    const pmShop = await postmart.createShop();
    const sign = async (path: string, params: Record<string, string>, body: string) => {
      const all: Record<string, string> = {
        ...params,
        app_key: pmShop.credentials.app_key,
        timestamp: String(await postmart.now()),
      };
      const text =
        path +
        Object.keys(all)
          .sort()
          .map((k) => k + all[k])
          .join('') +
        body;
      const signature = createHmac('sha256', pmShop.credentials.app_secret)
        .update(text)
        .digest('hex')
        .toUpperCase();
      return `${pmBase}${path}?${new URLSearchParams({ ...all, sign: signature }).toString()}`;
    };
    const body = JSON.stringify({
      shop_id: pmShop.shopId,
      name: 'x',
      category: 'c',
      skus: [{ seller_sku: 'P', price: 1, quantity: ORDERS, weight_grams: 1 }],
    });
    expect((await http('POST', await sign('/api/v1/products', {}, body), { rawBody: body })).body.code).toBe(
      '0',
    );
    await placeHistory(postmart, pmShop.shopId, ['P'], now);
    await postmart.faults(pmShop.shopId, { rateLimitPerSecond: 0 });
    let cursor: string | null = null;
    let count = 0;
    const pmRun = await timed(async () => {
      for (let page = 0; page < 100; page++) {
        const params: Record<string, string> = cursor
          ? { cursor, limit: '100' }
          : { updated_after: new Date(now - 14 * DAY).toISOString(), limit: '100' };
        const response: { body: any } = await http('GET', await sign('/api/v1/orders', params, ''));
        count += response.body.data.orders.length;
        cursor = response.body.data.next_cursor;
      }
    });
    expect(count).toBe(10_000);
    expect(pmRun.ms / 100).toBeLessThan(50);
  }, 60_000);
});
