import { createHmac } from 'node:crypto';
import { Sandbox } from '../../../apps/marketplace-sandbox/src/sandbox';
import { control, http, JsonResponse, settle, startReceiver, startTestSandbox, waitFor } from './helpers';

/**
 * TikTok Shop-style contract (MARKETPLACES-GLOBAL.md, "TikTok Shop-style"), from outside over plain
 * HTTP. Requests are signed by the recipe written here, not by the sandbox's code.
 */

const DAY = 86_400;

/** The test's own signer: hex HMAC-SHA256(secret, secret + path + sorted name+value + body + secret). */
function sign(secret: string, path: string, params: Record<string, string>, body: string): string {
  const names = Object.keys(params)
    .filter((name) => name !== 'sign' && name !== 'access_token')
    .sort();
  const text = secret + path + names.map((name) => name + params[name]).join('') + body + secret;
  return createHmac('sha256', secret).update(text).digest('hex');
}

/** A 1×1 PNG's first bytes: enough for an upload to be an image. */
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

interface CallOptions {
  body?: unknown;
  /** Sent as is; `signedBody` (default the same) is what the signature covers. */
  rawBody?: string;
  signedBody?: string;
  params?: Record<string, string>;
  /** Unix seconds; default the sandbox clock. */
  timestamp?: number;
  /** null leaves shop_cipher out. */
  cipher?: string | null;
  token?: string | null;
  secret?: string;
  tamperSign?: (sign: string) => string;
}

describe('TikTok Shop-style marketplace', () => {
  let sandbox: Sandbox;
  let base: string;
  let ctl: ReturnType<typeof control>;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    base = sandbox.urls.tiktok;
    ctl = control(base);
  });
  afterAll(() => sandbox.close());
  beforeEach(() => ctl.reset());

  const nowSeconds = async () => Math.floor((await ctl.now()) / 1000);
  const settings = (body: Record<string, unknown>) => http('PUT', `${base}/_sandbox/settings`, { body });

  const exchange = (credentials: Record<string, string>, code: string, overrides = {}) =>
    http(
      'GET',
      `${base}/api/v2/token/get?${new URLSearchParams({
        app_key: credentials.app_key,
        app_secret: credentials.app_secret,
        auth_code: code,
        grant_type: 'authorized_code',
        ...overrides,
      }).toString()}`,
    );
  const refresh = (credentials: Record<string, string>, refreshToken: string) =>
    http(
      'GET',
      `${base}/api/v2/token/refresh?${new URLSearchParams({
        app_key: credentials.app_key,
        app_secret: credentials.app_secret,
        refresh_token: refreshToken,
        grant_type: 'refresh_token',
      }).toString()}`,
    );

  /** A shop, authorized: tokens from its auth_code, its cipher and its warehouse. */
  async function connect(extra: Record<string, unknown> = {}) {
    const shop = await ctl.createShop(extra);
    const credentials = shop.credentials;
    const tokens = (await exchange(credentials, credentials.auth_code)).body.data;
    const state = { accessToken: tokens.access_token as string, cipher: '' };
    const call = async <T = any>(
      method: string,
      path: string,
      options: CallOptions = {},
    ): Promise<JsonResponse<T>> => {
      const rawBody = options.rawBody ?? (options.body === undefined ? '' : JSON.stringify(options.body));
      const params: Record<string, string> = {
        ...options.params,
        app_key: credentials.app_key,
        timestamp: String(options.timestamp ?? (await nowSeconds())),
      };
      const cipher = options.cipher === undefined ? state.cipher : options.cipher;
      if (cipher) params.shop_cipher = cipher;
      let signature = sign(
        options.secret ?? credentials.app_secret,
        path,
        params,
        options.signedBody ?? rawBody,
      );
      if (options.tamperSign) signature = options.tamperSign(signature);
      const token = options.token === undefined ? state.accessToken : options.token;
      return http<T>(method, `${base}${path}?${new URLSearchParams({ ...params, sign: signature })}`, {
        rawBody: rawBody === '' ? undefined : rawBody,
        headers: token === null ? {} : { 'x-tts-access-token': token },
      });
    };
    const shops = await call('GET', '/authorization/202309/shops', { cipher: null });
    expect(shops.body.code).toBe(0);
    state.cipher = shops.body.data.shops[0].cipher;
    const warehouseId = (await call('GET', '/logistics/202309/warehouses')).body.data.warehouses[0]
      .id as string;

    /** Multipart upload: the body is not signed. */
    const upload = async (bytes: Buffer, useCase = 'MAIN_IMAGE') => {
      const path = '/product/202309/images/upload';
      const params = {
        app_key: credentials.app_key,
        timestamp: String(await nowSeconds()),
        shop_cipher: state.cipher,
      };
      const form = new FormData();
      form.append('data', new Blob([new Uint8Array(bytes)], { type: 'image/png' }), 'image.png');
      form.append('use_case', useCase);
      const query = new URLSearchParams({ ...params, sign: sign(credentials.app_secret, path, params, '') });
      const response = await fetch(`${base}${path}?${query.toString()}`, {
        method: 'POST',
        headers: { 'x-tts-access-token': state.accessToken },
        body: form,
      });
      return { status: response.status, body: (await response.json()) as any };
    };
    return { shop, credentials, tokens, state, call, upload, warehouseId };
  }

  type Client = Awaited<ReturnType<typeof connect>>;

  const productBody = (
    client: Client,
    images: string[],
    skus: { sku: string; quantity: number; price?: string; size?: string }[],
    extra: Record<string, unknown> = {},
  ) => ({
    title: 'Trà xanh Tân Cương Thái Nguyên hảo hạng',
    description: '<p>Trà móc câu, sao tay</p>',
    category_id: '601152',
    main_images: images.map((uri) => ({ uri })),
    package_weight: { value: '0.5', unit: 'KILOGRAM' },
    package_dimensions: { length: '20', width: '10', height: '8', unit: 'CENTIMETER' },
    skus: skus.map((sku) => ({
      seller_sku: sku.sku,
      price: { amount: sku.price ?? '85000', currency: 'VND' },
      inventory: [{ warehouse_id: client.warehouseId, quantity: sku.quantity }],
      ...(sku.size ? { sales_attributes: [{ name: 'Khối lượng', value_name: sku.size }] } : {}),
    })),
    ...extra,
  });

  /** A listed product with one SKU per entry (sizes when several). */
  async function listed(client: Client, skus: [string, number][]) {
    const uri = (await client.upload(PNG)).body.data.uri as string;
    const created = await client.call('POST', '/product/202309/products', {
      body: productBody(
        client,
        [uri],
        skus.map(([sku, quantity], index) => ({
          sku,
          quantity,
          size: skus.length > 1 ? `${(index + 1) * 100}g` : undefined,
        })),
      ),
    });
    expect(created.body.code).toBe(0);
    return {
      productId: created.body.data.product_id as string,
      skuIds: (created.body.data.skus as { id: string }[]).map((sku) => sku.id),
    };
  }

  describe('authorization and tokens', () => {
    it('creates shops whose credentials are an app key, the app secret (= webhook secret) and an auth code', async () => {
      const shop = await ctl.createShop();
      expect(shop.credentials).toEqual({
        app_key: expect.any(String),
        app_secret: expect.any(String),
        auth_code: expect.any(String),
      });
      expect(shop.webhookSecret).toBe(shop.credentials.app_secret);
      const chosen = await ctl.createShop({ webhookSecret: 'my-app-secret' });
      expect(chosen.credentials.app_secret).toBe('my-app-secret');
      await ctl.patchShop(chosen.shopId, { webhookSecret: 'rotated' });
      const read = (await http('GET', `${base}/_sandbox/shops/${chosen.shopId}`)).body;
      expect(read.credentials.app_secret).toBe('rotated');
    });

    it('exchanges a single-use auth code for tokens that live 7 days (access) and a year (refresh)', async () => {
      const shop = await ctl.createShop();
      const now = await nowSeconds();
      const first = await exchange(shop.credentials, shop.credentials.auth_code);
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({
        code: 0,
        message: expect.any(String),
        request_id: expect.any(String),
        data: {
          access_token: expect.stringMatching(/^TTP_/),
          refresh_token: expect.any(String),
          open_id: expect.any(String),
          seller_name: expect.any(String),
          seller_base_region: 'VN',
          user_type: 0,
        },
      });
      const data = first.body.data;
      expect(Math.abs(data.access_token_expire_in - (now + 7 * DAY))).toBeLessThanOrEqual(2);
      expect(Math.abs(data.refresh_token_expire_in - (now + 365 * DAY))).toBeLessThanOrEqual(2);
      const again = await exchange(shop.credentials, shop.credentials.auth_code);
      expect(again.body).toMatchObject({ code: 36004004, data: null });
      const wrongSecret = await exchange(
        { ...shop.credentials, app_secret: 'nope' },
        shop.credentials.auth_code,
      );
      expect(wrongSecret.status).toBe(401);
      expect(wrongSecret.body.code).toBe(36009004);
      const fresh = await http('POST', `${base}/_sandbox/shops/${shop.shopId}/auth-code`);
      expect(fresh.status).toBe(201);
      expect(
        (await exchange(shop.credentials, fresh.body.code, { grant_type: 'refresh_token' })).body.code,
      ).toBe(40006);
      expect((await exchange(shop.credentials, fresh.body.code)).body.code).toBe(0);
    });

    it('lets an auth code expire after 30 minutes', async () => {
      const shop = await ctl.createShop();
      const code = async () =>
        (await http('POST', `${base}/_sandbox/shops/${shop.shopId}/auth-code`)).body.code;
      const early = await code();
      const late = await code();
      await ctl.advance(29 * 60);
      expect((await exchange(shop.credentials, early)).body.code).toBe(0);
      await ctl.advance(60 + 1);
      expect((await exchange(shop.credentials, late)).body.code).toBe(36004004);
      expect((await exchange(shop.credentials, shop.credentials.auth_code)).body.code).toBe(36004004);
    });

    it('refreshes: a new access token, the same refresh token, until the refresh token expires', async () => {
      const client = await connect();
      const first = client.state.accessToken;
      await ctl.advance(7 * DAY + 1);
      const expired = await client.call('GET', '/logistics/202309/warehouses');
      expect(expired.status).toBe(401);
      expect(expired.body.code).toBe(105002);
      const renewed = await refresh(client.credentials, client.tokens.refresh_token);
      expect(renewed.body.code).toBe(0);
      expect(renewed.body.data.refresh_token).toBe(client.tokens.refresh_token);
      expect(renewed.body.data.access_token).not.toBe(first);
      client.state.accessToken = renewed.body.data.access_token;
      expect((await client.call('GET', '/logistics/202309/warehouses')).body.code).toBe(0);
      expect((await refresh(client.credentials, 'TTP_unknown')).body.code).toBe(36004005);
      await ctl.advance(359 * DAY);
      expect((await refresh(client.credentials, client.tokens.refresh_token)).body.code).toBe(36004005);
    });
  });

  describe('signed calls', () => {
    it('answers {code: 0, message, request_id, data}; shop_cipher comes from /authorization/202309/shops', async () => {
      const client = await connect();
      const shops = await client.call('GET', '/authorization/202309/shops', { cipher: null });
      expect(shops.body.data.shops).toEqual([
        {
          id: client.shop.shopId,
          name: expect.any(String),
          region: 'VN',
          seller_type: 'LOCAL',
          cipher: client.state.cipher,
          code: expect.any(String),
        },
      ]);
      const warehouses = await client.call('GET', '/logistics/202309/warehouses');
      expect(warehouses.body).toMatchObject({
        code: 0,
        data: { warehouses: [{ id: client.warehouseId, is_default: true }] },
      });
      const missing = await client.call('GET', '/logistics/202309/warehouses', { cipher: null });
      expect(missing.body.code).toBe(106013);
      const other = await client.call('GET', '/logistics/202309/warehouses', { cipher: 'ROW_other' });
      expect(other.body.code).toBe(106013);
    });

    it('refuses a wrong, uppercase or re-serialised signature with 401 106001', async () => {
      const client = await connect();
      const wrong = await client.call('GET', '/logistics/202309/warehouses', { secret: 'not-the-secret' });
      expect(wrong.status).toBe(401);
      expect(wrong.body).toMatchObject({ code: 106001, data: null });
      const upper = await client.call('GET', '/logistics/202309/warehouses', {
        tamperSign: (value) => value.toUpperCase(),
      });
      expect(upper.body.code).toBe(106001);
      const body = { product_ids: ['1'] };
      const reserialised = await client.call('POST', '/product/202309/products/deactivate', {
        rawBody: JSON.stringify(body, null, 2),
        signedBody: JSON.stringify(body),
      });
      expect(reserialised.status).toBe(401);
      expect(reserialised.body.code).toBe(106001);
      const exact = await client.call('POST', '/product/202309/products/deactivate', {
        rawBody: JSON.stringify(body, null, 2),
      });
      expect(exact.body.code).toBe(0);
      const withToken = await client.call('GET', '/logistics/202309/warehouses', {
        params: { access_token: 'ignored-by-the-signature' },
      });
      expect(withToken.body.code).toBe(0);
    });

    it('accepts timestamps from 300 s before to 30 s after its clock (+31 s is refused)', async () => {
      const client = await connect();
      // whole seconds rounded so that the sandbox's clock moving on a little cannot tip a case over
      const clock = await ctl.now();
      const [floor, ceil] = [Math.floor(clock / 1000), Math.ceil(clock / 1000)];
      const now = floor;
      const at = (timestamp: number) => client.call('GET', '/logistics/202309/warehouses', { timestamp });
      expect((await at(ceil - 299)).body.code).toBe(0);
      expect((await at(floor + 30)).body.code).toBe(0);
      const skewed = await at(ceil + 31);
      expect(skewed.status).toBe(401);
      expect(skewed.body.code).toBe(36009004);
      expect((await at(floor - 301)).body.code).toBe(36009004);
      const unknownApp = await http(
        'GET',
        `${base}/logistics/202309/warehouses?app_key=nobody&timestamp=${now}&sign=x`,
      );
      expect(unknownApp.status).toBe(401);
      expect(unknownApp.body.code).toBe(36009004);
    });

    it('refuses a missing or unknown access token with 105001', async () => {
      const client = await connect();
      const none = await client.call('GET', '/logistics/202309/warehouses', { token: null });
      expect(none.status).toBe(401);
      expect(none.body.code).toBe(105001);
      const other = await connect();
      const foreign = await client.call('GET', '/logistics/202309/warehouses', {
        token: other.state.accessToken,
      });
      expect(foreign.body.code).toBe(105001);
    });

    it('throttles 429 36009002 per API and shop', async () => {
      const client = await connect();
      await ctl.faults(client.shop.shopId, { rateLimitPerSecond: 3 });
      const now = await nowSeconds();
      const [reads, webhooks] = await Promise.all([
        Promise.all(
          Array.from({ length: 12 }, () =>
            client.call('GET', '/order/202309/orders', { params: { ids: '1' }, timestamp: now }),
          ),
        ),
        Promise.all(
          Array.from({ length: 2 }, () => client.call('GET', '/event/202309/webhooks', { timestamp: now })),
        ),
      ]);
      const throttled = reads.filter((response) => response.status === 429);
      // 12 at once against 3 a second: even spread over a few windows, most are refused
      expect(throttled.length).toBeGreaterThanOrEqual(4);
      expect(throttled[0].body).toMatchObject({ code: 36009002, data: null });
      expect(reads.filter((response) => response.body.code === 0).length).toBeGreaterThanOrEqual(3);
      expect(webhooks.map((response) => response.body.code)).toEqual([0, 0]);
    });

    it('answers 503 while in maintenance and random 5xx at errorRate, in the envelope', async () => {
      const client = await connect();
      await ctl.faults(client.shop.shopId, { maintenance: true });
      const down = await client.call('GET', '/logistics/202309/warehouses');
      expect(down.status).toBe(503);
      expect(down.body).toMatchObject({ code: 36009003, data: null });
      await ctl.faults(client.shop.shopId, { maintenance: false, errorRate: 1, seed: 7 });
      const broken = await client.call('GET', '/logistics/202309/warehouses');
      expect([500, 502]).toContain(broken.status);
      expect(broken.body.code).toBe(36009003);
    });

    it('answers hostile input in its envelope, never with a 500', async () => {
      const client = await connect();
      const responses = [
        await client.call('POST', '/product/202309/products', { rawBody: '{"title": ' }),
        await client.call('POST', '/product/202309/products', { body: [1, 2] }),
        await client.call('POST', '/product/202309/products', { body: { title: 5, skus: 'x' } }),
        await client.call('POST', '/product/202309/products/x/inventory/update', { body: { skus: 'x' } }),
        await client.call('POST', '/product/202309/products/x/prices/update', { body: null }),
        await client.call('POST', '/order/202309/orders/search', {
          params: { page_size: '1e3' },
          body: {},
        }),
        await client.call('POST', '/order/202309/orders/search', {
          params: { page_size: '10', page_token: '!!!' },
          body: {},
        }),
        await client.call('POST', '/order/202309/orders/search', {
          params: { page_size: '10' },
          body: { update_time_ge: 'yesterday' },
        }),
        await client.call('GET', '/order/202309/orders', { params: { ids: ',,,' } }),
        await client.call('POST', '/fulfillment/202309/packages/%00/ship', { body: {} }),
        await client.call('POST', '/return_refund/202309/cancellations', { body: { order_id: {} } }),
        await client.call('POST', '/product/202309/images/upload', { body: { data: 'x' } }),
        await client.call('PUT', '/event/202309/webhooks', { body: { address: 'ftp://x', event_type: 'X' } }),
        await client.call('DELETE', '/product/202309/products', { body: { product_ids: [1] } }),
      ];
      for (const response of responses) {
        expect(response.status).toBeLessThan(500);
        expect(response.body).toMatchObject({ code: expect.any(Number), request_id: expect.any(String) });
        expect(response.body.code).not.toBe(0);
      }
      const unknown = await client.call('GET', '/product/202309/nothing-here');
      expect(unknown.status).toBe(404);
      expect(unknown.body.code).toBe(40004);
    });
  });

  describe('listings', () => {
    it('uploads images (multipart) and creates a product with variants; weights are kilograms, grams in control', async () => {
      const client = await connect();
      const image = await client.upload(PNG);
      expect(image.body).toMatchObject({
        code: 0,
        data: { uri: expect.any(String), use_case: 'MAIN_IMAGE' },
      });
      const notImage = await client.upload(Buffer.from('plain text, not an image'));
      expect(notImage.body.code).toBe(40006);
      const created = await client.call('POST', '/product/202309/products', {
        body: productBody(
          client,
          [image.body.data.uri],
          [
            { sku: 'TRA-100', quantity: 5, size: '100g' },
            { sku: 'TRA-500', quantity: 2, price: '390000', size: '500g' },
          ],
        ),
      });
      expect(created.body).toMatchObject({
        code: 0,
        data: {
          product_id: expect.stringMatching(/^\d+$/),
          skus: [
            { id: expect.stringMatching(/^\d+$/), seller_sku: 'TRA-100' },
            { id: expect.stringMatching(/^\d+$/), seller_sku: 'TRA-500' },
          ],
        },
      });
      const productId = created.body.data.product_id;
      const [small, large] = created.body.data.skus.map((sku: { id: string }) => sku.id);
      expect(await ctl.listings(client.shop.shopId)).toEqual([
        expect.objectContaining({
          productId,
          status: 'active',
          categoryId: '601152',
          variants: [
            { sku: 'TRA-100', variantId: small, price: 85_000, quantity: 5, weightGrams: 500 },
            { sku: 'TRA-500', variantId: large, price: 390_000, quantity: 2, weightGrams: 500 },
          ],
        }),
      ]);
      const read = await client.call('GET', `/product/202309/products/${productId}`);
      expect(read.body.data).toMatchObject({
        id: productId,
        status: 'ACTIVATE',
        package_weight: { value: '0.5', unit: 'KILOGRAM' },
        package_dimensions: { length: '20', width: '10', height: '8', unit: 'CENTIMETER' },
        skus: [
          { id: small, sales_attributes: [{ name: 'Khối lượng', value_name: '100g' }] },
          { id: large, price: { amount: '390000', currency: 'VND' } },
        ],
      });
    });

    it('refuses titles outside 25-255 characters, unknown or too many images, bad SKUs', async () => {
      const client = await connect();
      const uri = (await client.upload(PNG)).body.data.uri as string;
      const one = [{ sku: 'A', quantity: 1 }];
      const attempt = async (body: unknown) =>
        (await client.call('POST', '/product/202309/products', { body })).body.code as number;
      expect(await attempt(productBody(client, [uri], one, { title: 'Trà xanh Tân Cương 24 ký' }))).toBe(
        40006,
      );
      expect(await attempt(productBody(client, [uri], one, { title: 'T'.repeat(256) }))).toBe(40006);
      expect(await attempt(productBody(client, [uri], one, { title: 'T'.repeat(255) }))).toBe(0);
      expect(await attempt(productBody(client, ['tos-never-uploaded/x'], [{ sku: 'B', quantity: 1 }]))).toBe(
        40006,
      );
      expect(await attempt(productBody(client, Array(10).fill(uri), [{ sku: 'C', quantity: 1 }]))).toBe(
        40006,
      );
      expect(await attempt(productBody(client, Array(9).fill(uri), [{ sku: 'C', quantity: 1 }]))).toBe(0);
      expect(await attempt(productBody(client, [uri], [{ sku: 'D', quantity: 1, price: '0' }]))).toBe(40006);
      expect(await attempt(productBody(client, [uri], [{ sku: 'D', quantity: 100_000 }]))).toBe(40006);
      const twoWithoutAttributes = productBody(
        client,
        [uri],
        [
          { sku: 'E1', quantity: 1 },
          { sku: 'E2', quantity: 1 },
        ],
      );
      expect(await attempt(twoWithoutAttributes)).toBe(40006);
      const many = Array.from({ length: 101 }, (_, index) => ({
        sku: `M${index}`,
        quantity: 1,
        size: `${index}`,
      }));
      expect(await attempt(productBody(client, [uri], many))).toBe(40006);
      expect(await attempt(productBody(client, [uri], many.slice(0, 100)))).toBe(0);
      const pounds = productBody(client, [uri], [{ sku: 'P', quantity: 1 }], {
        package_weight: { value: '1', unit: 'POUND' },
      });
      expect(await attempt(pounds)).toBe(40006);
      expect(await attempt(productBody(client, [uri], [{ sku: 'A', quantity: 1 }]))).toBe(40006);
    });

    it('answers a repeated idempotency_key with the first answer and creates nothing more', async () => {
      const client = await connect();
      const uri = (await client.upload(PNG)).body.data.uri as string;
      const body = productBody(client, [uri], [{ sku: 'IDEM', quantity: 1 }], { idempotency_key: 'k-1' });
      const first = await client.call('POST', '/product/202309/products', { body });
      const again = await client.call('POST', '/product/202309/products', { body });
      expect(first.body.code).toBe(0);
      expect(again.body).toEqual(first.body);
      expect(await ctl.listings(client.shop.shopId)).toHaveLength(1);
    });

    it('keeps a new product PENDING for the audit delay: stock answers 12052901, buyers cannot order', async () => {
      const client = await connect();
      expect((await settings({ auditDelaySeconds: 600 })).status).toBe(200);
      const { productId, skuIds } = await listed(client, [['AUDIT', 5]]);
      expect((await client.call('GET', `/product/202309/products/${productId}`)).body.data.status).toBe(
        'PENDING',
      );
      const stock = (quantity: number) =>
        client.call('POST', `/product/202309/products/${productId}/inventory/update`, {
          body: { skus: [{ id: skuIds[0], inventory: [{ warehouse_id: client.warehouseId, quantity }] }] },
        });
      expect((await stock(7)).body.code).toBe(12052901);
      expect(
        (await ctl.placeOrder(client.shop.shopId, { lines: [{ sku: 'AUDIT', quantity: 1 }] })).status,
      ).toBe(409);
      await ctl.advance(600);
      expect((await client.call('GET', `/product/202309/products/${productId}`)).body.data.status).toBe(
        'ACTIVATE',
      );
      expect((await stock(7)).body).toMatchObject({ code: 0, data: { errors: [] } });
      expect(
        (await ctl.placeOrder(client.shop.shopId, { lines: [{ sku: 'AUDIT', quantity: 1 }] })).status,
      ).toBe(201);
    });
  });

  describe('stock, price and delisting', () => {
    it('updates stock for SKUs of one product; bad SKUs come back in data.errors while the rest apply', async () => {
      const client = await connect();
      const { productId, skuIds } = await listed(client, [
        ['S-1', 1],
        ['S-2', 1],
        ['S-3', 1],
      ]);
      const other = await listed(client, [['OTHER', 1]]);
      const entry = (id: string, quantity: number, warehouse = client.warehouseId) => ({
        id,
        inventory: [{ warehouse_id: warehouse, quantity }],
      });
      const response = await client.call('POST', `/product/202309/products/${productId}/inventory/update`, {
        body: {
          skus: [
            entry(skuIds[0], 0),
            entry(skuIds[1], 100_000),
            entry(other.skuIds[0], 4),
            entry(skuIds[2], 99_999),
            entry(skuIds[2], 9, 'not-our-warehouse'),
          ],
        },
      });
      expect(response.body.code).toBe(0);
      expect(response.body.data.errors).toEqual([
        { code: 40006, message: expect.any(String), detail: { sku_id: skuIds[1] } },
        { code: 40004, message: expect.any(String), detail: { sku_id: other.skuIds[0] } },
        { code: 40006, message: expect.any(String), detail: { sku_id: skuIds[2] } },
      ]);
      const held = Object.fromEntries(
        (await ctl.listings(client.shop.shopId)).flatMap((listing: any) =>
          listing.variants.map((variant: any) => [variant.sku, variant.quantity]),
        ),
      );
      expect(held).toEqual({ 'S-1': 0, 'S-2': 1, 'S-3': 99_999, OTHER: 1 });
      const tooMany = Array.from({ length: 101 }, () => entry(skuIds[0], 1));
      const limit = await client.call('POST', `/product/202309/products/${productId}/inventory/update`, {
        body: { skus: tooMany },
      });
      expect(limit.body.code).toBe(40006);
      const unknown = await client.call('POST', '/product/202309/products/123/inventory/update', {
        body: { skus: [entry(skuIds[0], 1)] },
      });
      expect(unknown.body.code).toBe(40004);
    });

    it('updates prices all or nothing within 1-180,000,000 VND', async () => {
      const client = await connect();
      const { productId, skuIds } = await listed(client, [
        ['P-1', 1],
        ['P-2', 1],
      ]);
      const prices = (entries: [string, string][]) =>
        client.call('POST', `/product/202309/products/${productId}/prices/update`, {
          body: { skus: entries.map(([id, amount]) => ({ id, price: { amount, currency: 'VND' } })) },
        });
      const variantPrices = async () =>
        (await ctl.listings(client.shop.shopId))[0].variants.map((variant: any) => variant.price);
      expect(
        (
          await prices([
            [skuIds[0], '90000'],
            [skuIds[1], '0'],
          ])
        ).body.code,
      ).toBe(40006);
      expect(
        (
          await prices([
            [skuIds[0], '90000'],
            [skuIds[1], '180000001'],
          ])
        ).body.code,
      ).toBe(40006);
      expect(
        (
          await prices([
            [skuIds[0], '90000'],
            [skuIds[1], '12.5'],
          ])
        ).body.code,
      ).toBe(40006);
      expect(
        (
          await prices([
            [skuIds[0], '90000'],
            ['999', '1'],
          ])
        ).body.code,
      ).toBe(40004);
      expect(await variantPrices()).toEqual([85_000, 85_000]);
      expect(
        (
          await prices([
            [skuIds[0], '1'],
            [skuIds[1], '180000000'],
          ])
        ).body.code,
      ).toBe(0);
      expect(await variantPrices()).toEqual([1, 180_000_000]);
    });

    it('deactivates, activates and deletes up to 20 products a call, each failing alone', async () => {
      const client = await connect();
      const { productId, skuIds } = await listed(client, [['D-1', 3]]);
      const batch = (method: string, path: string, productIds: string[]) =>
        client.call(method, path, { body: { product_ids: productIds } });
      const tooMany = Array.from({ length: 21 }, () => productId);
      expect((await batch('POST', '/product/202309/products/deactivate', tooMany)).body.code).toBe(40006);
      const off = await batch('POST', '/product/202309/products/deactivate', [productId, '404']);
      expect(off.body.data.errors).toEqual([
        { code: 40004, message: expect.any(String), detail: { product_id: '404' } },
      ]);
      expect((await ctl.listings(client.shop.shopId))[0].status).toBe('delisted');
      expect((await client.call('GET', `/product/202309/products/${productId}`)).body.data.status).toBe(
        'SELLER_DEACTIVATED',
      );
      expect(
        (await ctl.placeOrder(client.shop.shopId, { lines: [{ sku: 'D-1', quantity: 1 }] })).status,
      ).toBe(409);
      const stock = await client.call('POST', `/product/202309/products/${productId}/inventory/update`, {
        body: { skus: [{ id: skuIds[0], inventory: [{ warehouse_id: client.warehouseId, quantity: 1 }] }] },
      });
      expect(stock.body.code).toBe(40009);
      expect(
        (await batch('POST', '/product/202309/products/activate', [productId])).body.data.errors,
      ).toEqual([]);
      expect((await ctl.listings(client.shop.shopId))[0].status).toBe('active');
      expect((await batch('DELETE', '/product/202309/products', [productId])).body.code).toBe(0);
      expect((await client.call('GET', `/product/202309/products/${productId}`)).body.data.status).toBe(
        'DELETED',
      );
      const revive = await batch('POST', '/product/202309/products/activate', [productId]);
      expect(revive.body.data.errors).toEqual([
        { code: 40009, message: expect.any(String), detail: { product_id: productId } },
      ]);
      expect((await ctl.listings(client.shop.shopId))[0].status).toBe('delisted');
    });
  });

  describe('orders', () => {
    async function withOrders(count: number, lines = [{ sku: 'TEA', quantity: 2 }]) {
      const client = await connect();
      const product = await listed(client, [
        ['TEA', 99_999],
        ['TEA-BIG', 99_999],
      ]);
      const placed = await ctl.placeOrder(client.shop.shopId, {
        orders: Array.from({ length: count }, () => ({ lines, notify: false })),
      });
      return {
        client,
        product,
        ids: placed.body.orders.map((order: { orderId: string }) => order.orderId) as string[],
      };
    }

    const search = (client: Client, body: Record<string, unknown>, params: Record<string, string> = {}) =>
      client.call('POST', '/order/202309/orders/search', {
        params: { page_size: '100', sort_field: 'update_time', sort_order: 'ASC', ...params },
        body,
      });

    it('pages an update window: every order once, next_page_token "" at the end, page_size 1-100', async () => {
      const { client, ids } = await withOrders(250);
      const from = (await nowSeconds()) - 3600;
      const seen: string[] = [];
      let pageToken = '';
      let pages = 0;
      do {
        const response = await search(
          client,
          { update_time_ge: from },
          pageToken ? { page_token: pageToken } : {},
        );
        expect(response.body.code).toBe(0);
        expect(response.body.data.total_count).toBe(250);
        seen.push(...response.body.data.orders.map((order: { id: string }) => order.id));
        pageToken = response.body.data.next_page_token;
        pages += 1;
      } while (pageToken !== '');
      expect(pages).toBe(3);
      expect([...seen].sort()).toEqual([...ids].sort());
      expect((await search(client, {}, { page_size: '101' })).body.code).toBe(40006);
      expect((await search(client, {}, { page_size: '0' })).body.code).toBe(40006);
      const first = await search(client, { update_time_ge: from }, { page_size: '10' });
      const mismatched = await search(
        client,
        { update_time_ge: from - 1 },
        {
          page_size: '10',
          page_token: first.body.data.next_page_token,
        },
      );
      expect(mismatched.body.code).toBe(40006);
    });

    it('filters by update_time_ge / update_time_lt (Unix seconds) and order_status', async () => {
      const { client, ids } = await withOrders(3);
      await ctl.advance(120);
      const middle = await nowSeconds();
      await ctl.moveOrder(client.shop.shopId, ids[1], { status: 'confirmed' });
      await ctl.advance(120);
      await ctl.moveOrder(client.shop.shopId, ids[2], { status: 'cancelled' });
      const idsOf = (response: JsonResponse<any>) =>
        response.body.data.orders.map((order: { id: string }) => order.id);
      expect(idsOf(await search(client, { update_time_ge: middle }))).toEqual([ids[1], ids[2]]);
      expect(idsOf(await search(client, { update_time_lt: middle }))).toEqual([ids[0]]);
      expect(idsOf(await search(client, { update_time_ge: middle, update_time_lt: middle + 60 }))).toEqual([
        ids[1],
      ]);
      const cancelled = await search(client, { order_status: 'CANCELLED' });
      expect(idsOf(cancelled)).toEqual([ids[2]]);
      expect(cancelled.body.data.total_count).toBe(1);
      expect((await search(client, { order_status: 'CANCEL' })).body.code).toBe(40006);
      expect((await search(client, {}, { sort_order: 'DESC' })).body.code).toBe(40006);
    });

    it('survives a token expiring mid-paging: 105002, refresh, the same page_token goes on', async () => {
      const { client, ids } = await withOrders(15);
      await ctl.faults(client.shop.shopId, { tokenTtlSeconds: 60 });
      const short = await refresh(client.credentials, client.tokens.refresh_token);
      client.state.accessToken = short.body.data.access_token;
      const first = await search(client, {}, { page_size: '10' });
      expect(first.body.data.orders).toHaveLength(10);
      await ctl.advance(61);
      const second = { page_size: '10', page_token: first.body.data.next_page_token };
      const expired = await search(client, {}, second);
      expect(expired.status).toBe(401);
      expect(expired.body.code).toBe(105002);
      client.state.accessToken = (
        await refresh(client.credentials, client.tokens.refresh_token)
      ).body.data.access_token;
      const resumed = await search(client, {}, second);
      expect(resumed.body.data.orders).toHaveLength(5);
      expect(resumed.body.data.next_page_token).toBe('');
      expect(
        [...first.body.data.orders, ...resumed.body.data.orders]
          .map((order: { id: string }) => order.id)
          .sort(),
      ).toEqual([...ids].sort());
    });

    it('reads up to 50 orders by id; each line item is one unit with its sku_id', async () => {
      const { client, product, ids } = await withOrders(2, [
        { sku: 'TEA', quantity: 3 },
        { sku: 'TEA-BIG', quantity: 1 },
      ]);
      const read = await client.call('GET', '/order/202309/orders', {
        params: { ids: `${ids[0]},${ids[1]},404` },
      });
      expect(read.body.code).toBe(0);
      expect(read.body.data.orders.map((order: { id: string }) => order.id)).toEqual(ids);
      const order = read.body.data.orders[0];
      expect(order).toMatchObject({
        id: ids[0],
        status: 'AWAITING_SHIPMENT',
        create_time: expect.any(Number),
        update_time: expect.any(Number),
        payment: { currency: 'VND', total_amount: '340000' },
        packages: [{ id: expect.stringMatching(/^\d+$/) }],
      });
      expect(order.line_items).toHaveLength(4);
      expect(new Set(order.line_items.map((item: { id: string }) => item.id)).size).toBe(4);
      expect(
        order.line_items.map((item: any) => [item.sku_id, item.seller_sku, item.product_id, item.sale_price]),
      ).toEqual([
        [product.skuIds[0], 'TEA', product.productId, '85000'],
        [product.skuIds[0], 'TEA', product.productId, '85000'],
        [product.skuIds[0], 'TEA', product.productId, '85000'],
        [product.skuIds[1], 'TEA-BIG', product.productId, '85000'],
      ]);
      const again = await client.call('GET', '/order/202309/orders', { params: { ids: ids[0] } });
      expect(again.body.data.orders[0].line_items).toEqual(order.line_items);
      const fiftyOne = Array.from({ length: 51 }, () => ids[0]).join(',');
      expect(
        (await client.call('GET', '/order/202309/orders', { params: { ids: fiftyOne } })).body.code,
      ).toBe(40006);
    });

    it('confirms by shipping the package (→ AWAITING_COLLECTION) and cancels with a seller reason', async () => {
      const { client, ids } = await withOrders(3);
      const detail = async (id: string) =>
        (await client.call('GET', '/order/202309/orders', { params: { ids: id } })).body.data.orders[0];
      const packageId = (await detail(ids[0])).packages[0].id;
      const ship = () =>
        client.call('POST', `/fulfillment/202309/packages/${packageId}/ship`, {
          body: { handover_method: 'PICKUP' },
        });
      expect((await ship()).body.code).toBe(0);
      expect((await detail(ids[0])).status).toBe('AWAITING_COLLECTION');
      expect((await ship()).body.code).toBe(40009);
      expect(
        (await client.call('POST', '/fulfillment/202309/packages/1100000000000000001/ship', { body: {} }))
          .body.code,
      ).toBe(40004);
      const cancel = (orderId: string, reason: string) =>
        client.call('POST', '/return_refund/202309/cancellations', {
          body: { order_id: orderId, cancel_reason: reason },
        });
      expect((await cancel(ids[1], 'buyer_changed_mind')).body.code).toBe(40006);
      const cancelled = await cancel(ids[1], 'seller_cancel_reason_out_of_stock');
      expect(cancelled.body.data).toEqual({
        cancel_id: expect.stringMatching(/^\d+$/),
        cancel_status: 'CANCELLATION_REQUEST_COMPLETE',
      });
      expect((await detail(ids[1])).status).toBe('CANCELLED');
      expect((await ctl.listings(client.shop.shopId))[0].variants[0].quantity).toBe(99_999 - 3 * 2 + 2);
      await ctl.moveOrder(client.shop.shopId, ids[2], { status: 'shipped' });
      expect((await detail(ids[2])).status).toBe('IN_TRANSIT');
      expect((await cancel(ids[2], 'seller_cancel_reason_wrong_price')).body.code).toBe(40009);
      expect((await cancel('404', 'seller_cancel_reason_wrong_price')).body.code).toBe(40004);
    });
  });

  describe('pushes', () => {
    const empty = () => ({ status: 200, emptyBody: true });
    const pushSignature = (appKey: string, secret: string, rawBody: string) =>
      createHmac('sha256', secret)
        .update(appKey + rawBody)
        .digest('hex');

    it('pushes every status change signed HMAC(app_secret, app_key + body); CANCEL, and type 12 for a return', async () => {
      const receiver = await startReceiver(empty);
      try {
        const client = await connect();
        const registered = await client.call('PUT', '/event/202309/webhooks', {
          body: { address: receiver.url, event_type: 'ORDER_STATUS_CHANGE' },
        });
        expect(registered.body.code).toBe(0);
        expect((await client.call('GET', '/event/202309/webhooks')).body.data.webhooks).toEqual([
          { event_type: 'ORDER_STATUS_CHANGE', address: receiver.url, create_time: expect.any(Number) },
        ]);
        await listed(client, [['TEA', 10]]);
        const placed = async () =>
          (await ctl.placeOrder(client.shop.shopId, { lines: [{ sku: 'TEA', quantity: 1 }] })).body
            .orderId as string;
        const shipped = await placed();
        const cancelled = await placed();
        const packageId = (await client.call('GET', '/order/202309/orders', { params: { ids: shipped } }))
          .body.data.orders[0].packages[0].id;
        await client.call('POST', `/fulfillment/202309/packages/${packageId}/ship`, { body: {} });
        await client.call('POST', '/return_refund/202309/cancellations', {
          body: { order_id: cancelled, cancel_reason: 'seller_cancel_reason_out_of_stock' },
        });
        await ctl.moveOrder(client.shop.shopId, shipped, { status: 'delivered' });
        await ctl.moveOrder(client.shop.shopId, shipped, { status: 'returned' });
        await waitFor(() => receiver.received.length >= 6, 5000, 'six pushes');
        for (const hook of receiver.received) {
          expect(hook.headers.authorization).toBe(
            pushSignature(client.credentials.app_key, client.credentials.app_secret, hook.rawBody),
          );
          expect(hook.body).toMatchObject({
            tts_notification_id: expect.stringMatching(/^\d+$/),
            shop_id: client.shop.shopId,
            timestamp: expect.any(Number),
          });
        }
        expect(receiver.received.map((hook) => [hook.body.type, hook.body.data.order_id])).toEqual([
          [1, shipped],
          [1, cancelled],
          [1, shipped],
          [1, cancelled],
          [1, shipped],
          [12, shipped],
        ]);
        expect(receiver.received.map((hook) => hook.body.data.order_status)).toEqual([
          'AWAITING_SHIPMENT',
          'AWAITING_SHIPMENT',
          'AWAITING_COLLECTION',
          'CANCEL',
          'DELIVERED',
          undefined,
        ]);
        expect(receiver.received[1].body.data).toEqual({
          order_id: cancelled,
          order_status: 'AWAITING_SHIPMENT',
          is_on_hold_order: false,
          update_time: expect.any(Number),
        });
        expect(receiver.received[5].body.data).toEqual({
          order_id: shipped,
          return_id: expect.stringMatching(/^\d+$/),
          return_status: 'RETURN_OR_REFUND_REQUEST_COMPLETE',
          update_time: expect.any(Number),
        });
        const detail = await client.call('GET', '/order/202309/orders', { params: { ids: shipped } });
        expect(detail.body.data.orders[0].status).toBe('DELIVERED');
        expect(new Set(receiver.received.map((hook) => hook.body.tts_notification_id)).size).toBe(6);
      } finally {
        await receiver.close();
      }
    });

    it('counts a non-empty body or a slow answer as a failure and retries the same notification', async () => {
      const answers = [
        { status: 200, body: { received: true } },
        { status: 200, emptyBody: true, delayMs: 3300 },
        { status: 500, emptyBody: true },
        { status: 401, emptyBody: true },
      ];
      const receiver = await startReceiver(
        (_hook, index) => answers[index] ?? { status: 200, emptyBody: true },
      );
      try {
        const client = await connect({});
        await ctl.patchShop(client.shop.shopId, { webhookUrl: receiver.url });
        await listed(client, [['TEA', 10]]);
        await ctl.placeOrder(client.shop.shopId, { lines: [{ sku: 'TEA', quantity: 1 }] });
        await waitFor(() => receiver.received.length === 1, 5000, 'first attempt');
        await ctl.advance(119);
        await settle(200);
        expect(receiver.received).toHaveLength(1);
        for (const [seconds, expected] of [
          [2, 2],
          [30 * 60, 3],
          [3 * 3600, 4],
        ] as const) {
          // the slow attempt holds the shop's queue until its 3 s are up
          await waitFor(
            async () => (await ctl.webhooks(client.shop.shopId)).attempts.length === expected - 1,
            6000,
            `attempt ${expected - 1} judged`,
          );
          await ctl.advance(seconds);
          await waitFor(() => receiver.received.length === expected, 6000, `attempt ${expected}`);
        }
        await waitFor(
          async () => (await ctl.webhooks(client.shop.shopId)).attempts.length === 4,
          5000,
          'fourth attempt judged',
        );
        await ctl.advance(12 * 3600);
        await settle(300);
        expect(receiver.received).toHaveLength(4);
        const attempts = (await ctl.webhooks(client.shop.shopId)).attempts;
        expect(attempts.map((attempt: { ok: boolean }) => attempt.ok)).toEqual([false, false, false, true]);
        expect(attempts[1].httpStatus).toBeNull();
        expect(new Set(receiver.received.map((hook) => hook.body.tts_notification_id)).size).toBe(1);
      } finally {
        await receiver.close();
      }
    });

    it('retries 2 min, 30 min, 3 h and 12 h after each failure, then drops the push', async () => {
      const receiver = await startReceiver(() => ({ status: 503, emptyBody: true }));
      try {
        const client = await connect({});
        await ctl.patchShop(client.shop.shopId, { webhookUrl: receiver.url });
        await listed(client, [['TEA', 10]]);
        await ctl.placeOrder(client.shop.shopId, { lines: [{ sku: 'TEA', quantity: 1 }] });
        await waitFor(() => receiver.received.length === 1, 5000, 'first attempt');
        const delays = [2 * 60, 30 * 60, 3 * 3600, 12 * 3600];
        for (const [index, delay] of delays.entries()) {
          await waitFor(
            async () => (await ctl.webhooks(client.shop.shopId)).attempts.length === index + 1,
            5000,
            `attempt ${index + 1} judged`,
          );
          await ctl.advance(delay - 2);
          await settle(150);
          expect(receiver.received).toHaveLength(index + 1);
          await ctl.advance(2);
          await waitFor(() => receiver.received.length === index + 2, 5000, `retry ${index + 1}`);
        }
        await ctl.advance(7 * DAY);
        await settle(300);
        expect(receiver.received).toHaveLength(5);
        expect((await ctl.webhooks(client.shop.shopId)).pending).toBe(0);
      } finally {
        await receiver.close();
      }
    });
  });

  describe('settings', () => {
    it('shows and changes its limits and timings; a reset restores the defaults', async () => {
      const read = async () => (await http('GET', `${base}/_sandbox/settings`)).body;
      expect(await read()).toMatchObject({
        authCodeTtlSeconds: 1800,
        accessTokenTtlSeconds: 7 * DAY,
        timestampPastSeconds: 300,
        timestampFutureSeconds: 30,
        rateLimitPerSecond: 50,
        auditDelaySeconds: 0,
        webhookAckTimeoutMs: 3000,
        webhookRetryDelaysSeconds: [120, 1800, 10_800, 43_200],
      });
      expect((await settings({ auditDelaySeconds: -1 })).status).toBe(400);
      expect((await settings({ unknownSetting: 1 })).status).toBe(400);
      expect((await settings({ maxPageSize: 20 })).body.maxPageSize).toBe(20);
      await ctl.reset();
      expect((await read()).maxPageSize).toBe(100);
    });
  });
});
