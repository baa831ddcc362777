import type { INestApplicationContext } from '@nestjs/common';
import ExcelJS from 'exceljs';
import { SalesRollups } from '@ocop/metrics';
import type { RunningApi } from '../../support/api';
import { uniqueCode } from '../../support/factories';
import { MARKETPLACE_NAMES, type MarketplaceName, sandboxControl } from '../../support/marketplaces';
import { eventually } from '../../support/worker';
import { certify, placeOrder, type Seller, startSalesWorld } from './support';
import { ordersOf, type Sandbox } from '../orders/support';

/**
 * Known orders in — placed on the sandbox marketplaces in the past, arriving by the real webhooks
 * and imported by the real worker — and exact figures out. The province report counts everything
 * in its database, so this suite has a database (and queues) of its own.
 */

describe('sales metrics: roll-ups, series, growth, OCOP uplift, the province report and CSV', () => {
  let world: Awaited<ReturnType<typeof startSalesWorld>> | undefined;
  let api: RunningApi;
  let worker: INestApplicationContext;
  let sandbox: Sandbox;
  let officer: string;
  let teaHouse: Seller; // Đại Từ, tea at 180,000 ₫, 4 stars decided 2026-06-01
  let noodles: Seller; // Phú Lương, vermicelli at 50,000 ₫, 3 stars decided 2026-09-01, nothing sold before
  let lateTeaId: string; // a second tea of the first producer, 3 stars decided 2026-11-20

  async function move(
    who: Seller,
    placed: { marketplace: MarketplaceName; orderId: string },
    ...steps: string[]
  ) {
    for (const status of steps) {
      await sandboxControl(sandbox.urls[placed.marketplace]).moveOrder(
        who.shops[placed.marketplace].shopId,
        placed.orderId,
        status,
      );
    }
  }

  /** Waits until the connector holds `count` orders of the producer, in the statuses given. */
  async function imported(who: Seller, expected: Record<string, number>) {
    await eventually(async () => {
      const orders = await ordersOf(api, who.coop.key);
      const byStatus: Record<string, number> = {};
      for (const o of orders) byStatus[o.status] = (byStatus[o.status] ?? 0) + 1;
      return JSON.stringify(sorted(byStatus)) === JSON.stringify(sorted(expected));
    }, 30_000);
  }

  const sorted = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).sort());
  const get = (path: string, key = officer, headers: Record<string, string> = {}) =>
    api.call('GET', path, { key, headers });

  const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  /** A report as the .xlsx workbook an officer downloads, read back with exceljs. */
  async function workbookOf(path: string, headers: Record<string, string> = {}) {
    const res = await fetch(`${api.url}${path}`, {
      headers: { authorization: `Bearer ${officer}`, ...headers },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(XLSX);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await res.arrayBuffer());
    return { book, disposition: res.headers.get('content-disposition') };
  }
  /** A sheet's cells row by row; fractions to 4 places, as a 0.00% format shows them. */
  const rowsOf = (sheet: ExcelJS.Worksheet) =>
    sheet
      .getSheetValues()
      .flatMap((row) =>
        Array.isArray(row)
          ? [
              Array.from(row.slice(1), (v) =>
                typeof v === 'number' ? Math.round(v * 10_000) / 10_000 : (v ?? null),
              ),
            ]
          : [],
      );

  beforeAll(async () => {
    world = await startSalesWorld('metrics');
    ({ sandbox, api, worker, officer, teaHouse, noodles } = world);
    const lateTea = await api.call('POST', '/v1/products', {
      key: teaHouse.coop.key,
      body: {
        cooperativeId: teaHouse.coop.id,
        name: 'Trà móc câu đặc biệt',
        category: 'tea',
        skus: [{ code: uniqueCode('TN'), name: 'Hộp 100g', priceVnd: 90_000, weightGrams: 100, onHand: 5 }],
      },
    });
    lateTeaId = lateTea.body.id;
    await certify(api, officer, teaHouse.productId, 4, '2026-06-01');
    await certify(api, officer, noodles.productId, 3, '2026-09-01');
    await certify(api, officer, lateTeaId, 3, '2026-11-20');

    // The tea house: 1 box before its rating, 5 after it, one cancelled, one returned.
    await placeOrder(sandbox, teaHouse, 'sendo', 1, '2026-05-10T03:00:00Z'); // 180,000 on 10 May
    // 23:30 UTC on 31 May is 06:30 on 1 June in Vietnam: after the decision, in June
    await placeOrder(sandbox, teaHouse, 'voso', 2, '2026-05-31T23:30:00Z'); // 360,000 on 1 June
    const june15 = await placeOrder(sandbox, teaHouse, 'postmart', 3, '2026-06-15T02:00:00Z'); // 540,000 on 15 June
    // The connector imports a pushed order only as the marketplace's API shows it, and Postmart's
    // order search reaches 15 days back: the seller confirms this one now, which brings it in.
    await move(teaHouse, june15, 'confirmed');
    const cancelled = await placeOrder(sandbox, teaHouse, 'sendo', 1, '2026-06-20T02:00:00Z');
    const returned = await placeOrder(sandbox, teaHouse, 'voso', 2, '2026-06-25T02:00:00Z');
    await imported(teaHouse, { pending: 4, confirmed: 1 });
    await move(teaHouse, cancelled, 'cancelled');
    await move(teaHouse, returned, 'confirmed', 'shipped', 'returned');
    // The noodle maker sells only after its rating.
    await placeOrder(sandbox, noodles, 'voso', 4, '2026-09-10T01:00:00Z'); // 200,000 on 10 September
    await imported(teaHouse, { pending: 2, confirmed: 1, cancelled: 1, returned: 1 });
    await imported(noodles, { pending: 1 });
  }, 180_000);

  afterAll(async () => {
    await world?.close();
  });

  describe('a producer’s sales series', () => {
    it('by month: each order on its Vietnamese day, cancelled and returned orders taken out', async () => {
      const res = await get(
        `/v1/metrics/cooperatives/${teaHouse.coop.id}/sales?from=2026-05-01&to=2026-07-31&granularity=month`,
      );
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        cooperativeId: teaHouse.coop.id,
        from: '2026-05-01',
        to: '2026-07-31',
        granularity: 'month',
        series: [
          {
            period: '2026-05',
            revenueVnd: 180_000,
            units: 1,
            orders: 1,
            byMarketplace: { sendo: 180_000, voso: 0, postmart: 0, shopee: 0, tiktok: 0, lazada: 0 },
          },
          {
            period: '2026-06',
            revenueVnd: 900_000,
            units: 5,
            orders: 2,
            byMarketplace: { sendo: 0, voso: 360_000, postmart: 540_000, shopee: 0, tiktok: 0, lazada: 0 },
          },
          {
            period: '2026-07',
            revenueVnd: 0,
            units: 0,
            orders: 0,
            byMarketplace: { sendo: 0, voso: 0, postmart: 0, shopee: 0, tiktok: 0, lazada: 0 },
          },
        ],
        totals: { revenueVnd: 1_080_000, units: 6, orders: 3 },
      });
    });

    it('by day and by ISO week: the 23:30 UTC order is on Monday 1 June (2026-W23), not Sunday 31 May', async () => {
      const days = await get(
        `/v1/metrics/cooperatives/${teaHouse.coop.id}/sales?from=2026-05-31&to=2026-06-01`,
      );
      expect(days.body.series.map((p: any) => [p.period, p.revenueVnd])).toEqual([
        ['2026-05-31', 0],
        ['2026-06-01', 360_000],
      ]);
      const weeks = await get(
        `/v1/metrics/cooperatives/${teaHouse.coop.id}/sales?from=2026-05-25&to=2026-06-14&granularity=week`,
      );
      expect(weeks.body.series.map((p: any) => [p.period, p.revenueVnd, p.byMarketplace.voso])).toEqual([
        ['2026-W22', 0, 0],
        ['2026-W23', 360_000, 360_000],
        ['2026-W24', 0, 0],
      ]);
    });

    it('as CSV, by ?format=csv or by Accept: text/csv, with a header row', async () => {
      const path = `/v1/metrics/cooperatives/${teaHouse.coop.id}/sales?from=2026-05-01&to=2026-06-30&granularity=month`;
      // the period as ="2026-05", which Excel keeps as the text it is instead of a date
      const expected =
        'Kỳ,Doanh thu (đồng),Số lượng bán,Số đơn hàng,Doanh thu Sendo (đồng),Doanh thu Voso (đồng),' +
        'Doanh thu Postmart (đồng),Doanh thu Shopee (đồng),Doanh thu TikTok Shop (đồng),Doanh thu Lazada (đồng)\n' +
        '"=""2026-05""",180000,1,1,180000,0,0,0,0,0\n' +
        '"=""2026-06""",900000,5,2,0,360000,540000,0,0,0\n';
      const byQuery = await get(`${path}&format=csv`);
      expect(byQuery.status).toBe(200);
      expect(byQuery.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(byQuery.text).toBe(expected);
      const byAccept = await get(path, officer, { accept: 'text/csv' });
      expect(byAccept.text).toBe(expected);
      // a byte order mark leads the bytes (fetch's text() drops it), so Excel reads UTF-8
      const raw = await fetch(`${api.url}${path}&format=csv`, {
        headers: { authorization: `Bearer ${officer}` },
      });
      expect([...new Uint8Array(await raw.arrayBuffer()).slice(0, 4)]).toEqual([0xef, 0xbb, 0xbf, 0x4b]);
      // the query wins over the header
      const json = await get(`${path}&format=json`, officer, { accept: 'text/csv' });
      expect(json.headers.get('content-type')).toMatch(/^application\/json/);
      expect(json.body.totals.revenueVnd).toBe(1_080_000);
    });
  });

  describe('growth against the same-length window just before', () => {
    it('June against the 30 days before it', async () => {
      const res = await get(
        `/v1/metrics/cooperatives/${teaHouse.coop.id}/growth?from=2026-06-01&to=2026-06-30`,
      );
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        cooperativeId: teaHouse.coop.id,
        current: { from: '2026-06-01', to: '2026-06-30', revenueVnd: 900_000, units: 5, orders: 2 },
        previous: { from: '2026-05-02', to: '2026-05-31', revenueVnd: 180_000, units: 1, orders: 1 },
        growthPct: 400,
      });
      const csv = await get(
        `/v1/metrics/cooperatives/${teaHouse.coop.id}/growth?from=2026-06-01&to=2026-06-30&format=csv`,
      );
      expect(csv.text).toBe(
        'Kỳ,Từ ngày,Đến ngày,Doanh thu (đồng),Số lượng bán,Số đơn hàng,Tăng trưởng (%),Mã chủ thể\n' +
          `Kỳ này,2026-06-01,2026-06-30,900000,5,2,400,${teaHouse.coop.id}\n` +
          `Kỳ trước,2026-05-02,2026-05-31,180000,1,1,,${teaHouse.coop.id}\n`,
      );
    });

    it('is null, not infinite, when nothing was sold before', async () => {
      const res = await get(
        `/v1/metrics/cooperatives/${noodles.coop.id}/growth?from=2026-09-01&to=2026-09-30`,
      );
      expect(res.body.previous.revenueVnd).toBe(0);
      expect(res.body.current.revenueVnd).toBe(200_000);
      expect(res.body.growthPct).toBeNull();
    });

    it('extension: producers ranked by growth, for officers', async () => {
      const res = await get('/v1/metrics/growth?from=2026-06-01&to=2026-06-30');
      expect(res.status).toBe(200);
      expect(res.body.items).toEqual([
        expect.objectContaining({
          cooperativeId: teaHouse.coop.id,
          district: 'Đại Từ',
          currentRevenueVnd: 900_000,
          previousRevenueVnd: 180_000,
          growthPct: 400,
        }),
      ]);
    });
  });

  describe('OCOP uplift', () => {
    it('compares the windows before and after each decision; a rating with nothing before has upliftPct null', async () => {
      const res = await get('/v1/metrics/ocop-uplift?windowDays=30');
      expect(res.status).toBe(200);
      expect(res.body.windowDays).toBe(30);
      expect(res.body.items).toMatchObject([
        {
          productId: teaHouse.productId,
          cooperativeId: teaHouse.coop.id,
          certificateId: expect.any(String),
          stars: 4,
          decidedAt: '2026-06-01',
          beforeRevenueVnd: 180_000,
          afterRevenueVnd: 900_000,
          upliftPct: 400,
        },
        {
          productId: noodles.productId,
          cooperativeId: noodles.coop.id,
          certificateId: expect.any(String),
          stars: 3,
          decidedAt: '2026-09-01',
          beforeRevenueVnd: 0,
          afterRevenueVnd: 200_000,
          upliftPct: null,
        },
      ]);
      // the certificate of 20 November is left out: its 30 days after have not ended
      expect(res.body.items.map((i: any) => i.productId)).not.toContain(lateTeaId);
      expect(res.body.summary.byStars).toMatchObject({
        '3': { n: 0, medianPct: null, p25Pct: null, p75Pct: null },
        '4': { n: 1, medianPct: 400, p25Pct: 400, p75Pct: 400 },
        '5': { n: 0, medianPct: null, p25Pct: null, p75Pct: null },
      });
    });

    it('the windows are [decidedAt − windowDays, decidedAt) and [decidedAt, decidedAt + windowDays)', async () => {
      // 14 days: before is 18–31 May (nothing: the May order was on the 10th), after 1–14 June
      const res = await get('/v1/metrics/ocop-uplift?windowDays=14&stars=4');
      expect(res.body.items).toEqual([
        expect.objectContaining({ beforeRevenueVnd: 0, afterRevenueVnd: 360_000, upliftPct: null }),
      ]);
    });

    it('filters by stars and by district (accents and case ignored), and answers CSV', async () => {
      const byStars = await get('/v1/metrics/ocop-uplift?windowDays=30&stars=3');
      expect(byStars.body.items.map((i: any) => i.productId)).toEqual([noodles.productId]);
      const byDistrict = await get(
        `/v1/metrics/ocop-uplift?windowDays=30&district=${encodeURIComponent('dai tu')}`,
      );
      expect(byDistrict.body.items.map((i: any) => i.productId)).toEqual([teaHouse.productId]);
      const csv = await get('/v1/metrics/ocop-uplift?windowDays=30&stars=4', officer, { accept: 'text/csv' });
      const [header, row, end] = csv.text.split('\n');
      expect(header!.split(',').slice(0, 9)).toEqual([
        'Sản phẩm',
        'Chủ thể OCOP',
        'Huyện',
        'Nhóm hàng',
        'Số sao',
        'Ngày quyết định',
        'Doanh thu trước (đồng)',
        'Doanh thu sau (đồng)',
        'Mức tăng (%)',
      ]);
      expect(row).toMatch(
        new RegExp(
          `^Chè búp Tân Cương,${teaHouse.coop.body.name},Đại Từ,"Chè, trà",4,2026-06-01,180000,900000,400,.*,30,[0-9a-f-]{36},${teaHouse.productId},${teaHouse.coop.id}$`,
        ),
      );
      expect(end).toBe('');
    });
  });

  describe('the uplift report as files', () => {
    it('CSV: one row per certificate, every figure as the JSON answer has it, names first and ids last', async () => {
      const json = (await get('/v1/metrics/ocop-uplift?windowDays=30')).body;
      const csv = await get('/v1/metrics/ocop-uplift?windowDays=30&format=csv&lang=en');
      expect(csv.headers.get('content-disposition')).toBe('attachment; filename="ocop-uplift-30d.csv"');
      const lines = csv.text.split('\n');
      expect(lines[0]).toBe(
        [
          'Product,Producer,District,Category,Stars,Decision date,Revenue before (VND),Revenue after (VND)',
          'Uplift (%),Adjusted uplift (%),Controls (n),Control scope,Controls’ change (%)',
          'CI95 of the star group’s median adjusted uplift – low (%)',
          'CI95 of the star group’s median adjusted uplift – high (%)',
          'Why no adjusted uplift,Window (days),Certificate ID,Product ID,Producer ID',
        ].join(','),
      );
      expect(lines).toHaveLength(json.items.length + 2);
      const noodlesRow = lines.find((l) => l.startsWith('Miến dong Việt Cường,'));
      const noodlesItem = json.items.find((i: any) => i.productId === noodles.productId);
      expect(noodlesRow).toContain(`,Phú Lương,Vermicelli and noodles,3,2026-09-01,0,200000,,`);
      expect(noodlesRow).toMatch(
        new RegExp(`,30,${noodlesItem.certificateId},${noodles.productId},${noodles.coop.id}$`),
      );
      // nothing sold before: the API's reason, in English here and in Vietnamese in the default file
      expect(noodlesRow).toContain(',the product sold nothing in the window before its decision,30,');
      const vietnamese = await get('/v1/metrics/ocop-uplift?windowDays=30&format=csv');
      expect(vietnamese.text.split('\n').find((l) => l.startsWith('Miến dong Việt Cường,'))).toContain(
        ',sản phẩm không bán được gì trong kỳ trước ngày quyết định,30,',
      );
    });

    it('.xlsx (asked for by Accept): names, đồng and percent formats, the decision day a date, the by-stars summary', async () => {
      const json = (await get('/v1/metrics/ocop-uplift?windowDays=30')).body;
      const { book, disposition } = await workbookOf('/v1/metrics/ocop-uplift?windowDays=30', {
        accept: XLSX,
      });
      expect(disposition).toBe('attachment; filename="ocop-uplift-30d.xlsx"');
      expect(book.worksheets.map((s) => s.name)).toEqual(['Mức tăng OCOP', 'Theo số sao']);
      const sheet = book.getWorksheet('Mức tăng OCOP')!;
      const rows = rowsOf(sheet);
      expect(rows[0]!.slice(0, 10)).toEqual([
        'Sản phẩm',
        'Chủ thể OCOP',
        'Huyện',
        'Nhóm hàng',
        'Số sao',
        'Ngày quyết định',
        'Doanh thu trước (đồng)',
        'Doanh thu sau (đồng)',
        'Mức tăng (%)',
        'Mức tăng điều chỉnh (%)',
      ]);
      expect(rows[0]!.slice(-3)).toEqual(['Mã chứng nhận', 'Mã sản phẩm', 'Mã chủ thể']);
      expect(sheet.getRow(1).font?.bold).toBe(true);
      expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      expect(rows.slice(1).map((r) => r[0])).toEqual(json.items.map((i: any) => i.productName));
      const tea = json.items.find((i: any) => i.productId === teaHouse.productId);
      const row = sheet.getRow(2 + json.items.indexOf(tea));
      expect(row.getCell(2).value).toBe(teaHouse.coop.body.name);
      expect(row.getCell(4).value).toBe('Chè, trà');
      expect(row.getCell(6).value).toEqual(new Date(Date.UTC(2026, 5, 1)));
      expect(row.getCell(6).numFmt).toBe('dd/mm/yyyy');
      expect(row.getCell(7).value).toBe(180_000);
      expect(row.getCell(7).numFmt).toBe('#,##0 "₫"');
      expect(row.getCell(9).value).toBe(4);
      expect(row.getCell(9).numFmt).toBe('0.00%');
      expect(row.getCell(10).value).toBe(tea.adjustedUpliftPct === null ? null : tea.adjustedUpliftPct / 100);
      expect(row.getCell(11).value).toBe(tea.controls.n);
      const byStars = rowsOf(book.getWorksheet('Theo số sao')!);
      expect(byStars.map((r) => r.slice(0, 3))).toEqual([
        ['Số sao', 'Số chứng nhận đo được', 'Trung vị mức tăng (%)'],
        [3, 0, null],
        [4, 1, 4],
        [5, 0, null],
      ]);
    });
  });

  describe('the province report', () => {
    it('certified products by stars and category, producers, revenue by district and marketplace', async () => {
      const res = await get('/v1/metrics/province?asOf=2026-11-28');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        asOf: '2026-11-28',
        revenueWindow: { from: '2025-11-29', to: '2026-11-28' },
        products: {
          certified: 3,
          byStars: { '3': 2, '4': 1, '5': 0 },
          byCategory: { tea: 2, noodles: 1 },
          teaSharePct: 66.67,
        },
        cooperatives: { total: 2, withCertifiedProducts: 2 },
        byDistrict: [
          { district: 'Đại Từ', cooperatives: 1, certified: 2, revenueVnd: 1_080_000 },
          { district: 'Phú Lương', cooperatives: 1, certified: 1, revenueVnd: 200_000 },
        ],
        channelMix: { sendo: 180_000, voso: 560_000, postmart: 540_000, shopee: 0, tiktok: 0, lazada: 0 },
      });
    });

    it('as of an earlier day: only what was certified then, revenue of the year ending then', async () => {
      const res = await get('/v1/metrics/province?asOf=2026-06-30');
      expect(res.body.products).toEqual({
        certified: 1,
        byStars: { '3': 0, '4': 1, '5': 0 },
        byCategory: { tea: 1 },
        teaSharePct: 100,
      });
      expect(res.body.channelMix).toEqual({
        sendo: 180_000,
        voso: 360_000,
        postmart: 540_000,
        shopee: 0,
        tiktok: 0,
        lazada: 0,
      });
      const before = await get('/v1/metrics/province?asOf=2026-05-15');
      expect(before.body.products).toEqual({
        certified: 0,
        byStars: { '3': 0, '4': 0, '5': 0 },
        byCategory: {},
        teaSharePct: null,
      });
      expect(before.body.cooperatives).toEqual({ total: 2, withCertifiedProducts: 0 });
    });

    it('as CSV, one row per district and the province total', async () => {
      const csv = await get('/v1/metrics/province?asOf=2026-11-28&format=csv');
      expect(csv.headers.get('content-disposition')).toBe('attachment; filename="province-2026-11-28.csv"');
      const tail = ',2026-11-28,2025-11-29,2026-11-28';
      expect(csv.text.split('\n')).toEqual([
        'Huyện,Chủ thể OCOP,Sản phẩm OCOP còn hiệu lực,Doanh thu 365 ngày (đồng),Số liệu đến ngày,Doanh thu từ ngày,Doanh thu đến ngày',
        `Đại Từ,1,2,1080000${tail}`,
        `Phú Lương,1,1,200000${tail}`,
        `Toàn tỉnh,2,3,1280000${tail}`,
        '',
      ]);
      const english = await get('/v1/metrics/province?asOf=2026-11-28&format=csv&lang=en');
      expect(english.text.split('\n')[0]).toBe(
        'District,Producers,Certified products,"Revenue, 365 days (VND)",As of,Revenue from,Revenue to',
      );
      expect(english.text).toContain(`Province total,2,3,1280000${tail}`);
    });

    it('as an .xlsx workbook: a summary, by stars, by category with tea’s share, by district, by marketplace', async () => {
      const { book, disposition } = await workbookOf('/v1/metrics/province?asOf=2026-11-28&format=xlsx');
      expect(disposition).toBe('attachment; filename="province-2026-11-28.xlsx"');
      expect(book.worksheets.map((s) => s.name)).toEqual([
        'Tổng quan',
        'Theo số sao',
        'Theo nhóm hàng',
        'Theo huyện',
        'Theo sàn',
      ]);
      const summary = book.getWorksheet('Tổng quan')!;
      expect(summary.getCell('A2').value).toEqual(new Date(Date.UTC(2026, 10, 28)));
      expect(summary.getCell('A2').numFmt).toBe('dd/mm/yyyy');
      expect(summary.getCell('D2').value).toBe(3);
      expect(summary.getCell('E2').value).toBeCloseTo(0.6667, 6);
      expect(summary.getCell('E2').numFmt).toBe('0.00%');
      expect(summary.getCell('H2').value).toBe(1_280_000);
      expect(summary.getCell('H2').numFmt).toBe('#,##0 "₫"');
      expect(rowsOf(book.getWorksheet('Theo nhóm hàng')!)).toEqual([
        ['Nhóm hàng', 'Sản phẩm', 'Tỷ lệ (%)', 'Mã nhóm hàng'],
        ['Chè, trà', 2, 0.6667, 'tea'],
        ['Miến, bún, phở, bánh đa', 1, 0.3333, 'noodles'],
      ]);
      expect(rowsOf(book.getWorksheet('Theo huyện')!).map((r) => r.slice(0, 4))).toEqual([
        ['Huyện', 'Chủ thể OCOP', 'Sản phẩm OCOP còn hiệu lực', 'Doanh thu 365 ngày (đồng)'],
        ['Đại Từ', 1, 2, 1_080_000],
        ['Phú Lương', 1, 1, 200_000],
        ['Toàn tỉnh', 2, 3, 1_280_000],
      ]);
      expect(rowsOf(book.getWorksheet('Theo sàn')!)).toEqual([
        ['Sàn TMĐT', 'Doanh thu 365 ngày (đồng)', 'Tỷ lệ (%)'],
        ['Sendo', 180_000, 0.1406],
        ['Voso', 560_000, 0.4375],
        ['Postmart', 540_000, 0.4219],
        ['Shopee', 0, 0],
        ['TikTok Shop', 0, 0],
        ['Lazada', 0, 0],
      ]);
    });

    it('extension: the province’s sales by month and marketplace', async () => {
      const res = await get('/v1/metrics/province/sales?from=2026-05-01&to=2026-09-30&granularity=month');
      expect(res.body.series.map((p: any) => [p.period, p.revenueVnd, p.byMarketplace.voso])).toEqual([
        ['2026-05', 180_000, 0],
        ['2026-06', 900_000, 360_000],
        ['2026-07', 0, 0],
        ['2026-08', 0, 0],
        ['2026-09', 200_000, 200_000],
      ]);
    });
  });

  describe('tenancy and bad input', () => {
    it('a cooperative sees its own series and growth, 404 for another producer, 403 for officers’ reports', async () => {
      const key = teaHouse.coop.key;
      expect((await get(`/v1/metrics/cooperatives/${teaHouse.coop.id}/sales`, key)).status).toBe(200);
      expect((await get(`/v1/metrics/cooperatives/${teaHouse.coop.id}/growth`, key)).status).toBe(200);
      for (const path of [
        `/v1/metrics/cooperatives/${noodles.coop.id}/sales`,
        `/v1/metrics/cooperatives/${noodles.coop.id}/growth?format=csv`,
        '/v1/metrics/cooperatives/00000000-0000-4000-8000-000000000000/sales',
      ]) {
        const res = await get(path, key);
        expect(res.status).toBe(404);
        expect(res.body.error.code).toBe('not_found');
      }
      for (const path of [
        '/v1/metrics/province',
        '/v1/metrics/ocop-uplift',
        '/v1/metrics/growth',
        '/v1/metrics/province/sales',
      ]) {
        const res = await get(path, key, { accept: 'text/csv' });
        expect(res.status).toBe(403);
        expect(res.body.error.code).toBe('forbidden');
      }
      expect((await api.call('GET', '/v1/metrics/province')).status).toBe(401);
    });

    it.each([
      [`sales?granularity=year`, 'granularity'],
      [`sales?from=2026-02-29`, 'from'],
      [`sales?to=2026-13-01`, 'to'],
      [`growth?from=yesterday`, 'from'],
      [`sales?format=pdf`, 'format'],
      [`sales?format=xlsx&lang=fr`, 'lang'],
      [`growth?format=csv&lang=`, 'lang'],
      [`sales?colour=red`, 'colour'],
    ])('%s answers 400 naming %s', async (query, field) => {
      const res = await get(`/v1/metrics/cooperatives/${teaHouse.coop.id}/${query}`);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    });

    it.each([
      ['/v1/metrics/ocop-uplift?windowDays=0', 'validation_failed'],
      ['/v1/metrics/ocop-uplift?windowDays=1.5', 'validation_failed'],
      ['/v1/metrics/ocop-uplift?stars=6', 'validation_failed'],
      ['/v1/metrics/province?asOf=2026-11-31', 'validation_failed'],
      ['/v1/metrics/growth?limit=500', 'validation_failed'],
      ['/v1/metrics/growth?limit=0', 'validation_failed'],
      ['/v1/metrics/ocop-uplift?windowDays=abc', 'validation_failed'],
      ['/v1/metrics/ocop-uplift?stars=four', 'validation_failed'],
      ['/v1/metrics/ocop-uplift?windowDays=1096', 'validation_failed'],
      ['/v1/metrics/province/sales?granularity=', 'validation_failed'],
      ['/v1/metrics/province?asOf=28/11/2026', 'validation_failed'],
    ])('%s answers 400 (%s)', async (path, code) => {
      const res = await get(path);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe(code);
    });

    it('a window that ends before it starts, or spans over ten years, answers 400', async () => {
      const backwards = await get(
        `/v1/metrics/cooperatives/${teaHouse.coop.id}/sales?from=2026-06-02&to=2026-06-01`,
      );
      expect(backwards.status).toBe(400);
      expect(backwards.body.error.code).toBe('bad_request');
      const huge = await get(
        `/v1/metrics/cooperatives/${teaHouse.coop.id}/growth?from=2000-01-01&to=2026-01-01`,
      );
      expect(huge.status).toBe(400);
    });

    it.each([
      ['/v1/metrics/ocop-uplift?format=csv&format=xlsx', 'format'],
      ['/v1/metrics/ocop-uplift?format=CSV', 'format'],
      ['/v1/metrics/ocop-uplift?format=__proto__', 'format'],
      ['/v1/metrics/province?format=xlsx&lang=en&lang=vi', 'lang'],
      ['/v1/metrics/ocop-uplift?windowDays=30&windowDays=60', 'windowDays'],
      ['/v1/metrics/ocop-uplift?windowDays=%20', 'windowDays'],
      ['/v1/metrics/ocop-uplift?windowDays=-30', 'windowDays'],
      ['/v1/metrics/ocop-uplift?district=%C4%90%E1%BA%A1i&district=T%E1%BB%AB', 'district'],
      [`/v1/metrics/ocop-uplift?district=${'đ'.repeat(101)}`, 'district'],
    ])(
      'hostile %s answers 400 in the error shape naming %s, whatever the Accept header',
      async (path, field) => {
        for (const accept of [undefined, 'text/csv', XLSX]) {
          const res = await get(path, officer, accept ? { accept } : {});
          expect(res.status).toBe(400);
          expect(res.headers.get('content-type')).toMatch(/^application\/json/);
          expect(res.body.error.code).toBe('validation_failed');
          expect(res.body.error.details).toEqual(
            expect.arrayContaining([expect.objectContaining({ field })]),
          );
        }
      },
    );

    it('a district of odd characters matches nothing and answers 200; a NUL byte answers 400', async () => {
      const nul = await get('/v1/metrics/ocop-uplift?windowDays=30&district=%C4%90%00', officer, {
        accept: 'text/csv',
      });
      expect(nul.status).toBe(400);
      expect(nul.body.error.code).toBe('validation_failed');
      for (const district of ['%27%3B%20DROP%20TABLE%20x%3B--', '%2e%2e%2F%2e%2e', '%F0%9F%8D%B5']) {
        const res = await get(`/v1/metrics/ocop-uplift?windowDays=30&district=${district}`);
        expect(res.status).toBe(200);
        expect(res.body.items).toEqual([]);
      }
    });

    it.each([
      ['*/*', /^application\/json/],
      ['text/html, application/xhtml+xml;q=0.9', /^application\/json/],
      [`${'text/plain, '.repeat(500)}text/csv`, /^text\/csv/],
      [',,,;;;  ;q=,', /^application\/json/],
      ['text/csvx, application/vnd.openxmlformats-officedocument.spreadsheetml.sheetx', /^application\/json/],
    ])('Accept header #%# is negotiated without a server error', async (accept, type) => {
      const res = await get('/v1/metrics/ocop-uplift?windowDays=30', officer, { accept });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(type);
    });
  });

  it('after a randomised history with cancellations and returns, the maintained roll-ups equal a rebuild from the orders', async () => {
    let seed = 20261128;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const sellers = [teaHouse, noodles];
    const placed: { who: Seller; placed: { marketplace: MarketplaceName; orderId: string }; fate: string }[] =
      [];
    const fates = ['pending', 'confirmed', 'cancelled', 'shipped', 'delivered', 'returned'];
    for (let i = 0; i < 60; i++) {
      const who = sellers[Math.floor(random() * sellers.length)];
      const marketplace = MARKETPLACE_NAMES[Math.floor(random() * 3)];
      // whole seconds across 2025–2026, many near midnight in Vietnam
      const historic =
        Date.UTC(2025, 0, 1) +
        Math.floor(random() * 690) * 86_400_000 +
        (16 + Math.floor(random() * 3)) * 3_600_000;
      // Postmart's order search, from which a pushed order is read, reaches 15 days back: its
      // orders fall within the 12 days before yesterday (at the same hours)
      const at =
        marketplace === 'postmart'
          ? (Math.floor(Date.now() / 86_400_000) - 12) * 86_400_000 + (historic % (11 * 86_400_000))
          : historic;
      placed.push({
        who,
        placed: await placeOrder(
          sandbox,
          who,
          marketplace,
          1 + Math.floor(random() * 3),
          new Date(at).toISOString(),
        ),
        fate: fates[Math.floor(random() * fates.length)],
      });
    }
    await imported(teaHouse, {
      pending: 2 + placed.filter((p) => p.who === teaHouse).length,
      confirmed: 1,
      cancelled: 1,
      returned: 1,
    });
    const paths: Record<string, string[]> = {
      pending: [],
      confirmed: ['confirmed'],
      cancelled: ['cancelled'],
      shipped: ['confirmed', 'shipped'],
      delivered: ['confirmed', 'shipped', 'delivered'],
      returned: ['confirmed', 'shipped', 'returned'],
    };
    await Promise.all(placed.map((p) => move(p.who, p.placed, ...paths[p.fate])));
    const expected = (who: Seller, base: Record<string, number>) => {
      const counts = { ...base };
      for (const p of placed.filter((q) => q.who === who)) counts[p.fate] = (counts[p.fate] ?? 0) + 1;
      return Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0));
    };
    await imported(teaHouse, expected(teaHouse, { pending: 2, confirmed: 1, cancelled: 1, returned: 1 }));
    await imported(noodles, expected(noodles, { pending: 1 }));

    const rollups = worker.get(SalesRollups);
    const maintained = await rollups.snapshot();
    expect(maintained.producers.length).toBeGreaterThan(10);
    await rollups.rebuild();
    expect(await rollups.snapshot()).toEqual(maintained);
  }, 120_000);
});
