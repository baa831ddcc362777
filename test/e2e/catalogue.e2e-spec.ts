import { DataSource } from 'typeorm';
import { ProductsService, StockLedger } from '@ocop/catalogue';
import { queryCounter } from '@ocop/database';
import { RunningApi, startApi } from '../support/api';
import { newCooperative, newProduct, uniqueCode } from '../support/factories';

describe('catalogue: cooperatives, products, SKUs and the stock ledger', () => {
  let api: RunningApi;
  let coop: Awaited<ReturnType<typeof newCooperative>>;

  beforeAll(async () => {
    api = await startApi();
    coop = await newCooperative(api, { name: 'HTX chè Hảo Đạt kiểm thử', district: 'TP Thái Nguyên' });
  });
  afterAll(() => api.close());

  const reserve = async (skuId: string, quantity: number) => {
    const ledger = api.app.get(StockLedger);
    const dataSource = api.app.get(DataSource);
    return dataSource.transaction((manager) =>
      ledger.apply(manager, skuId, { reservedDelta: quantity }, { kind: 'order', reason: 'test order' }),
    );
  };

  it('moves a batch over the SKUs a transaction locked: their figures read once, kept current, and an unlocked SKU joins them', async () => {
    const product = await newProduct(api, coop, {
      skus: [
        { code: uniqueCode('LK'), name: 'Hộp 100g', priceVnd: 120000, weightGrams: 100, onHand: 3 },
        { code: uniqueCode('LK'), name: 'Hộp 200g', priceVnd: 220000, weightGrams: 200, onHand: 2 },
      ],
    });
    const [a, b] = product.skus.map((sku: { id: string }) => sku.id);
    const ledger = api.app.get(StockLedger);
    const cause = { kind: 'order' as const, reason: 'test batch' };
    const reserve = (skuId: string, units: number) => ({ skuId, change: { reserveUpTo: units }, cause });
    const { first, second, reads } = await api.app.get(DataSource).transaction(async (manager) => {
      // the lock takes only a; b is asked for by the first batch
      const locked = await ledger.lock(manager, [a]);
      const firstBatch = await ledger.moveInOrder(manager, [reserve(a, 2), reserve(b, 1)], locked);
      const before = queryCounter.queries;
      // b is locked now, and both figures are the ones the first batch left: no read
      const secondBatch = await ledger.moveInOrder(manager, [reserve(a, 5), reserve(b, 5)], locked);
      return { first: firstBatch, second: secondBatch, reads: queryCounter.queries - before };
    });
    expect(first).toEqual([2, 1]);
    // 1 of a's 3 and 1 of b's 2 were left
    expect(second).toEqual([1, 1]);
    // two statements: the figures with the ledger rows, and the product's listings bumped; no read
    expect(reads).toBe(2);
    const skus = (await api.call('GET', `/v1/products/${product.id}`, { key: coop.key })).body.skus;
    expect(skus.map((sku: { onHand: number; reserved: number }) => [sku.onHand, sku.reserved])).toEqual([
      [3, 3],
      [2, 2],
    ]);
  });

  it('creates and edits a product with its SKUs, with the ledger telling the opening stock', async () => {
    const code = uniqueCode('HD');
    const created = await api.call('POST', '/v1/products', {
      key: coop.key,
      body: {
        cooperativeId: coop.id,
        name: 'Chè tôm nõn Hảo Đạt',
        category: 'tea',
        description: 'Chè Tân Cương hái một tôm hai lá',
        imageUrls: ['https://example.vn/che.jpg'],
        skus: [
          { code, name: 'Hộp 100g', priceVnd: 250000, weightGrams: 100, onHand: 12 },
          { code: `${code}-500`, name: 'Túi 500g', priceVnd: 1100000, weightGrams: 500 },
        ],
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      cooperativeId: coop.id,
      name: 'Chè tôm nõn Hảo Đạt',
      category: 'tea',
      status: 'active',
      ocop: null,
      imageUrls: ['https://example.vn/che.jpg'],
    });
    expect(created.body.skus).toHaveLength(2);
    expect(created.body.skus[0]).toMatchObject({
      code,
      priceVnd: 250000,
      weightGrams: 100,
      onHand: 12,
      reserved: 0,
      safetyStock: 0,
      available: 12,
    });

    const patched = await api.call('PATCH', `/v1/products/${created.body.id}`, {
      key: coop.key,
      body: { name: 'Chè tôm nõn Hảo Đạt đặc biệt', status: 'archived' },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.name).toBe('Chè tôm nõn Hảo Đạt đặc biệt');
    expect(patched.body.status).toBe('archived');

    const sku = await api.call('POST', `/v1/products/${created.body.id}/skus`, {
      key: coop.key,
      body: { code: `${code}-50`, name: 'Gói 50g', priceVnd: 130000, weightGrams: 50, onHand: 4 },
    });
    expect(sku.status).toBe(201);
    expect(sku.body).toMatchObject({ productId: created.body.id, onHand: 4, available: 4 });

    const skuPatched = await api.call('PATCH', `/v1/skus/${sku.body.id}`, {
      key: coop.key,
      body: { priceVnd: 135000, safetyStock: 1 },
    });
    expect(skuPatched.status).toBe(200);
    expect(skuPatched.body).toMatchObject({ priceVnd: 135000, safetyStock: 1, available: 3 });

    const movements = await api.call('GET', `/v1/skus/${created.body.skus[0].id}/stock-movements`, {
      key: coop.key,
    });
    expect(movements.status).toBe(200);
    expect(movements.body.items).toHaveLength(1);
    expect(movements.body.items[0]).toMatchObject({
      skuId: created.body.skus[0].id,
      onHandDelta: 12,
      reservedDelta: 0,
      orderId: null,
    });
    expect(movements.body.nextCursor).toBeNull();
  });

  it('records who created and who last changed a product and a SKU, as named then; nobody for the connector', async () => {
    const byKey = { kind: 'key', id: coop.keyId, name: 'test' };
    const byAdmin = { kind: 'key', id: '00000000-0000-0000-0000-000000000000', name: 'ADMIN_API_KEY' };
    const product = await newProduct(api, coop);
    expect(product.createdBy).toEqual(byKey);
    expect(product.updatedBy).toEqual(byKey);
    expect(product.skus[0].createdBy).toEqual(byKey);

    const patched = await api.call('PATCH', `/v1/products/${product.id}`, {
      key: api.adminKey,
      body: { description: 'Chè búp khô' },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ createdBy: byKey, updatedBy: byAdmin });
    // a PATCH that changes nothing names nobody as the last changer
    const empty = await api.call('PATCH', `/v1/products/${product.id}`, { key: coop.key, body: {} });
    expect(empty.status).toBe(200);
    expect(empty.body.updatedBy).toEqual(byAdmin);
    const skuPatched = await api.call('PATCH', `/v1/skus/${product.skus[0].id}`, {
      key: api.adminKey,
      body: { priceVnd: 99000 },
    });
    expect(skuPatched.body).toMatchObject({ createdBy: byKey, updatedBy: byAdmin });
    const emptySku = await api.call('PATCH', `/v1/skus/${product.skus[0].id}`, { key: coop.key, body: {} });
    expect(emptySku.body.updatedBy).toEqual(byAdmin);
    const added = await api.call('POST', `/v1/products/${product.id}/skus`, {
      key: api.adminKey,
      body: { code: uniqueCode('HD'), name: 'Gói 50g', priceVnd: 60000, weightGrams: 50 },
    });
    expect(added.body).toMatchObject({ createdBy: byAdmin, updatedBy: byAdmin });
    // a stock change is the ledger's, not an edit of the SKU
    await api.call('POST', `/v1/skus/${product.skus[0].id}/stock-adjustments`, {
      key: coop.key,
      body: { delta: 1, reason: 'nhập kho' },
    });
    const read = await api.call('GET', `/v1/products/${product.id}`, { key: coop.key });
    expect(read.body.skus[0].updatedBy).toEqual(byAdmin);
    expect(read.body.skus[1].createdBy).toEqual(byAdmin);

    // the connector's own product (the demo seed's way) names nobody
    const own = await api.app.get(ProductsService).create(
      {},
      {
        cooperativeId: coop.id,
        name: 'Chè của hệ thống',
        category: 'tea',
        skus: [{ code: uniqueCode('HD'), name: 'Hộp 100g', priceVnd: 1000, weightGrams: 100 }],
      },
      null,
    );
    const ownRead = await api.call('GET', `/v1/products/${own.id}`, { key: coop.key });
    expect(ownRead.body).toMatchObject({ createdBy: null, updatedBy: null });
    expect(ownRead.body.skus[0]).toMatchObject({ createdBy: null, updatedBy: null });
  });

  it('adjusts stock and takes stock, one ledger row per change, never below reserved', async () => {
    const product = await newProduct(api, coop);
    const sku = product.skus[0];
    const up = await api.call('POST', `/v1/skus/${sku.id}/stock-adjustments`, {
      key: coop.key,
      body: { delta: 5, reason: 'new harvest packed' },
    });
    expect(up.status).toBe(201);
    expect(up.body.onHand).toBe(15);

    await reserve(sku.id, 6);
    const tooFar = await api.call('POST', `/v1/skus/${sku.id}/stock-adjustments`, {
      key: coop.key,
      body: { delta: -10, reason: 'damaged' },
    });
    expect(tooFar.status).toBe(409);
    expect(tooFar.body.error.code).toBe('conflict');
    const takeTooLow = await api.call('PUT', `/v1/skus/${sku.id}/stock`, {
      key: coop.key,
      body: { onHand: 5, reason: 'count' },
    });
    expect(takeTooLow.status).toBe(409);

    const take = await api.call('PUT', `/v1/skus/${sku.id}/stock`, {
      key: coop.key,
      body: { onHand: 8, reason: 'count' },
    });
    expect(take.status).toBe(200);
    expect(take.body).toMatchObject({ onHand: 8, reserved: 6, available: 2 });

    const movements = await api.call('GET', `/v1/skus/${sku.id}/stock-movements`, { key: coop.key });
    expect(movements.body.items.map((m: any) => [m.onHandDelta, m.reservedDelta])).toEqual([
      [-7, 0],
      [0, 6],
      [5, 0],
      [10, 0],
    ]);
    const sum = movements.body.items.reduce((s: number, m: any) => s + m.onHandDelta, 0);
    expect(sum).toBe(8);
  });

  it('applies 20 concurrent +1 adjustments exactly, with 20 ledger rows', async () => {
    const product = await newProduct(api, coop);
    const sku = product.skus[0];
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        api.call('POST', `/v1/skus/${sku.id}/stock-adjustments`, {
          key: coop.key,
          body: { delta: 1, reason: `box ${i}` },
        }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(201));
    const after = await api.call('GET', `/v1/products/${product.id}`, { key: coop.key });
    expect(after.body.skus[0].onHand).toBe(sku.onHand + 20);
    const movements = await api.call('GET', `/v1/skus/${sku.id}/stock-movements?limit=200`, {
      key: coop.key,
    });
    expect(movements.body.items.filter((m: any) => m.reason.startsWith('box '))).toHaveLength(20);
  });

  it('applies an Idempotency-Key once, even when both calls race, and replays the same answer', async () => {
    const product = await newProduct(api, coop);
    const sku = product.skus[0];
    const send = () =>
      api.call('POST', `/v1/skus/${sku.id}/stock-adjustments`, {
        key: coop.key,
        body: { delta: 3, reason: 'delivery from packing' },
        headers: { 'Idempotency-Key': `delivery-${sku.id}` },
      });
    const [first, second] = await Promise.all([send(), send()]);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    const third = await send();
    expect(third.body).toEqual(first.body);
    const after = await api.call('GET', `/v1/products/${product.id}`, { key: coop.key });
    expect(after.body.skus[0].onHand).toBe(sku.onHand + 3);

    const reused = await api.call('POST', `/v1/skus/${sku.id}/stock-adjustments`, {
      key: coop.key,
      body: { delta: 4, reason: 'another' },
      headers: { 'Idempotency-Key': `delivery-${sku.id}` },
    });
    expect(reused.status).toBe(409);
    const badKey = await api.call('POST', `/v1/skus/${sku.id}/stock-adjustments`, {
      key: coop.key,
      body: { delta: 4, reason: 'another' },
      headers: { 'Idempotency-Key': 'x'.repeat(300) },
    });
    expect(badKey.status).toBe(400);
  });

  it('never lets on-hand fall below reserved, even under concurrent decrements', async () => {
    const product = await newProduct(api, coop);
    const sku = product.skus[0]; // 10 on hand
    await reserve(sku.id, 4);
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        api.call('POST', `/v1/skus/${sku.id}/stock-adjustments`, {
          key: coop.key,
          body: { delta: -1, reason: 'sample' },
        }),
      ),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(6);
    expect(answers.filter((a) => a.status === 409)).toHaveLength(4);
    const after = await api.call('GET', `/v1/products/${product.id}`, { key: coop.key });
    expect(after.body.skus[0]).toMatchObject({ onHand: 4, reserved: 4, available: 0 });
  });

  it('searches names ignoring case and Vietnamese diacritics', async () => {
    const other = await newCooperative(api, { name: 'HTX Đinh Tân Cương' });
    await newProduct(api, other, { name: 'Chè Tân Cương' });
    await newProduct(api, other, { name: 'Chè Đinh thượng hạng' });
    await newProduct(api, other, { name: 'Miến dong Việt Cường', category: 'noodles' });
    await newProduct(api, other, { name: 'Chè sen Tân Cương biếu Tết' });
    const names = async (q: string) => {
      const res = await api.call('GET', `/v1/products?cooperativeId=${other.id}&q=${encodeURIComponent(q)}`, {
        key: other.key,
      });
      expect(res.status).toBe(200);
      return res.body.items.map((p: any) => p.name).sort();
    };
    expect(await names('che tan cuong')).toEqual(['Chè Tân Cương', 'Chè sen Tân Cương biếu Tết']);
    expect(await names('CHÈ TÂN CƯƠNG')).toEqual(['Chè Tân Cương', 'Chè sen Tân Cương biếu Tết']);
    expect(await names('tan cuong sen')).toEqual(['Chè sen Tân Cương biếu Tết']);
    expect(await names('dinh')).toEqual(['Chè Đinh thượng hạng']);
    expect(await names('mien')).toEqual(['Miến dong Việt Cường']);
    expect(await names('100%')).toEqual([]);
    const byCategory = await api.call('GET', `/v1/products?cooperativeId=${other.id}&category=noodles`, {
      key: other.key,
    });
    expect(byCategory.body.items.map((p: any) => p.name)).toEqual(['Miến dong Việt Cường']);
    const coops = await api.call('GET', `/v1/cooperatives?q=${encodeURIComponent('dinh tan cuong')}`, {
      key: api.adminKey,
    });
    expect(coops.body.items.map((c: any) => c.id)).toContain(other.id);
    const byDistrict = await api.call(
      'GET',
      `/v1/cooperatives?district=${encodeURIComponent('tp thai nguyen')}&limit=200`,
      {
        key: api.adminKey,
      },
    );
    expect(byDistrict.body.items.map((c: any) => c.id)).toContain(other.id);
  });

  it('pages with an opaque cursor, each product exactly once', async () => {
    const c = await newCooperative(api);
    for (let i = 0; i < 7; i += 1) await newProduct(api, c, { name: `Gạo nếp ${i}`, category: 'rice' });
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: any = await api.call(
        'GET',
        `/v1/products?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { key: c.key },
      );
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...res.body.items.map((p: any) => p.id));
      cursor = res.body.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(7);
    const bad = await api.call('GET', '/v1/products?cursor=nonsense', { key: c.key });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('bad_request');
  });

  it('lists 200 products with their SKUs in a constant number of SQL queries', async () => {
    const c = await newCooperative(api);
    const count = async (limit: number) => {
      const before = queryCounter.queries;
      const res = await api.call('GET', `/v1/products?cooperativeId=${c.id}&limit=${limit}`, { key: c.key });
      expect(res.status).toBe(200);
      return { queries: queryCounter.queries - before, items: res.body.items };
    };
    await newProduct(api, c);
    const one = await count(200);
    expect(one.items).toHaveLength(1);
    await Promise.all(
      Array.from({ length: 199 }, (_, i) =>
        newProduct(api, c, {
          name: `Mật ong ${i}`,
          category: 'honey',
          skus: [
            { code: uniqueCode('MO'), name: 'Chai 500ml', priceVnd: 180000, weightGrams: 700 },
            { code: uniqueCode('MO'), name: 'Chai 1l', priceVnd: 340000, weightGrams: 1300 },
          ],
        }),
      ),
    );
    const many = await count(200);
    expect(many.items).toHaveLength(200);
    expect(many.items.filter((p: any) => p.skus.length === 2)).toHaveLength(199);
    expect(many.queries).toBe(one.queries);
    expect(many.queries).toBeLessThanOrEqual(3);
  });

  it('lists the reference categories', async () => {
    const res = await api.call('GET', '/v1/reference/categories', { key: coop.key });
    expect(res.status).toBe(200);
    const tea = res.body.items.find((c: any) => c.slug === 'tea');
    expect(tea).toMatchObject({ nameVi: 'Chè, trà', nameEn: 'Tea', ocopGroup: 'food' });
  });
});

describe('catalogue: bad input answers a 4xx in the error shape', () => {
  let api: RunningApi;
  let coop: Awaited<ReturnType<typeof newCooperative>>;
  let product: any;
  beforeAll(async () => {
    api = await startApi();
    coop = await newCooperative(api);
    product = await newProduct(api, coop);
  });
  afterAll(() => api.close());

  const validProduct = () => ({
    cooperativeId: coop.id,
    name: 'Chè xanh',
    category: 'tea',
    skus: [{ code: uniqueCode('CX'), name: 'Gói 200g', priceVnd: 90000, weightGrams: 200 }],
  });

  const expectError = (res: any, status: number, code: string) => {
    expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code });
    expect(typeof res.body.error.message).toBe('string');
    expect(Array.isArray(res.body.error.details)).toBe(true);
  };

  it('malformed JSON → 400 bad_request', async () => {
    expectError(
      await api.call('POST', '/v1/products', { key: coop.key, raw: '{"name": "Chè",' }),
      400,
      'bad_request',
    );
  });

  it('a body that is not an object → 400 validation_failed', async () => {
    expectError(
      await api.call('POST', '/v1/products', { key: coop.key, raw: '[1,2]' }),
      400,
      'validation_failed',
    );
    expectError(
      await api.call('POST', '/v1/products', { key: coop.key, raw: '"chè"' }),
      400,
      'validation_failed',
    );
    expectError(await api.call('POST', '/v1/products', { key: coop.key }), 400, 'validation_failed');
  });

  it('unknown fields → 400 validation_failed naming the field', async () => {
    const res = await api.call('POST', '/v1/products', {
      key: coop.key,
      body: { ...validProduct(), discount: 10 },
    });
    expectError(res, 400, 'validation_failed');
    expect(res.body.error.details).toContainEqual({ field: 'discount', message: 'is not a known field' });
    const nested = await api.call('POST', '/v1/products', {
      key: coop.key,
      body: { ...validProduct(), skus: [{ ...validProduct().skus[0], colour: 'green' }] },
    });
    expect(nested.body.error.details).toContainEqual({
      field: 'skus.0.colour',
      message: 'is not a known field',
    });
  });

  it('wrong types → 400 validation_failed naming the field', async () => {
    const res = await api.call('POST', '/v1/products', {
      key: coop.key,
      body: { ...validProduct(), name: 42, skus: [{ ...validProduct().skus[0], weightGrams: 'heavy' }] },
    });
    expectError(res, 400, 'validation_failed');
    const fields = res.body.error.details.map((d: any) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['name', 'skus.0.weightGrams']));
    const stars = await api.call('GET', '/v1/products?stars=six', { key: coop.key });
    expectError(stars, 400, 'validation_failed');
    const limit = await api.call('GET', '/v1/products?limit=500', { key: coop.key });
    expectError(limit, 400, 'validation_failed');
    const noSkus = await api.call('POST', '/v1/products', {
      key: coop.key,
      body: { ...validProduct(), skus: [] },
    });
    expectError(noSkus, 400, 'validation_failed');
    const category = await api.call('POST', '/v1/products', {
      key: coop.key,
      body: { ...validProduct(), category: 'gold' },
    });
    expectError(category, 400, 'validation_failed');
    expect(category.body.error.details[0].field).toBe('category');
  });

  it('negative or fractional VND → 400 validation_failed', async () => {
    for (const priceVnd of [-1, 1000.5, '1000']) {
      const res = await api.call('POST', '/v1/products', {
        key: coop.key,
        body: { ...validProduct(), skus: [{ ...validProduct().skus[0], priceVnd }] },
      });
      expectError(res, 400, 'validation_failed');
      expect(res.body.error.details[0].field).toBe('skus.0.priceVnd');
    }
    const patch = await api.call('PATCH', `/v1/skus/${product.skus[0].id}`, {
      key: coop.key,
      body: { priceVnd: -5 },
    });
    expectError(patch, 400, 'validation_failed');
  });

  it('bad stock changes → 400 validation_failed', async () => {
    const sku = product.skus[0];
    for (const body of [{ delta: 0, reason: 'x' }, { delta: 1.5, reason: 'x' }, { delta: 1 }]) {
      expectError(
        await api.call('POST', `/v1/skus/${sku.id}/stock-adjustments`, { key: coop.key, body }),
        400,
        'validation_failed',
      );
    }
    expectError(
      await api.call('PUT', `/v1/skus/${sku.id}/stock`, { key: coop.key, body: { onHand: -1, reason: 'x' } }),
      400,
      'validation_failed',
    );
  });

  it('bodies over 1 MiB → 413 payload_too_large', async () => {
    const res = await api.call('POST', '/v1/products', {
      key: coop.key,
      body: { ...validProduct(), description: 'chè '.repeat(300_000) },
    });
    expectError(res, 413, 'payload_too_large');
  });

  it('a duplicate SKU code within the cooperative → 409 conflict, and nothing half-written', async () => {
    const code = product.skus[0].code;
    const dup = await api.call('POST', '/v1/products', {
      key: coop.key,
      body: { ...validProduct(), name: 'Sản phẩm trùng mã', skus: [{ ...validProduct().skus[0], code }] },
    });
    expectError(dup, 409, 'conflict');
    const list = await api.call('GET', `/v1/products?q=${encodeURIComponent('trùng mã')}`, { key: coop.key });
    expect(list.body.items).toEqual([]);
    const dupSku = await api.call('POST', `/v1/products/${product.id}/skus`, {
      key: coop.key,
      body: { code, name: 'again', priceVnd: 1, weightGrams: 1 },
    });
    expectError(dupSku, 409, 'conflict');
    const twiceInOne = await api.call('POST', '/v1/products', {
      key: coop.key,
      body: {
        ...validProduct(),
        skus: [
          { code: 'SAME', name: 'a', priceVnd: 1, weightGrams: 1 },
          { code: 'SAME', name: 'b', priceVnd: 1, weightGrams: 1 },
        ],
      },
    });
    expectError(twiceInOne, 409, 'conflict');
    // another cooperative may use the same code
    const other = await newCooperative(api);
    const sameCodeElsewhere = await api.call('POST', '/v1/products', {
      key: other.key,
      body: { ...validProduct(), cooperativeId: other.id, skus: [{ ...validProduct().skus[0], code }] },
    });
    expect(sameCodeElsewhere.status).toBe(201);
  });

  it('unknown ids and routes → 404 not_found', async () => {
    expectError(
      await api.call('GET', '/v1/products/00000000-0000-4000-8000-000000000000', { key: coop.key }),
      404,
      'not_found',
    );
    expectError(await api.call('GET', '/v1/products/not-a-uuid', { key: coop.key }), 404, 'not_found');
    expectError(await api.call('GET', '/v1/nothing-here', { key: coop.key }), 404, 'not_found');
  });
});
