// The page.evaluate callbacks run in the browser, so they are typed against the DOM.
/// <reference lib="dom" />
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser } from 'playwright-core';
import { addDays, vietnamDate } from '@ocop/common';
import { formatDate, formatNumber, formatVnd } from '../../../apps/web/src/format';
import type { RunningApi } from '../../support/api';
import { parseCsv } from '../../support/csv';
import { newCooperative, uniqueCode } from '../../support/factories';
import { eventually } from '../../support/worker';
import { certify, placeOrder, type Seller, startSalesWorld } from '../metrics/support';
import { ordersOf, type Sandbox } from '../orders/support';
import {
  ARTIFACTS,
  launchBrowser,
  openTab,
  type Person,
  person,
  review,
  sessionOf,
  shown,
  signIn,
} from './support';

/**
 * WORKSPACE.md journey 3, the quarter after the council meeting: an officer reads the uplift table
 * with names on #/province, downloads it as .xlsx and CSV through the page's links (the session
 * cookie, no key), and prints the province report (#/province/print), whose figures must be the
 * API's. A producer named like a formula must reach the files as text. The province report counts
 * everything in its database, so the suite has its own.
 */

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const HOSTILE_PRODUCER = '=HYPERLINK("http://x","y")';
const HOSTILE_PRODUCT = '+1 Chè xanh';
const HOSTILE_DISTRICT = '@SUM(A1)';

describe('the officers’ reports: names, files and the printable province report', () => {
  let world: Awaited<ReturnType<typeof startSalesWorld>> | undefined;
  let api: RunningApi;
  let sandbox: Sandbox;
  let browser: Browser;
  let officerKey: string;
  let officer: Person;
  let teaHouse: Seller;
  let hostileProductId: string;
  const today = vietnamDate(new Date());
  const daysAgo = (n: number) => `${addDays(today, -n)}T03:00:00Z`;

  const get = async (path: string) => {
    const res = await api.call('GET', path, { key: officerKey });
    expect(res.status).toBe(200);
    return res.body;
  };

  beforeAll(async () => {
    browser = await launchBrowser();
    world = await startSalesWorld('officer-reports');
    ({ sandbox, api, officer: officerKey, teaHouse } = world);
    officer = await person(api, 'officer');
    const hostile = await newCooperative(api, { name: HOSTILE_PRODUCER, district: HOSTILE_DISTRICT });
    const product = await api.call('POST', '/v1/products', {
      key: hostile.key,
      body: {
        cooperativeId: hostile.id,
        name: HOSTILE_PRODUCT,
        category: 'tea',
        skus: [{ code: uniqueCode('TX'), name: 'Gói 200g', priceVnd: 80_000, weightGrams: 200, onHand: 5 }],
      },
    });
    hostileProductId = product.body.id;
    // both decided long enough ago for their 90 days after to have ended
    await certify(api, officerKey, teaHouse.productId, 4, addDays(today, -120));
    await certify(api, officerKey, hostileProductId, 3, addDays(today, -100));
    await placeOrder(sandbox, teaHouse, 'sendo', 1, daysAgo(150)); // 180,000 before the rating
    await placeOrder(sandbox, teaHouse, 'voso', 2, daysAgo(60)); // 360,000 after it
    await eventually(async () => (await ordersOf(api, teaHouse.coop.key)).length === 2, 30_000);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await world?.close();
  });

  it('the uplift table names products and producers; its .xlsx and CSV download with the session and keep a formula-like name as text', async () => {
    const opened = await openTab(browser);
    const { page } = opened;
    await signIn(page, api, officer);
    await shown(page, 'province');

    const uplift = await get('/v1/metrics/ocop-uplift?windowDays=90');
    expect(uplift.items.map((i: { productName: string }) => i.productName).sort()).toEqual(
      [HOSTILE_PRODUCT, 'Chè búp Tân Cương'].sort(),
    );
    const rows = await page.$$eval('[data-table="uplift"] tbody tr', (trs) =>
      trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent ?? '')),
    );
    expect(rows.map((r) => r.slice(0, 4))).toEqual(
      uplift.items.map(
        (i: { productName: string; producerName: string; district: string; stars: number }) => [
          i.productName,
          i.producerName,
          i.district,
          `${i.stars}★`,
        ],
      ),
    );
    // the tea sold 180,000 in the 90 days before its 4★ and 360,000 after: +100 %
    const teaRow = rows.find((r) => r[0] === 'Chè búp Tân Cương')!;
    expect(teaRow[5]).toBe('+100 %');
    const byStars = await page.textContent('[data-table="upliftByStars"]');
    expect(byStars).toContain('Trung vị điều chỉnh');
    expect(await page.textContent('[data-table="upliftByStars"] tbody tr:nth-child(2)')).toContain('+100 %');
    await review(page, 'officer-province');

    // the page's own links, as the officer clicks them
    async function download(format: 'xlsx' | 'csv') {
      const [file] = await Promise.all([
        page.waitForEvent('download'),
        page.click(`[data-downloads="uplift"] a[data-format="${format}"]`),
      ]);
      expect(file.suggestedFilename()).toBe(`ocop-uplift-90d.${format}`);
      return readFileSync((await file.path())!);
    }
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await download('xlsx')) as unknown as ArrayBuffer);
    const sheet = book.getWorksheet('Mức tăng OCOP')!;
    const header = (sheet.getRow(1).values as string[]).slice(1);
    expect(header.slice(0, 12)).toEqual([
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
      'Số sản phẩm đối chứng',
      'Phạm vi đối chứng',
    ]);
    expect(header).toContain('KTC 95% trung vị mức tăng điều chỉnh của nhóm sao – cận dưới (%)');
    const column = (name: string) => header.indexOf(name) + 1;
    const rowOf = (product: string) => {
      for (let r = 2; r <= sheet.rowCount; r += 1) {
        if (sheet.getRow(r).getCell(1).value === product) return sheet.getRow(r);
      }
      throw new Error(`no row for ${product}`);
    };
    const hostileRow = rowOf(HOSTILE_PRODUCT);
    for (const [name, value] of [
      ['Chủ thể OCOP', HOSTILE_PRODUCER],
      ['Sản phẩm', HOSTILE_PRODUCT],
      ['Huyện', HOSTILE_DISTRICT],
    ]) {
      const cell = hostileRow.getCell(column(name));
      expect(cell.type).toBe(ExcelJS.ValueType.String);
      expect(cell.value).toBe(value);
      expect(cell.formula).toBeUndefined();
    }
    const teaXlsx = rowOf('Chè búp Tân Cương');
    expect(teaXlsx.getCell(column('Doanh thu sau (đồng)')).value).toBe(360_000);
    expect(teaXlsx.getCell(column('Doanh thu sau (đồng)')).numFmt).toBe('#,##0 "₫"');
    expect(teaXlsx.getCell(column('Mức tăng (%)')).value).toBe(1);
    expect(teaXlsx.getCell(column('Mức tăng (%)')).numFmt).toBe('0.00%');
    expect(teaXlsx.getCell(column('Ngày quyết định')).numFmt).toBe('dd/mm/yyyy');

    const csv = await download('csv');
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const table = parseCsv(csv.toString('utf8').replace(/^\uFEFF/, ''));
    expect(table[0]!.slice(0, 3)).toEqual(['Sản phẩm', 'Chủ thể OCOP', 'Huyện']);
    const hostileCsv = table.find((r) => r.includes(hostileProductId))!;
    expect(hostileCsv.slice(0, 3)).toEqual([
      `'${HOSTILE_PRODUCT}`,
      `'${HOSTILE_PRODUCER}`,
      `'${HOSTILE_DISTRICT}`,
    ]);
    const teaCsv = table.find((r) => r[0] === 'Chè búp Tân Cương')!;
    expect(teaCsv.slice(4, 9)).toEqual(['4', addDays(today, -120), '180000', '360000', '100']);

    // the same files in English, and a bad format or language refused in the error shape
    const session = await sessionOf(api, opened.context);
    const english = await api.call('GET', '/v1/metrics/ocop-uplift?windowDays=90&format=csv&lang=en', {
      headers: { cookie: session.cookie },
    });
    expect(english.text.split('\n')[0]).toMatch(/^Product,Producer,District,Category,Stars,Decision date,/);
    for (const query of ['format=pdf', 'format=xlsx&lang=fr']) {
      const refused = await api.call('GET', `/v1/metrics/ocop-uplift?${query}`, {
        headers: { cookie: session.cookie },
      });
      expect(refused.status).toBe(400);
      expect(refused.body.error.code).toBe('validation_failed');
    }
    // every report table on the page offers both files
    for (const name of ['province', 'provinceSales', 'uplift', 'growth']) {
      expect(await page.locator(`[data-downloads="${name}"] a`).count()).toBe(2);
    }
    const workbook = await api.call(
      'GET',
      (await page.getAttribute('[data-downloads="province"] a[data-format="xlsx"]', 'href'))!,
      {
        headers: { cookie: session.cookie },
      },
    );
    expect(workbook.headers.get('content-type')).toBe(XLSX);
    await opened.close();
  });

  it('the printable province report shows the API’s figures, dated, with the method under the uplift table', async () => {
    const opened = await openTab(browser);
    const { page } = opened;
    await signIn(page, api, officer);
    await shown(page, 'province');
    await page.click('#print-province');
    await shown(page, 'province-print');

    const province = await get('/v1/metrics/province');
    const uplift = await get('/v1/metrics/ocop-uplift?windowDays=90');
    expect(await page.textContent('h1')).toContain('Báo cáo OCOP tỉnh Thái Nguyên');
    expect(await page.getAttribute('[data-as-of]', 'data-as-of')).toBe(province.asOf);
    expect(await page.textContent('[data-as-of]')).toContain(formatDate(province.asOf));
    expect(await page.textContent('[data-printed-on]')).toMatch(/in ngày \d{2}\/\d{2}\/\d{4}$/);

    const cells = (name: string, part = 'tbody') =>
      page.$$eval(`[data-print-table="${name}"] ${part} tr`, (trs) =>
        trs.map((tr) => Array.from(tr.querySelectorAll('td, th'), (c) => c.textContent ?? '')),
      );
    expect(province.products.certified).toBe(2);
    expect((await cells('byStars')).map((r) => r.slice(0, 2))).toEqual(
      ['3', '4', '5'].map((s) => [`${s}★`, formatNumber(province.products.byStars[s])]),
    );
    expect((await cells('byStars', 'tfoot'))[0]!.slice(0, 2)).toEqual(['Tổng (total)', '2']);
    expect((await cells('byCategory')).map((r) => r.slice(0, 2))).toEqual([['Chè, trà', '2']]);
    expect(province.products.teaSharePct).toBe(100);
    expect(await page.getAttribute('[data-tea-share]', 'data-tea-share')).toBe('100');
    expect(await cells('byDistrict')).toEqual(
      province.byDistrict.map(
        (d: { district: string; cooperatives: number; certified: number; revenueVnd: number }) => [
          d.district,
          formatNumber(d.cooperatives),
          formatNumber(d.certified),
          formatVnd(d.revenueVnd),
        ],
      ),
    );
    expect((await cells('byMarketplace')).map((r) => r.slice(0, 2))).toEqual([
      ['Sendo', formatVnd(province.channelMix.sendo)],
      ['Voso', formatVnd(province.channelMix.voso)],
      ['Postmart', formatVnd(province.channelMix.postmart)],
      ['Shopee', formatVnd(province.channelMix.shopee)],
      ['TikTok Shop', formatVnd(province.channelMix.tiktok)],
      ['Lazada', formatVnd(province.channelMix.lazada)],
    ]);
    expect(province.channelMix).toEqual({
      sendo: 180_000,
      voso: 360_000,
      postmart: 0,
      shopee: 0,
      tiktok: 0,
      lazada: 0,
    });
    expect((await cells('upliftByStars')).map((r) => r.slice(0, 2))).toEqual(
      ['3', '4', '5'].map((s) => [`${s}★`, formatNumber(uplift.summary.byStars[s].n)]),
    );
    const method = await page.textContent('[data-method]');
    expect(method).toContain('sai biệt kép');
    expect(method).toContain('90 ngày');
    expect(method).toContain('2.000 lần');
    await review(page, 'province-print');

    // on paper: no menu or top bar, one A4 page of the figures
    await page.emulateMedia({ media: 'print' });
    for (const hidden of ['.top-bar', 'nav.menu', '#print-report']) {
      expect(await page.$eval(hidden, (e) => getComputedStyle(e).display)).toBe('none');
    }
    await page.screenshot({ path: join(ARTIFACTS, 'province-print-paper.png'), fullPage: true });
    const pdf = join(ARTIFACTS, 'province-print.pdf');
    await page.pdf({ path: pdf, format: 'A4', preferCSSPageSize: true, printBackground: true });
    expect(statSync(pdf).size).toBeGreaterThan(10_000);
    await page.emulateMedia({ media: 'screen' });
    await opened.close();
  });
});
