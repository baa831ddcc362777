// The page.evaluate callbacks run in the browser, so they are typed against the DOM.
/// <reference lib="dom" />
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { newCooperative, newProduct, uniqueCode } from '../../support/factories';
import { twoHundredRows, workbook, XLSX } from '../../support/spreadsheets';
import { type Person, review, shown, startWeb, type Web } from './support';

/**
 * Issue 14's acceptance for the spreadsheet, in Chromium against the real API: a cooperative's
 * staff upload a 200-row .xlsx with 3 bad rows, the preview names those rows and why, nothing is
 * written until "Áp dụng", and then exactly the 197 good rows' changes are in the API; the
 * catalogue exported from the page and uploaded again previews as unchanged, every row.
 */
describe('the spreadsheet import in the web app', () => {
  let web: Web;
  let coop: Awaited<ReturnType<typeof newCooperative>>;
  let staff: Person;
  let existing: {
    name: string;
    skus: { id: string; code: string; name: string; priceVnd: number; weightGrams: number; onHand: number }[];
  };

  beforeAll(async () => {
    web = await startWeb({ worker: false });
    coop = await newCooperative(web.api);
    staff = await web.person('cooperative', coop.id, { name: 'Hoàng Thị Mai' });
    existing = await newProduct(web.api, coop, {
      name: 'Chè tôm nõn Hảo Đạt',
      skus: [
        { code: uniqueCode('E1'), name: 'Hộp 100g', priceVnd: 120000, weightGrams: 100, onHand: 10 },
        { code: uniqueCode('E2'), name: 'Túi 500g', priceVnd: 500000, weightGrams: 500, onHand: 4 },
      ],
    });
  }, 120_000);
  afterAll(() => web?.close());

  async function skus(): Promise<Map<string, { priceVnd: number; onHand: number }>> {
    const found = new Map<string, { priceVnd: number; onHand: number }>();
    let cursor: string | null = null;
    do {
      const page: any = await web.api.call(
        'GET',
        `/v1/products?cooperativeId=${coop.id}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { key: coop.key },
      );
      for (const product of page.body.items) for (const sku of product.skus) found.set(sku.code, sku);
      cursor = page.body.nextCursor;
    } while (cursor);
    return found;
  }

  async function upload(page: Page, name: string, bytes: Buffer): Promise<void> {
    await page.setInputFiles('#import-file', { name, mimeType: XLSX, buffer: bytes });
    await page.waitForSelector('[data-preview]', { timeout: 30_000 });
  }

  const count = (page: Page, status: string) =>
    page.$eval(`[data-count="${status}"] button`, (b) => Number((b.textContent ?? '').replace(/\D+/g, '')));

  it('previews 200 rows naming the 3 bad ones, writes nothing, then applies exactly the 197 good ones', async () => {
    const [e1, e2] = existing.skus;
    const prefix = uniqueCode('N');
    const rows = twoHundredRows(existing, prefix);
    expect(rows).toHaveLength(200);
    const before = await skus();

    const { page, close } = await web.tab();
    await web.signIn(page, staff, '#/import');
    await shown(page, 'import');
    await upload(page, 'catalogue.xlsx', await workbook(rows));
    expect(await count(page, 'refused')).toBe(3);
    expect(await count(page, 'new')).toBe(195);
    expect(await count(page, 'changed')).toBe(1);
    expect(await count(page, 'unchanged')).toBe(1);
    // the refused rows are shown first, each with its reason
    const refused = await page.$$eval('tr[data-status="refused"]', (trs) =>
      trs.map((tr) => ({
        row: Number(tr.getAttribute('data-row')),
        reason: (tr.querySelector('.refusal')?.textContent ?? '').trim(),
      })),
    );
    expect(refused.map((r) => r.row)).toEqual([50, 120, 201]);
    for (const r of refused) expect(r.reason.length).toBeGreaterThan(5);
    await review(page, 'import-preview');

    // nothing is written by the preview
    expect(await skus()).toEqual(before);

    await page.click('[data-preview] .button-primary');
    await page.waitForSelector('[data-applied="true"]', { timeout: 30_000 });
    const after = await skus();
    expect(after.size).toBe(before.size + 195);
    expect(after.get(e1.code)).toMatchObject({ priceVnd: 135000, onHand: 25 });
    expect(after.get(e2.code)).toMatchObject({ priceVnd: 500000, onHand: 4 });
    for (let i = 0; i < 195; i += 1) {
      expect(after.get(`${prefix}-${i}`)).toMatchObject({ priceVnd: 150000, onHand: i % 3 });
    }
    for (const bad of ['bad-1', 'bad-2', 'bad-3']) expect(after.has(`${prefix}-${bad}`)).toBe(false);
    await close();
  }, 120_000);

  it('exports the catalogue from the page and reads it back unchanged', async () => {
    const { page, close } = await web.tab();
    await web.signIn(page, staff, '#/import');
    await shown(page, 'import');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('a[href*="/v1/catalogue/export.xlsx"]'),
    ]);
    const exported = await readFile((await download.path()) as string);
    const total = (await skus()).size;
    await upload(page, 'xuat.xlsx', exported);
    expect(await count(page, 'unchanged')).toBe(total);
    for (const status of ['new', 'changed', 'refused']) expect(await count(page, status)).toBe(0);
    // nothing to apply
    expect(await page.isDisabled('[data-preview] .button-primary')).toBe(true);
    await close();
  }, 120_000);
});
