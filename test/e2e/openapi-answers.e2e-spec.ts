import type { INestApplicationContext } from '@nestjs/common';
import ExcelJS from 'exceljs';
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { type RunningApi, startApi } from '../support/api';
import { newCooperative, newKey, newProduct, uniqueCode } from '../support/factories';
import { sandboxControl, startMarketplaces } from '../support/marketplaces';
import { AnswerChecker } from '../support/openapi-answers';
import { eventually, startWorker } from '../support/worker';
import { type Sandbox, type SandboxOrder, sellerOnAllThree, vosoPushOf } from './orders/support';

/**
 * Issue 14: the OpenAPI document is the browser's source of types, so what it says must be true.
 * Every operation of the document is called here against the real API (its successes and the
 * errors it documents: validation, no key, the wrong role, unknown ids, conflicts, rule
 * violations, a body too large or not JSON, rate limits), and every answer, the factories' too, is
 * checked against the schema documented for its operation and status (test/support/openapi-answers.ts):
 * an undocumented status, field or type fails. Then every operation must have been answered with a
 * documented success at least once.
 */
describe('the OpenAPI document describes every answer', () => {
  let sandbox: Sandbox;
  let api: RunningApi;
  let worker: INestApplicationContext;
  let checker: AnswerChecker;
  let db: Pool;
  const problems: string[] = [];
  /** `METHOD /path/{template} status`, for every answer checked */
  const answered = new Set<string>();

  let admin: string;
  let officer: string;
  let seller: Awaited<ReturnType<typeof sellerOnAllThree>>;
  let other: Awaited<ReturnType<typeof newCooperative>>;

  beforeAll(async () => {
    sandbox = await startMarketplaces();
    api = await startApi();
    worker = await startWorker({ ORDER_POLL_INTERVAL_MS: '2000' });
    db = new Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
    checker = new AnswerChecker((await api.call('GET', '/docs-json')).body);
    // every call from here on, the factories' included, is checked
    const call = api.call.bind(api);
    api.call = async (method, path, options) => {
      const answer = await call(method, path, options);
      const text = answer.text;
      problems.push(
        ...checker.problems(method, path, answer.status, answer.headers.get('content-type'), text),
      );
      const op = checker.operationOf(method, path);
      if (op) answered.add(`${op.method} ${op.path} ${answer.status}`);
      return answer;
    };
    admin = api.adminKey;
    officer = await newKey(api, 'officer');
    seller = await sellerOnAllThree(api, sandbox, 20);
    other = await newCooperative(api);
  }, 90_000);

  afterAll(async () => {
    await db?.end();
    await worker?.close();
    await api?.close();
    await sandbox?.close();
  });

  const unknown = () => randomUUID();
  const movementShape = {
    id: randomUUID(),
    skuId: randomUUID(),
    onHandDelta: 1,
    reservedDelta: 0,
    kind: 'adjustment',
    reason: 'x',
    orderId: null,
    onHandAfter: 1,
    reservedAfter: 0,
    createdAt: '2026-11-30T00:00:00.000Z',
  };

  it('health probes and who is calling', async () => {
    for (const path of ['/health/live', '/health/ready', '/health']) await api.call('GET', path);
    await api.call('GET', '/v1/me', { key: seller.coop.key });
    await api.call('GET', '/v1/me');
    await api.call('GET', '/v1/me', { key: 'ocop_not-a-key-at-all' });
  });

  it('people, sessions and invitations', async () => {
    const password = 'chè-tân-cương-2026';
    const address = () => `nguoi-${randomUUID().slice(0, 8)}@haodat.example`;
    const lan = await api.call('POST', '/v1/users', {
      key: admin,
      body: {
        email: address(),
        name: 'Nguyễn Thị Lan',
        role: 'cooperative',
        cooperativeId: seller.coop.id,
        password,
      },
    });
    expect(lan.status).toBe(201);
    const invited = await api.call('POST', '/v1/users', {
      key: admin,
      body: { email: address(), name: 'Trần Văn Minh', role: 'officer' },
    });
    expect(invited.body.inviteUrl).toEqual(expect.any(String));
    await api.call('POST', '/v1/users', {
      key: admin,
      body: { email: lan.body.email, name: 'x', role: 'officer' },
    });
    await api.call('POST', '/v1/users', {
      key: admin,
      body: { email: address(), name: 'x', role: 'cooperative', cooperativeId: unknown() },
    });
    await api.call('POST', '/v1/users', {
      key: admin,
      body: { email: 'not-an-email', name: 'x', role: 'officer' },
    });
    await api.call('POST', '/v1/users', {
      key: officer,
      body: { email: address(), name: 'x', role: 'officer' },
    });
    await api.call('GET', '/v1/users?limit=2', { key: admin });
    await api.call('GET', '/v1/users?limit=0', { key: admin });
    await api.call('PATCH', `/v1/users/${invited.body.id}`, { key: admin, body: { name: 'Trần Minh' } });
    await api.call('PATCH', `/v1/users/${unknown()}`, { key: admin, body: { name: 'x' } });
    await api.call('PATCH', `/v1/users/${invited.body.id}`, { key: admin, body: { role: 'cooperative' } });

    // an invitation: a new link, then accepted once (which signs in), then refused
    const invitation = await api.call('POST', `/v1/users/${invited.body.id}/invites`, { key: admin });
    expect(invitation.status).toBe(201);
    await api.call('POST', `/v1/users/${unknown()}/invites`, { key: admin });
    const token = (invitation.body.inviteUrl as string).split('#/invite/')[1]!;
    const accepted = await api.call('POST', '/v1/invites/accept', { body: { token, password } });
    expect(accepted.status).toBe(201);
    await api.call('POST', '/v1/invites/accept', { body: { token, password } });
    await api.call('POST', '/v1/invites/accept', { body: { token } });
    await api.call('POST', '/v1/invites/accept', {
      raw: `token=${token}&password=${encodeURIComponent(password)}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    const disabled = await api.call('POST', '/v1/users', {
      key: admin,
      body: { email: address(), name: 'x', role: 'officer', password },
    });
    await api.call('PATCH', `/v1/users/${disabled.body.id}`, { key: admin, body: { disabled: true } });
    await api.call('POST', `/v1/users/${disabled.body.id}/invites`, { key: admin });

    // a session: who it is, a write without and with its CSRF token, signing out
    const signedIn = await api.call('POST', '/v1/sessions', { body: { email: lan.body.email, password } });
    expect(signedIn.status).toBe(201);
    const cookie = signedIn.headers.get('set-cookie')!.split(';')[0]!;
    const me = await api.call('GET', '/v1/me', { headers: { cookie } });
    expect(me.body).toMatchObject({ kind: 'user', user: { id: lan.body.id }, csrfToken: expect.any(String) });
    const csrf = { cookie, 'x-csrf-token': me.body.csrfToken as string };
    await api.call('PATCH', `/v1/products/${seller.productId}`, {
      headers: { cookie },
      body: { description: 'x' },
    });
    await api.call('PUT', `/v1/skus/${seller.skuId}/stock`, {
      headers: csrf,
      body: { onHand: 20, reason: 'count' },
    });
    const movements = await api.call('GET', `/v1/skus/${seller.skuId}/stock-movements?limit=1`, {
      headers: csrf,
    });
    expect(movements.body.items[0].actor).toEqual({ kind: 'user', id: lan.body.id, name: 'Nguyễn Thị Lan' });
    await api.call('DELETE', '/v1/sessions/current', { key: admin });
    await api.call('DELETE', '/v1/sessions/current', { headers: { cookie } });
    expect((await api.call('DELETE', '/v1/sessions/current', { headers: csrf })).status).toBe(204);
    await api.call('DELETE', '/v1/sessions/current', { headers: csrf });
    await api.call('POST', '/v1/sessions', { body: { email: lan.body.email } });
    await api.call('POST', '/v1/sessions', {
      raw: `email=${encodeURIComponent(lan.body.email)}&password=${encodeURIComponent(password)}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    // five failures for one email, then 429 with Retry-After
    const target = address();
    for (let i = 0; i < 6; i += 1) {
      await api.call('POST', '/v1/sessions', { body: { email: target, password: 'sai-mat-khau' } });
    }
    expect(answered.has('POST /v1/sessions 429')).toBe(true);
  });

  it('API keys', async () => {
    const issued = await api.call('POST', '/v1/api-keys', {
      key: admin,
      body: { role: 'officer', label: 'x' },
    });
    expect(issued.status).toBe(201);
    await api.call('POST', '/v1/api-keys', { key: admin, body: { role: 'cooperative' } });
    await api.call('POST', '/v1/api-keys', { key: officer, body: { role: 'officer' } });
    await api.call('POST', '/v1/api-keys', {
      key: admin,
      raw: '<role>officer</role>',
      headers: { 'content-type': 'application/xml' },
    });
    await api.call('POST', '/v1/api-keys', {
      key: admin,
      body: { role: 'officer', label: 'x'.repeat(1024 * 1024) },
    });
    await api.call('GET', '/v1/api-keys', { key: admin });
    expect((await api.call('DELETE', `/v1/api-keys/${issued.body.id}`, { key: admin })).status).toBe(204);
    await api.call('DELETE', `/v1/api-keys/${unknown()}`, { key: admin });
  });

  it('cooperatives', async () => {
    const created = await newCooperative(api);
    await api.call('POST', '/v1/cooperatives', { key: admin, body: { name: '' } });
    await api.call('POST', '/v1/cooperatives', { key: seller.coop.key, body: { name: 'x' } });
    await api.call('GET', '/v1/cooperatives?q=thu%20nghiem&limit=2', { key: admin });
    await api.call('GET', '/v1/cooperatives?limit=0', { key: admin });
    await api.call('GET', `/v1/cooperatives/${created.id}`, { key: officer });
    await api.call('GET', `/v1/cooperatives/${created.id}`, { key: seller.coop.key });
    await api.call('PATCH', `/v1/cooperatives/${created.id}`, {
      key: created.key,
      body: { phone: '0208 3855 123' },
    });
    await api.call('PATCH', `/v1/cooperatives/${created.id}`, { key: officer, body: { phone: '1' } });
    await api.call('PATCH', `/v1/cooperatives/${created.id}`, { key: admin, body: { nope: 1 } });
  });

  it('products, SKUs and stock', async () => {
    const product = await newProduct(api, seller.coop, { imageUrls: ['https://example.com/che.jpg'] });
    const code = uniqueCode('TEA');
    await api.call('POST', '/v1/products', {
      key: seller.coop.key,
      body: { cooperativeId: seller.coop.id, name: 'x', category: 'tea', skus: [] },
    });
    await api.call('POST', '/v1/products', {
      key: seller.coop.key,
      body: {
        cooperativeId: seller.coop.id,
        name: 'Chè',
        category: 'tea',
        skus: [
          { code, name: 'Hộp', priceVnd: 1000, weightGrams: 1 },
          { code, name: 'Hộp', priceVnd: 1000, weightGrams: 1 },
        ],
      },
    });
    await api.call('GET', '/v1/products?q=che%20tan%20cuong&stars=4&limit=5', { key: officer });
    await api.call('GET', '/v1/products?stars=9', { key: officer });
    await api.call('GET', `/v1/products/${product.id}`, { key: seller.coop.key });
    await api.call('GET', `/v1/products/${product.id}`, { key: other.key });
    await api.call('PATCH', `/v1/products/${product.id}`, {
      key: seller.coop.key,
      body: { description: 'Trà ngon' },
    });
    await api.call('PATCH', `/v1/products/${product.id}`, { key: officer, body: { description: 'x' } });
    const sku = await api.call('POST', `/v1/products/${product.id}/skus`, {
      key: seller.coop.key,
      body: { code, name: 'Hộp 200g', priceVnd: 230000, weightGrams: 200, onHand: 5 },
    });
    expect(sku.status).toBe(201);
    await api.call('POST', `/v1/products/${product.id}/skus`, {
      key: seller.coop.key,
      body: { code, name: 'Hộp 200g', priceVnd: 230000, weightGrams: 200 },
    });
    await api.call('PATCH', `/v1/skus/${sku.body.id}`, {
      key: seller.coop.key,
      body: { priceVnd: 240000, safetyStock: 1 },
    });
    await api.call('PATCH', `/v1/skus/${sku.body.id}`, { key: seller.coop.key, body: { priceVnd: 1.5 } });
    const adjust = (body: unknown, key = 'k-1') =>
      api.call('POST', `/v1/skus/${sku.body.id}/stock-adjustments`, {
        key: seller.coop.key,
        body,
        headers: { 'idempotency-key': key },
      });
    expect((await adjust({ delta: 3, reason: 'new harvest' })).status).toBe(201);
    await adjust({ delta: 3, reason: 'new harvest' });
    await adjust({ delta: 4, reason: 'another body, same key' });
    await adjust({ delta: 0, reason: 'zero' }, 'k-2');
    await api.call('PUT', `/v1/skus/${sku.body.id}/stock`, {
      key: seller.coop.key,
      body: { onHand: 7, reason: 'count' },
    });
    await api.call('PUT', `/v1/skus/${seller.skuId}/stock`, {
      key: seller.coop.key,
      body: { onHand: -1, reason: 'count' },
    });
    await api.call('PUT', `/v1/skus/${unknown()}/stock`, {
      key: seller.coop.key,
      body: { onHand: 1, reason: 'count' },
    });
    await api.call('GET', `/v1/skus/${sku.body.id}/stock-movements?limit=2`, { key: seller.coop.key });
    await api.call('GET', `/v1/skus/${unknown()}/stock-movements`, { key: admin });
    await api.call('GET', '/v1/reference/categories', { key: other.key });
    await api.call('GET', '/v1/reference/ocop', { key: other.key });
  });

  it('catalogue spreadsheets: export, template, import and apply', async () => {
    const xlsx = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    await api.call('GET', '/v1/catalogue/export.xlsx', { key: seller.coop.key });
    await api.call('GET', `/v1/catalogue/export.xlsx?cooperativeId=${seller.coop.id}`, { key: officer });
    await api.call('GET', '/v1/catalogue/export.xlsx', { key: admin });
    await api.call('GET', `/v1/catalogue/export.xlsx?cooperativeId=${seller.coop.id}`, { key: other.key });
    await api.call('GET', '/v1/catalogue/template.xlsx', { key: officer });
    // the other cooperative's catalogue, so the seller's listings stay as the later cases expect
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('Sản phẩm');
    sheet.addRow(['Tên sản phẩm', 'Danh mục', 'Mã SKU', 'Quy cách', 'Giá bán', 'Khối lượng', 'Tồn kho']);
    sheet.addRow(['Mật ong bạc hà', 'honey', uniqueCode('XL'), 'Chai 250ml', 90000, 250, 3]);
    sheet.addRow([null, 'honey', uniqueCode('XL'), 'Chai', 1.5, 250, 3]);
    const file = Buffer.from(await book.xlsx.writeBuffer());
    const upload = (key: string, raw: Buffer | string, query = '', type = xlsx) =>
      api.call('POST', `/v1/catalogue/imports${query}`, { key, raw, headers: { 'content-type': type } });
    const preview = await upload(other.key, file);
    expect(preview.status).toBe(201);
    expect(preview.body.counts).toEqual({ new: 1, changed: 0, unchanged: 0, refused: 1 });
    await upload(other.key, Buffer.from('not a workbook'));
    await upload(officer, file, `?cooperativeId=${other.id}`);
    await upload(other.key, file, `?cooperativeId=${seller.coop.id}`);
    await upload(other.key, Buffer.alloc(6 * 1024 * 1024));
    await upload(other.key, '{}', '', 'application/json');
    const apply = (key: string, id = preview.body.id as string) =>
      api.call('POST', `/v1/catalogue/imports/${id}/apply`, { key });
    await apply(seller.coop.key);
    await apply(officer);
    expect((await apply(other.key)).status).toBe(200);
    await apply(other.key);
    await apply(other.key, unknown());
  });

  it('OCOP assessments and certificates', async () => {
    const assess = (key: string, body: Record<string, unknown> = {}) =>
      api.call('POST', `/v1/products/${seller.productId}/ocop-assessments`, {
        key,
        body: {
          partA: 32,
          partB: 20,
          partC: 28,
          mandatoryCriteriaMet: true,
          level: 'province',
          decisionNo: '1/QĐ-UBND',
          decidedAt: '2026-01-05',
          ...body,
        },
      });
    const certificate = await assess(officer);
    expect(certificate.status).toBe(201);
    await assess(officer, { level: 'district' });
    await assess(seller.coop.key);
    await assess(officer, { partA: 'many' });
    await api.call('GET', `/v1/products/${seller.productId}/ocop-assessments`, { key: seller.coop.key });
    await api.call('GET', `/v1/products/${seller.productId}/ocop-assessments`, { key: other.key });
    await api.call('GET', '/v1/ocop-certificates?status=active&stars=4&expiringWithinDays=400', {
      key: officer,
    });
    await api.call('GET', '/v1/ocop-certificates?stars=0', { key: officer });
    await api.call('GET', '/v1/ocop-certificates?district=Dai%20Tu', { key: officer });
    await api.call('GET', `/v1/ocop-certificates/${certificate.body.id}`, { key: seller.coop.key });
    await api.call('GET', `/v1/ocop-certificates/${certificate.body.id}`, { key: other.key });
    const revoke = (reason: unknown) =>
      api.call('POST', `/v1/ocop-certificates/${certificate.body.id}/revoke`, {
        key: officer,
        body: { reason },
      });
    expect((await revoke('Vi phạm ghi nhãn')).status).toBe(200);
    await revoke('again');
    await revoke('');
  });

  it('connections, listings and channel health', async () => {
    const connectionId = seller.shops.sendo.connectionId;
    const shop = await sandboxControl(sandbox.urls.voso).createShop({
      shopId: `voso-${randomUUID().slice(0, 8)}`,
    });
    const connect = (key: string, credentials: Record<string, string>, cooperativeId = other.id) =>
      api.call('POST', `/v1/cooperatives/${cooperativeId}/connections`, {
        key,
        body: { marketplace: 'voso', shopId: shop.shopId, baseUrl: sandbox.urls.voso, credentials },
      });
    const good = { ...shop.credentials, webhookSecret: shop.webhookSecret };
    await connect(other.key, { ...good, PASSWORD: 'wrong' });
    const connected = await connect(other.key, good);
    expect(connected.status).toBe(201);
    await connect(other.key, good);
    await connect(officer, good);
    await connect(other.key, {});
    await api.call('GET', `/v1/cooperatives/${seller.coop.id}/connections?marketplace=sendo`, {
      key: seller.coop.key,
    });
    await api.call('GET', `/v1/cooperatives/${seller.coop.id}/connections?status=gone`, {
      key: seller.coop.key,
    });
    await api.call('GET', `/v1/cooperatives/${seller.coop.id}/channel-health`, { key: seller.coop.key });
    await api.call('GET', `/v1/cooperatives/${seller.coop.id}/channel-health`, { key: other.key });
    await api.call('GET', `/v1/connections/${connectionId}`, { key: officer });
    await api.call('GET', `/v1/connections/${connectionId}`, { key: other.key });
    await api.call('PATCH', `/v1/connections/${connectionId}`, {
      key: seller.coop.key,
      body: { stockBufferPercent: 10 },
    });
    await api.call('PATCH', `/v1/connections/${connected.body.id}`, {
      key: other.key,
      body: { credentials: { ...good, PASSWORD: 'wrong' } },
    });
    await api.call('PATCH', `/v1/connections/${connectionId}`, {
      key: seller.coop.key,
      body: { stockBufferPercent: 101 },
    });
    await api.call('POST', `/v1/connections/${connectionId}/transfer`, {
      key: admin,
      body: { cooperativeId: seller.coop.id },
    });
    await api.call('POST', `/v1/connections/${connectionId}/transfer`, {
      key: admin,
      body: { cooperativeId: other.id },
    });
    await api.call('POST', `/v1/connections/${connectionId}/transfer`, {
      key: admin,
      body: { cooperativeId: unknown() },
    });
    await api.call('POST', `/v1/connections/${connectionId}/transfer`, {
      key: seller.coop.key,
      body: { cooperativeId: other.id },
    });
    await api.call('POST', `/v1/connections/${connectionId}/republish`, { key: seller.coop.key });
    await api.call('POST', `/v1/connections/${connectionId}/republish`, { key: officer });
    const checked = await api.call('POST', `/v1/connections/${connectionId}/check`, { key: seller.coop.key });
    expect(checked.status).toBe(200);
    await api.call('POST', `/v1/connections/${connectionId}/check`, { key: officer });
    await api.call('POST', `/v1/connections/${connectionId}/check`, { key: other.key });

    const product = await newProduct(api, seller.coop);
    const listing = await api.call('POST', '/v1/listings', {
      key: seller.coop.key,
      body: { productId: product.id, connectionId },
    });
    expect(listing.status).toBe(202);
    await api.call('POST', '/v1/listings', {
      key: seller.coop.key,
      body: { productId: product.id, connectionId },
    });
    await api.call('POST', '/v1/listings', {
      key: admin,
      body: { productId: product.id, connectionId: connected.body.id },
    });
    await api.call('POST', '/v1/listings', { key: seller.coop.key, body: { productId: 'x', connectionId } });
    await api.call('GET', `/v1/listings?productId=${product.id}&marketplace=sendo`, { key: seller.coop.key });
    await api.call('GET', '/v1/listings?status=gone', { key: seller.coop.key });
    await api.call('GET', `/v1/listings?cooperativeId=${seller.coop.id}`, { key: officer });
    await api.call('GET', '/v1/listings?cooperativeId=nope', { key: officer });
    const many = await newProduct(api, seller.coop);
    const bulk = (key: string, body: unknown) => api.call('POST', '/v1/listings/bulk', { key, body });
    expect(
      (await bulk(seller.coop.key, { connectionId, productIds: [many.id, product.id, unknown()] })).status,
    ).toBe(200);
    await bulk(officer, { connectionId, productIds: [many.id] });
    await bulk(other.key, { connectionId, productIds: [many.id] });
    await bulk(seller.coop.key, { connectionId, productIds: [] });
    await eventually(
      async () =>
        (await api.call('GET', `/v1/listings/${listing.body.id}`, { key: seller.coop.key })).body.status ===
        'synced',
    );
    await api.call('GET', `/v1/listings/${listing.body.id}`, { key: other.key });
    await api.call('POST', `/v1/listings/${listing.body.id}/resync`, { key: seller.coop.key });
    await api.call('DELETE', `/v1/listings/${listing.body.id}`, { key: seller.coop.key });
    await api.call('DELETE', `/v1/listings/${listing.body.id}`, { key: officer });
    await api.call('POST', `/v1/listings/${listing.body.id}/resync`, { key: seller.coop.key });
  });

  it('webhooks, orders and their actions', async () => {
    const voso = sandboxControl(sandbox.urls.voso);
    const placed = await voso.placeOrder(seller.shops.voso.shopId, [{ sku: seller.code, quantity: 2 }]);
    const order = await eventually(async () => {
      const page = await api.call('GET', `/v1/orders?cooperativeId=${seller.coop.id}&marketplace=voso`, {
        key: seller.coop.key,
      });
      return page.body.items.find((o: { externalOrderId: string }) => o.externalOrderId === placed.orderId);
    }, 20_000);
    // a push the API stores (answered 200) and the same event again (a duplicate)
    const sandboxOrder = (await voso.order(seller.shops.voso.shopId, placed.orderId)) as SandboxOrder;
    const push = vosoPushOf(seller.shops.voso.shopId, seller.shops.voso.webhookSecret, sandboxOrder, {
      eventId: 'evt-openapi',
    });
    expect(
      (await api.call('POST', '/v1/webhooks/voso', { raw: push.body, headers: push.headers })).status,
    ).toBe(200);
    await api.call('POST', '/v1/webhooks/voso', { raw: push.body, headers: push.headers });
    await api.call('POST', '/v1/webhooks/voso', {
      raw: push.body,
      headers: { 'content-type': 'application/json' },
    });
    await api.call('POST', '/v1/webhooks/voso', { raw: '{"EVENT_TYPE": 1}', headers: push.headers });
    await api.call('POST', '/v1/webhooks/amazon', { raw: push.body, headers: push.headers });
    const stranger = vosoPushOf(`voso-${randomUUID().slice(0, 8)}`, 'secret', sandboxOrder);
    await api.call('POST', '/v1/webhooks/voso', { raw: stranger.body, headers: stranger.headers });

    await api.call('GET', '/v1/orders?status=pending&from=2026-01-01&to=2026-12-31&flagged=false&limit=5', {
      key: officer,
    });
    await api.call('GET', '/v1/orders?from=2026-02-30', { key: officer });
    const summary = await api.call(
      'GET',
      `/v1/orders/summary?cooperativeId=${seller.coop.id}&status=pending`,
      {
        key: officer,
      },
    );
    expect(summary.status).toBe(200);
    await api.call('GET', '/v1/orders/summary?from=2026-03-02&to=2026-03-01', { key: seller.coop.key });
    const badIds = await api.call('GET', '/v1/orders?ids=not-an-id,also-not', { key: seller.coop.key });
    expect(badIds.body.error.details).toEqual([expect.objectContaining({ field: 'ids' })]);
    await api.call('GET', `/v1/orders/${order.id}`, { key: seller.coop.key });
    await api.call('GET', `/v1/orders/${order.id}`, { key: other.key });
    expect((await api.call('POST', `/v1/orders/${order.id}/confirm`, { key: seller.coop.key })).status).toBe(
      202,
    );
    await api.call('POST', `/v1/orders/${order.id}/confirm`, { key: officer });
    await api.call('POST', `/v1/orders/${order.id}/cancel`, {
      key: seller.coop.key,
      body: { reason: 'lost' },
    });
    expect(
      (
        await api.call('POST', `/v1/orders/${order.id}/cancel`, {
          key: seller.coop.key,
          body: { reason: 'buyer_request' },
        })
      ).status,
    ).toBe(202);
    await eventually(
      async () =>
        (await api.call('GET', `/v1/orders/${order.id}`, { key: admin })).body.status === 'cancelled',
      20_000,
    );
    await api.call('POST', `/v1/orders/${order.id}/confirm`, { key: seller.coop.key });
    await api.call('POST', `/v1/orders/${unknown()}/cancel`, { key: seller.coop.key, body: {} });
  });

  it('sales metrics, as JSON and CSV', async () => {
    const coopId = seller.coop.id;
    for (const path of [
      `/v1/metrics/cooperatives/${coopId}/sales?granularity=week`,
      `/v1/metrics/cooperatives/${coopId}/growth`,
    ]) {
      await api.call('GET', path, { key: seller.coop.key });
      await api.call('GET', `${path}${path.includes('?') ? '&' : '?'}format=csv`, { key: seller.coop.key });
      await api.call('GET', path, { key: other.key });
    }
    await api.call('GET', `/v1/metrics/cooperatives/${coopId}/sales?from=2026-05-01&to=2026-04-01`, {
      key: admin,
    });
    for (const path of [
      '/v1/metrics/province/sales',
      '/v1/metrics/growth?limit=3',
      '/v1/metrics/ocop-uplift?windowDays=30&stars=4',
      '/v1/metrics/province?asOf=2026-11-28',
    ]) {
      await api.call('GET', path, { key: officer });
      await api.call('GET', path, { key: officer, headers: { accept: 'text/csv' } });
      await api.call('GET', path, { key: seller.coop.key });
    }
    await api.call('GET', '/v1/metrics/ocop-uplift?stars=2', { key: officer });
  });

  it('operations: the sync view and a dead webhook retried', async () => {
    const [row] = (
      await db.query(
        `INSERT INTO webhook_inbox (marketplace, event_id, connection_id, external_order_id, change, raw_body,
                                    attempts, last_error, dead_at)
         VALUES ('voso', gen_random_uuid()::text, $1, 'VOSO-DEAD', '{}', '{}', 10, 'it kept failing', now())
         RETURNING id`,
        [seller.shops.voso.connectionId],
      )
    ).rows as { id: string }[];
    await api.call('GET', '/v1/operations/sync-health', { key: admin });
    await api.call('GET', '/v1/operations/sync-health', { key: officer });
    expect((await api.call('POST', `/v1/operations/inbox/${row!.id}/retry`, { key: admin })).status).toBe(
      200,
    );
    await api.call('POST', `/v1/operations/inbox/${row!.id}/retry`, { key: admin });
    await api.call('POST', `/v1/operations/inbox/${unknown()}/retry`, { key: admin });
  });

  it('notices: a person’s bell', async () => {
    const email = `nguoi-${randomUUID().slice(0, 8)}@haodat.example`;
    const person = await api.call('POST', '/v1/users', {
      key: admin,
      body: {
        email,
        name: 'Lê Thị Hoa',
        role: 'cooperative',
        cooperativeId: seller.coop.id,
        password: 'chè-tân-cương-2026',
      },
    });
    const [row] = (
      await db.query(
        `INSERT INTO notifications (recipient_id, subject, kind, title, body, link, email_status)
         VALUES ($1, 'order-oversold:' || gen_random_uuid(), 'order_oversold', 'Đơn hàng vượt tồn kho', 'x', '#/orders', 'none')
         RETURNING id`,
        [person.body.id],
      )
    ).rows as { id: string }[];
    const signedIn = await api.call('POST', '/v1/sessions', {
      body: { email, password: 'chè-tân-cương-2026' },
    });
    const cookie = (signedIn.headers.get('set-cookie') ?? '').split(';')[0]!;
    const csrf = (await api.call('GET', '/v1/me', { headers: { cookie } })).body.csrfToken as string;
    const headers = { cookie, 'x-csrf-token': csrf };
    await api.call('GET', '/v1/notifications?unread=true&limit=10', { headers });
    await api.call('GET', '/v1/notifications?unread=maybe', { headers });
    await api.call('GET', '/v1/notifications', { key: officer });
    await api.call('GET', '/v1/notifications/unread-count', { headers });
    await api.call('GET', '/v1/notifications/unread-count', { key: officer });
    expect((await api.call('POST', `/v1/notifications/${row!.id}/read`, { headers })).status).toBe(204);
    await api.call('POST', `/v1/notifications/${unknown()}/read`, { headers });
    await api.call('POST', `/v1/notifications/${row!.id}/read`, { key: officer });
  });

  it('rate limits: 429 with Retry-After, in the documented shape', async () => {
    const limited = await startApi({ API_RATE_LIMIT_PER_MINUTE: '2' });
    try {
      const key = await newKey(api, 'officer');
      let last: Awaited<ReturnType<RunningApi['call']>> | undefined;
      for (let i = 0; i < 3; i += 1) last = await limited.call('GET', '/v1/me', { key });
      expect(last!.status).toBe(429);
      problems.push(
        ...checker.problems('GET', '/v1/me', last!.status, last!.headers.get('content-type'), last!.text),
      );
      answered.add(`GET /v1/me ${last!.status}`);
      const documented = checker.operationOf('GET', '/v1/me')!.operation.responses['429'];
      expect(Object.keys(documented.headers)).toEqual(['Retry-After']);
      expect(Number(last!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    } finally {
      await limited.close();
    }
  });

  it('every answer was as documented, and every operation answered a documented success', () => {
    // the checker refuses what the document does not say: a field, a type, a status
    const me = (body: unknown, status = 200) =>
      checker.problems('GET', '/v1/me', status, 'application/json', JSON.stringify(body));
    expect(me({ kind: 'key', role: 'officer', cooperativeId: null })).toEqual([]);
    expect(me({ role: 'officer', cooperativeId: null })).not.toEqual([]);
    expect(me({ kind: 'key', role: 'officer', cooperativeId: null, keyHash: 'x' })).not.toEqual([]);
    expect(me({ kind: 'key', role: 'officer', cooperativeId: 7 })).not.toEqual([]);
    expect(me({ kind: 'key', role: 'officer', cooperativeId: null }, 418)).not.toEqual([]);
    // the ledger's actor is a closed object or null
    const movements = (actor: unknown) =>
      checker.problems(
        'GET',
        `/v1/skus/${unknown()}/stock-movements`,
        200,
        'application/json',
        JSON.stringify({ items: [{ ...movementShape, actor }], nextCursor: null }),
      );
    expect(movements(null)).toEqual([]);
    expect(movements({ kind: 'user', id: unknown(), name: 'Lan' })).toEqual([]);
    expect(movements({ kind: 'user', id: unknown(), name: 'Lan', email: 'lan@x.vn' })).not.toEqual([]);
    expect(problems).toEqual([]);
    expect(answered.size).toBeGreaterThan(100);
    const succeeded = (op: { method: string; path: string }) =>
      [...answered].some((a) => a.startsWith(`${op.method} ${op.path} 2`));
    expect(checker.operations.filter((op) => !succeeded(op)).map((op) => `${op.method} ${op.path}`)).toEqual(
      [],
    );
    // and the errors the document gives most routes were seen at least once each
    const statuses = new Set([...answered].map((a) => Number(a.split(' ').pop())));
    expect([...statuses].filter((s) => s >= 400).sort()).toEqual(
      expect.arrayContaining([400, 401, 403, 404, 409, 413, 415, 422, 429]),
    );
  });
});
