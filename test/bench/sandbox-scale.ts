/**
 * Benchmark of the marketplace sandbox at the scale issue 4 asks for: 10,000 listings created over
 * the Voso-style API, 100,000 back-dated orders per marketplace through the control API, then the
 * latency of order searches and stock writes. Prints one JSON report.
 *
 * Run: npm run bench:sandbox
 */
import { createHmac } from 'node:crypto';
import { startSandbox } from '../../apps/marketplace-sandbox/src/sandbox';

const LISTINGS = Number(process.env.BENCH_LISTINGS ?? 10_000);
const ORDERS = Number(process.env.BENCH_ORDERS ?? 100_000);
const DAY = 86_400_000;

async function json(
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
  raw?: string,
) {
  const text = raw ?? (body === undefined ? undefined : JSON.stringify(body));
  const response = await fetch(url, {
    method,
    headers: { ...(text === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: text,
  });
  return (await response.json()) as any;
}

async function pool(count: number, concurrency: number, task: (index: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

function percentiles(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) =>
    Number(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))].toFixed(2));
  return { p50: at(0.5), p95: at(0.95), max: at(1) };
}

async function sample(times: number, work: (i: number) => Promise<void>) {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await work(i);
    samples.push(performance.now() - started);
  }
  return percentiles(samples);
}

async function placeHistory(base: string, shopId: string, skus: string[], now: number) {
  const started = performance.now();
  for (let batch = 0; batch < Math.ceil(ORDERS / 10_000); batch++) {
    const size = Math.min(10_000, ORDERS - batch * 10_000);
    const orders = Array.from({ length: size }, (_, i) => {
      const n = batch * 10_000 + i;
      return {
        lines: [{ sku: skus[n % skus.length], quantity: 1 }],
        placedAt: new Date(now - 60_000 - ((n * 7919 * 1009) % (14 * DAY))).toISOString(),
        notify: false,
      };
    });
    await json('POST', `${base}/_sandbox/shops/${shopId}/orders`, { orders });
  }
  return Math.round(ORDERS / ((performance.now() - started) / 1000));
}

async function main() {
  const sandbox = await startSandbox({
    ports: { sendo: 0, voso: 0, postmart: 0, shopee: 0, tiktok: 0, lazada: 0 },
  });
  const report: Record<string, unknown> = { listings: LISTINGS, orders: ORDERS };
  try {
    // Voso: listings over HTTP, then orders, paging and bulk stock.
    const voso = sandbox.urls.voso;
    const vShop = await json('POST', `${voso}/_sandbox/shops`, {});
    await json('PUT', `${voso}/_sandbox/shops/${vShop.shopId}/faults`, { rateLimitPerSecond: 0 });
    const vToken = (await json('POST', `${voso}/v2/user/Login`, vShop.credentials)).data.token;
    const skus = Array.from({ length: LISTINGS }, (_, i) => `SKU-${i}`);
    const started = performance.now();
    await pool(LISTINGS, 16, async (i) => {
      await json(
        'POST',
        `${voso}/v2/products`,
        {
          PRODUCT_NAME: `P${i}`,
          CATEGORY_CODE: 'OCOP',
          VARIANTS: [{ PRODUCT_SKU: skus[i], PRICE: 1, QUANTITY: 1000, WEIGHT: 1 }],
        },
        { Token: vToken },
      );
    });
    report.vosoListingsPerSecond = Math.round(LISTINGS / ((performance.now() - started) / 1000));
    const now = Date.now();
    report.vosoOrdersPerSecond = await placeHistory(voso, vShop.shopId, skus, now);
    const lastPage = Math.floor(ORDERS / 100);
    report.vosoOrdersPageMs = await sample(200, async (i) => {
      await json('GET', `${voso}/v2/orders?page=${1 + ((i * 37) % lastPage)}&size=100`, undefined, {
        Token: vToken,
      });
    });
    report.vosoBulkStock100Ms = await sample(100, async (i) => {
      const ITEMS = Array.from({ length: 100 }, (_, k) => ({
        PRODUCT_SKU: skus[(i * 100 + k) % LISTINGS],
        QUANTITY: 500,
      }));
      await json('POST', `${voso}/v2/inventory/bulk`, { ITEMS }, { Token: vToken });
    });

    // Sendo: windowed search with paging tokens.
    const sendo = sandbox.urls.sendo;
    const sShop = await json('POST', `${sendo}/_sandbox/shops`, {});
    const sAuth = {
      authorization: `bearer ${(await json('POST', `${sendo}/login`, sShop.credentials)).result.token}`,
    };
    await json(
      'POST',
      `${sendo}/api/partner/product`,
      {
        id: 0,
        name: 'x',
        sku: 'S',
        price: 1,
        cat_4_id: 1,
        weight: 1,
        stock_quantity: ORDERS,
        stock_availability: true,
      },
      sAuth,
    );
    report.sendoOrdersPerSecond = await placeHistory(sendo, sShop.shopId, ['S'], now);
    let token: string | null = null;
    report.sendoSearchPageMs = await sample(200, async () => {
      const page: any = await json(
        'POST',
        `${sendo}/api/partner/salesorder/search`,
        token ? { token } : { page_size: 50 },
        sAuth,
      );
      token = page.result.next_token;
    });

    // Postmart: signed cursor paging and idempotent stock writes.
    const pm = sandbox.urls.postmart;
    const pShop = await json('POST', `${pm}/_sandbox/shops`, {});
    await json('PUT', `${pm}/_sandbox/shops/${pShop.shopId}/faults`, { rateLimitPerSecond: 0 });
    const signed = (path: string, params: Record<string, string>, body: string) => {
      const all: Record<string, string> = {
        ...params,
        app_key: pShop.credentials.app_key,
        timestamp: String(Date.now()),
      };
      const text =
        path +
        Object.keys(all)
          .sort()
          .map((k) => k + all[k])
          .join('') +
        body;
      const sign = createHmac('sha256', pShop.credentials.app_secret)
        .update(text)
        .digest('hex')
        .toUpperCase();
      return `${pm}${path}?${new URLSearchParams({ ...all, sign }).toString()}`;
    };
    const productBody = JSON.stringify({
      shop_id: pShop.shopId,
      name: 'x',
      category: 'c',
      skus: [{ seller_sku: 'P', price: 1, quantity: ORDERS, weight_grams: 1 }],
    });
    const product = await json(
      'POST',
      signed('/api/v1/products', {}, productBody),
      undefined,
      {},
      productBody,
    );
    report.postmartOrdersPerSecond = await placeHistory(pm, pShop.shopId, ['P'], now);
    let cursor: string | null = null;
    report.postmartOrdersPageMs = await sample(200, async () => {
      const params: Record<string, string> = cursor
        ? { cursor, limit: '100' }
        : { updated_after: new Date(now - 14 * DAY).toISOString(), limit: '100' };
      const page: any = await json('GET', signed('/api/v1/orders', params, ''));
      cursor = page.data.next_cursor;
    });
    const skuId = product.data.skus[0].sku_id;
    report.postmartStockWriteMs = await sample(200, async (i) => {
      const body = JSON.stringify({ quantity: i });
      await json(
        'PUT',
        signed(`/api/v1/skus/${skuId}/stock`, {}, body),
        undefined,
        { 'Idempotency-Key': `k${i}` },
        body,
      );
    });
    report.heapUsedMb = Math.round(process.memoryUsage().heapUsed / 1_048_576);
  } finally {
    await sandbox.close();
  }
  console.log(JSON.stringify(report, null, 2));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
