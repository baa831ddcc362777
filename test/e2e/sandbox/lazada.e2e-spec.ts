import { createHmac } from 'node:crypto';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import pino from 'pino';
import { createLazadaServer } from '../../../apps/marketplace-sandbox/src/lazada/lazada-server';
import { Marketplace } from '../../../apps/marketplace-sandbox/src/shared/marketplace';
import { Sandbox } from '../../../apps/marketplace-sandbox/src/sandbox';
import { control, http, JsonResponse, settle, startTestSandbox, waitFor } from './helpers';

/**
 * Lazada-style contract (MARKETPLACES-GLOBAL.md, "Lazada-style", as docs/marketplace-lazada.md
 * states it), from outside over plain HTTP. Requests are signed by this file's own code.
 */

interface Credentials {
  app_key: string;
  app_secret: string;
  code: string;
}

/**
 * The test's signer: uppercase hex HMAC-SHA256(secret, API name + the parameters sorted by name as
 * name+value, empty ones left out).
 */
function sign(secret: string, apiName: string, params: Record<string, string>): string {
  const names = Object.keys(params)
    .filter((name) => name !== 'sign' && params[name] !== '')
    .sort();
  const text = apiName + names.map((name) => name + params[name]).join('');
  return createHmac('sha256', secret).update(text).digest('hex').toUpperCase();
}

interface CallOptions {
  token?: string;
  /** Milliseconds, or any text (a timestamp in seconds, an ISO instant). */
  timestamp?: number | string;
  secret?: string;
  /** Changes the form body after signing. */
  alterBody?: (body: string) => string;
}

/**
 * Calls one API: a GET puts everything in the query; a POST keeps the system parameters in the query
 * and the rest in a form body.
 */
async function lazada(
  base: string,
  method: 'GET' | 'POST',
  apiName: string,
  credentials: Pick<Credentials, 'app_key' | 'app_secret'>,
  params: Record<string, string>,
  options: CallOptions & { now: number },
): Promise<JsonResponse<any>> {
  const system: Record<string, string> = {
    app_key: credentials.app_key,
    timestamp: String(options.timestamp ?? options.now),
    sign_method: 'sha256',
    ...(options.token === undefined ? {} : { access_token: options.token }),
  };
  const signature = sign(options.secret ?? credentials.app_secret, apiName, { ...system, ...params });
  if (method === 'GET') {
    const query = new URLSearchParams({ ...system, ...params, sign: signature });
    return http('GET', `${base}/rest${apiName}?${query.toString()}`);
  }
  const query = new URLSearchParams({ ...system, sign: signature });
  const form = new URLSearchParams(params).toString();
  return http('POST', `${base}/rest${apiName}?${query.toString()}`, {
    rawBody: options.alterBody ? options.alterBody(form) : form,
    headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' },
  });
}

interface Received {
  headers: IncomingHttpHeaders;
  rawBody: string;
  body: any;
}

/** A push receiver whose answers may be late or fail, decided per push. */
async function startPushReceiver(
  answer: (push: Received, index: number) => { status: number; body?: string; delayMs?: number } = () => ({
    status: 200,
  }),
) {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const push = { headers: request.headers, rawBody, body: JSON.parse(rawBody) };
      received.push(push);
      const { status, body = '', delayMs = 0 } = answer(push, received.length - 1);
      setTimeout(() => {
        response.writeHead(status, { 'content-type': 'text/plain' });
        response.end(body);
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/webhooks/lazada`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const pushSignature = (appKey: string, secret: string, rawBody: string) =>
  createHmac('sha256', secret)
    .update(appKey + rawBody)
    .digest('hex');

const skuXml = (skus: Record<string, string | number>[]) =>
  `<Request><Product><Skus>${skus
    .map(
      (sku) =>
        `<Sku>${Object.entries(sku)
          .map(([name, value]) => `<${name}>${value}</${name}>`)
          .join('')}</Sku>`,
    )
    .join('')}</Skus></Product></Request>`;

describe('Lazada-style marketplace', () => {
  let sandbox: Sandbox;
  let base: string;
  let ctl: ReturnType<typeof control>;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    base = sandbox.urls.lazada;
    ctl = control(base);
  });
  afterAll(() => sandbox.close());
  beforeEach(() => ctl.reset());

  /** A shop whose app has exchanged its code: `call` signs as the seller with the current token. */
  async function seller(extra: Record<string, unknown> = {}, url = () => base) {
    const shop = await control(url()).createShop(extra);
    const credentials = shop.credentials as unknown as Credentials;
    const at = async () => Date.parse((await http('GET', `${url()}/_sandbox/clock`)).body.now);
    const app = async (
      method: 'GET' | 'POST',
      apiName: string,
      params: Record<string, string>,
      options: CallOptions = {},
    ) => lazada(url(), method, apiName, credentials, params, { now: await at(), ...options });
    const created = await app('POST', '/auth/token/create', { code: credentials.code });
    expect(created.body.code).toBe('0');
    const session = {
      token: created.body.access_token as string,
      refresh: created.body.refresh_token as string,
    };
    const call = async (
      method: 'GET' | 'POST',
      apiName: string,
      params: Record<string, string> = {},
      options: CallOptions = {},
    ) => app(method, apiName, params, { token: session.token, ...options });
    return { shop, credentials, app, call, session, created: created.body };
  }

  type Seller = Awaited<ReturnType<typeof seller>>;

  async function migrate(s: Seller, url = 'https://example.com/tea.jpg'): Promise<string> {
    const response = await s.call('POST', '/image/migrate', {
      payload: `<?xml version="1.0" encoding="UTF-8"?><Request><Image><Url>${url}</Url></Image></Request>`,
    });
    expect(response.body.code).toBe('0');
    return response.body.data.image.url;
  }

  const productPayload = (images: string[], skus: Record<string, unknown>[]) =>
    JSON.stringify({
      Request: {
        Product: {
          PrimaryCategory: '10002019',
          Images: { Image: images },
          Attributes: { name: 'Trà xanh Tân Cương', description: '<p>Thái Nguyên</p>', brand_id: '30768' },
          Skus: { Sku: skus },
        },
      },
    });

  const sku = (sellerSku: string, quantity: number, extra: Record<string, unknown> = {}) => ({
    SellerSku: sellerSku,
    quantity,
    price: 85_000,
    package_weight: 0.25,
    package_length: 20,
    package_width: 10,
    package_height: 5,
    ...extra,
  });

  /** One product with the given SKUs (a size per SKU); returns the create answer's data. */
  async function list(s: Seller, skus: [string, number][]) {
    const image = await migrate(s);
    const response = await s.call('POST', '/product/create', {
      payload: productPayload(
        [image],
        skus.map(([sellerSku, quantity]) =>
          sku(sellerSku, quantity, skus.length > 1 ? { saleProp: { size: sellerSku } } : {}),
        ),
      ),
    });
    expect(response.body.code).toBe('0');
    return response.body.data as {
      item_id: number;
      sku_list: { seller_sku: string; sku_id: number; shop_sku: string }[];
    };
  }

  const quantityOf = async (shopId: string, sellerSku: string) =>
    ((await ctl.listings(shopId)) as any[])
      .flatMap((listing) => listing.variants)
      .find((v: any) => v.sku === sellerSku)?.quantity;

  async function place(shopId: string, lines: [string, number][]) {
    const response = await ctl.placeOrder(shopId, {
      lines: lines.map(([skuName, quantity]) => ({ sku: skuName, quantity })),
    });
    expect(response.status).toBe(201);
    return response.body.orderId as string;
  }

  async function itemsOf(s: Seller, orderId: string) {
    const response = await s.call('GET', '/orders/items/get', { order_ids: `[${orderId}]` });
    expect(response.body.code).toBe('0');
    return response.body.data[0].order_items as any[];
  }

  describe('shops and authorization', () => {
    it('gives a shop {app_key, app_secret, code}; the app secret is the webhook secret', async () => {
      const shop = await ctl.createShop();
      expect(Object.keys(shop.credentials).sort()).toEqual(['app_key', 'app_secret', 'code']);
      expect(shop.webhookSecret).toBe(shop.credentials.app_secret);
      const chosen = await ctl.createShop({ webhookSecret: 'lz-secret' });
      expect(chosen.credentials.app_secret).toBe('lz-secret');
      const code = await http('POST', `${base}/_sandbox/shops/${shop.shopId}/auth-code`);
      expect(code.status).toBe(201);
      expect(code.body.code).toEqual(expect.any(String));
      expect(code.body.code).not.toBe(shop.credentials.code);
    });

    it('exchanges a code once; a reused code or one older than 30 minutes is refused', async () => {
      const s = await seller();
      expect(s.created).toMatchObject({
        code: '0',
        expires_in: 7 * 86_400,
        refresh_expires_in: 30 * 86_400,
        country: 'vn',
        country_user_info: [{ country: 'vn', seller_id: s.shop.shopId }],
        access_token: expect.any(String),
        refresh_token: expect.any(String),
        request_id: expect.any(String),
      });
      const again = await s.app('POST', '/auth/token/create', { code: s.credentials.code });
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ type: 'ISV', code: 'InvalidCode' });
      const fresh = (await http('POST', `${base}/_sandbox/shops/${s.shop.shopId}/auth-code`)).body.code;
      await ctl.advance(29 * 60);
      expect((await s.app('GET', '/auth/token/create', { code: fresh })).body.code).toBe('0');
      const late = (await http('POST', `${base}/_sandbox/shops/${s.shop.shopId}/auth-code`)).body.code;
      await ctl.advance(31 * 60);
      expect((await s.app('POST', '/auth/token/create', { code: late })).body.code).toBe('InvalidCode');
      // a code is the shop's own: another app cannot spend it
      const other = await ctl.createShop();
      const foreign = (await http('POST', `${base}/_sandbox/shops/${s.shop.shopId}/auth-code`)).body.code;
      const now = await ctl.now();
      const stolen = await lazada(
        base,
        'POST',
        '/auth/token/create',
        other.credentials as any,
        { code: foreign },
        { now },
      );
      expect(stolen.body.code).toBe('InvalidCode');
    });

    it('expires access tokens after 7 days; a refresh keeps the 30-day refresh lifetime', async () => {
      const s = await seller();
      const orders = { created_after: '2020-01-01T00:00:00+07:00' };
      expect((await s.call('GET', '/orders/get', orders)).body.code).toBe('0');
      await ctl.advance(7 * 86_400 + 1);
      const expired = await s.call('GET', '/orders/get', orders);
      expect(expired.status).toBe(200);
      expect(expired.body).toMatchObject({ type: 'ISV', code: 'IllegalAccessToken' });
      const refreshed = await s.app('POST', '/auth/token/refresh', { refresh_token: s.session.refresh });
      expect(refreshed.body).toMatchObject({
        code: '0',
        expires_in: 7 * 86_400,
        country_user_info_list: [{ country: 'vn', seller_id: s.shop.shopId }],
      });
      expect(refreshed.body.refresh_token).not.toBe(s.session.refresh);
      expect(refreshed.body.refresh_expires_in).toBeLessThanOrEqual(23 * 86_400);
      expect(refreshed.body.refresh_expires_in).toBeGreaterThan(22 * 86_400);
      expect(
        (await s.call('GET', '/orders/get', orders, { token: refreshed.body.access_token })).body.code,
      ).toBe('0');
      // the replaced refresh token is spent
      const reused = await s.app('POST', '/auth/token/refresh', { refresh_token: s.session.refresh });
      expect(reused.body).toMatchObject({ type: 'ISV', code: 'IllegalRefreshToken' });
      await ctl.advance(23 * 86_400);
      const late = await s.app('GET', '/auth/token/refresh', { refresh_token: refreshed.body.refresh_token });
      expect(late.body.code).toBe('IllegalRefreshToken');
    });

    it("refuses another seller's token with IllegalAccessToken", async () => {
      const a = await seller();
      const b = await seller();
      const response = await a.call(
        'GET',
        '/orders/get',
        { created_after: '2020-01-01T00:00:00Z' },
        { token: b.session.token },
      );
      expect(response.body.code).toBe('IllegalAccessToken');
      expect(
        (await a.call('GET', '/orders/get', { created_after: '2020-01-01T00:00:00Z' }, { token: '' })).body
          .code,
      ).toBe('MissingParameter');
    });
  });

  describe('signed calls', () => {
    const window = { created_after: '2020-01-01T00:00:00+07:00' };

    it('answers a bad or missing signature with an error inside an HTTP 200', async () => {
      const s = await seller();
      const now = await ctl.now();
      const unsigned = await http(
        'GET',
        `${base}/rest/orders/get?app_key=${s.credentials.app_key}&timestamp=${now}` +
          `&sign_method=sha256&access_token=${s.session.token}`,
      );
      expect(unsigned.status).toBe(200);
      expect(unsigned.body).toMatchObject({
        type: 'ISV',
        code: 'MissingParameter',
        request_id: expect.any(String),
      });
      expect((await s.call('GET', '/orders/get', window, { secret: 'wrong' })).body.code).toBe(
        'IncompleteSignature',
      );
      const good = sign(s.credentials.app_secret, '/orders/get', {
        ...window,
        app_key: s.credentials.app_key,
        timestamp: String(now),
        sign_method: 'sha256',
        access_token: s.session.token,
      });
      const query = (signature: string, extra: Record<string, string> = {}) =>
        new URLSearchParams({
          ...window,
          app_key: s.credentials.app_key,
          timestamp: String(now),
          sign_method: 'sha256',
          access_token: s.session.token,
          sign: signature,
          ...extra,
        }).toString();
      expect((await http('GET', `${base}/rest/orders/get?${query(good)}`)).body.code).toBe('0');
      expect((await http('GET', `${base}/rest/orders/get?${query(good.toLowerCase())}`)).body.code).toBe(
        'IncompleteSignature',
      );
      // an extra parameter is signed too, unless it is empty
      expect((await http('GET', `${base}/rest/orders/get?${query(good, { limit: '5' })}`)).body.code).toBe(
        'IncompleteSignature',
      );
      expect((await http('GET', `${base}/rest/orders/get?${query(good, { limit: '' })}`)).body.code).toBe(
        '0',
      );
      expect(
        (await http('GET', `${base}/rest/orders/get?${query(good, { sign_method: 'md5' })}`)).body.code,
      ).toBe('IncompleteSignature');
    });

    it('signs the form fields as sent: a payload re-serialised after signing fails', async () => {
      const s = await seller();
      const image = await migrate(s);
      const payload = productPayload([image], [sku('TEA-100', 5)]);
      const reserialised = await s.call(
        'POST',
        '/product/create',
        { payload },
        {
          alterBody: () =>
            new URLSearchParams({ payload: JSON.stringify(JSON.parse(payload), null, 1) }).toString(),
        },
      );
      expect(reserialised.body.code).toBe('IncompleteSignature');
      const tampered = await s.call(
        'POST',
        '/product/create',
        { payload },
        { alterBody: (body) => body.replace('TEA-100', 'TEA-999') },
      );
      expect(tampered.body.code).toBe('IncompleteSignature');
      expect((await s.call('POST', '/product/create', { payload })).body.code).toBe('0');
    });

    it('takes timestamps in milliseconds within 7200 s (or ISO UTC); seconds are refused', async () => {
      const s = await seller();
      const now = await ctl.now();
      expect((await s.call('GET', '/orders/get', window, { timestamp: now - 7100_000 })).body.code).toBe('0');
      const stale = await s.call('GET', '/orders/get', window, { timestamp: now - 7300_000 });
      expect(stale.status).toBe(200);
      expect(stale.body).toMatchObject({ type: 'ISV', code: 'InvalidTimestamp' });
      expect((await s.call('GET', '/orders/get', window, { timestamp: now + 7300_000 })).body.code).toBe(
        'InvalidTimestamp',
      );
      expect(
        (await s.call('GET', '/orders/get', window, { timestamp: Math.floor(now / 1000) })).body.code,
      ).toBe('InvalidTimestamp');
      const iso = new Date(now).toISOString().replace(/\.\d+Z$/, 'Z');
      expect((await s.call('GET', '/orders/get', window, { timestamp: iso })).body.code).toBe('0');
    });

    it('answers hostile input with its own errors, never a 500', async () => {
      const s = await seller();
      const attempts: JsonResponse<any>[] = [
        await s.call('POST', '/product/create', { payload: '{"Request":' }),
        await s.call('POST', '/product/create', { payload: '[]' }),
        await s.call('POST', '/product/create', {
          payload: JSON.stringify({ Request: { Product: { Skus: 5 } } }),
        }),
        await s.call('POST', '/product/price_quantity/update', { payload: '<Request><Product><Skus><Sku>' }),
        await s.call('POST', '/product/price_quantity/update', {
          payload: `${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}`,
        }),
        await s.call('POST', '/product/price_quantity/update', { payload: '<Request x="1"></Request>' }),
        await s.call('POST', '/product/price_quantity/update', {
          payload: skuXml([{ SellerSku: 'X&bogus;', Quantity: 1 }]),
        }),
        await s.call('POST', '/image/migrate', {
          payload: '<Request><Image><Url>javascript:1</Url></Image></Request>',
        }),
        await s.call('GET', '/orders/items/get', { order_ids: '{"a":1}' }),
        await s.call('GET', '/orders/items/get', { order_ids: '[1e400]' }),
        await s.call('GET', '/orders/get', { update_after: 'yesterday' }),
        await s.call('GET', '/orders/get', { ...window, limit: '99999999999999999999' }),
        await s.call('GET', '/orders/get', { ...window, sort_by: 'price' }),
        await s.call('POST', '/order/fulfill/pack', { packReq: '{"pack_order_list":"x"}' }),
        await s.call('POST', '/order/package/rts', { readyToShipReq: 'null' }),
        await s.call('POST', '/order/reverse/cancel/create', {
          order_id: '1',
          order_item_id_list: '[[1]]',
          reason_id: '15',
        }),
        await s.call('POST', '/product/remove', { sku_id_list: '["../../etc"]' }),
        await s.call('POST', '/product/deactivate', { apiRequestBody: '<Request><Product><ItemId>' }),
        await http('POST', `${base}/rest/orders/get`, { rawBody: '{not json' }),
        await http('POST', `${base}/rest/product/create?app_key=x`, { rawBody: '{"payload": 1}' }),
        await http('GET', `${base}/rest/no/such/api`),
      ];
      for (const response of attempts) {
        expect(response.status).toBe(200);
        expect(response.body).toMatchObject({
          type: 'ISV',
          code: expect.any(String),
          request_id: expect.any(String),
        });
        expect(response.body.code).not.toBe('0');
      }
      expect(attempts[attempts.length - 1].body.code).toBe('InvalidApiPath');
    });
  });

  describe('listings, stock and price', () => {
    it('creates a product with migrated images and all variants at once; kg in, grams reported', async () => {
      const s = await seller();
      const image = await migrate(s);
      expect(image).toMatch(/^https:\/\//);
      const foreign = await s.call('POST', '/product/create', {
        payload: productPayload(['https://example.com/tea.jpg'], [sku('TEA-100', 5)]),
      });
      expect(foreign.body.code).toBe('InvalidParameter');
      const noSaleProp = await s.call('POST', '/product/create', {
        payload: productPayload([image], [sku('TEA-100', 5), sku('TEA-200', 5)]),
      });
      expect(noSaleProp.body.code).toBe('InvalidParameter');
      const created = await s.call('POST', '/product/create', {
        payload: productPayload(
          [image],
          [
            sku('TEA-100', 5, { saleProp: { size: '100g' }, package_weight: '0.1' }),
            sku('TEA-500', 2, { saleProp: { size: '500g' }, package_weight: 0.5, price: '320000' }),
          ],
        ),
      });
      expect(created.body).toMatchObject({
        code: '0',
        data: {
          item_id: expect.any(Number),
          sku_list: [
            { seller_sku: 'TEA-100', sku_id: expect.any(Number), shop_sku: expect.any(String) },
            { seller_sku: 'TEA-500', sku_id: expect.any(Number), shop_sku: expect.any(String) },
          ],
        },
      });
      const { item_id: itemId, sku_list: skus } = created.body.data;
      expect(await ctl.listings(s.shop.shopId)).toEqual([
        expect.objectContaining({
          productId: String(itemId),
          name: 'Trà xanh Tân Cương',
          status: 'active',
          categoryId: '10002019',
          variants: [
            {
              sku: 'TEA-100',
              variantId: String(skus[0].sku_id),
              price: 85_000,
              quantity: 5,
              weightGrams: 100,
            },
            {
              sku: 'TEA-500',
              variantId: String(skus[1].sku_id),
              price: 320_000,
              quantity: 2,
              weightGrams: 500,
            },
          ],
        }),
      ]);
      const again = await s.call('POST', '/product/create', {
        payload: productPayload([image], [sku('TEA-100', 1)]),
      });
      expect(again.body.code).toBe('InvalidParameter');
      const listed = await s.call('GET', '/products/get', { filter: 'live', limit: '10' });
      expect(listed.body.data).toMatchObject({
        total_products: 1,
        products: [
          {
            item_id: itemId,
            status: 'Active',
            images: [image],
            skus: [
              {
                SkuId: skus[0].sku_id,
                SellerSku: 'TEA-100',
                quantity: 5,
                package_weight: '0.1',
                saleProp: { size: '100g' },
              },
              { SkuId: skus[1].sku_id, SellerSku: 'TEA-500', quantity: 2, package_weight: '0.5' },
            ],
          },
        ],
      });
      expect((await s.call('GET', '/products/get', { filter: 'inactive' })).body.data.total_products).toBe(0);
      expect((await s.call('GET', '/products/get', { limit: '51' })).body.code).toBe('InvalidParameter');
    });

    it('updates stock and price of SKUs of several products in one call, all or nothing', async () => {
      const s = await seller();
      const tea = await list(s, [
        ['TEA-100', 5],
        ['TEA-500', 5],
      ]);
      const rice = await list(s, [['BUN-1KG', 5]]);
      const applied = await s.call('POST', '/product/price_quantity/update', {
        payload: skuXml([
          {
            ItemId: tea.item_id,
            SkuId: tea.sku_list[0].sku_id,
            SellerSku: 'TEA-100',
            Quantity: 9,
            Price: 90_000,
          },
          { SellerSku: 'TEA-500', Quantity: 0 },
          { SkuId: rice.sku_list[0].sku_id, Price: 40_000 },
        ]),
      });
      expect(applied.body).toMatchObject({ code: '0', data: {} });
      const variants = ((await ctl.listings(s.shop.shopId)) as any[]).flatMap((listing) => listing.variants);
      expect(variants.map((v: any) => [v.sku, v.quantity, v.price])).toEqual([
        ['TEA-100', 9, 90_000],
        ['TEA-500', 0, 85_000],
        ['BUN-1KG', 5, 40_000],
      ]);
      const unknown = await s.call('POST', '/product/price_quantity/update', {
        payload: skuXml([
          { SellerSku: 'TEA-100', Quantity: 1 },
          { SellerSku: 'NOPE', Quantity: 1 },
        ]),
      });
      expect(unknown.body).toMatchObject({
        type: 'ISV',
        code: '204',
        detail: [{ field: 'SellerSku', seller_sku: 'NOPE' }],
      });
      const negative = await s.call('POST', '/product/price_quantity/update', {
        payload: skuXml([
          { SellerSku: 'BUN-1KG', Quantity: 2 },
          { SellerSku: 'TEA-500', Quantity: -1 },
        ]),
      });
      expect(negative.body).toMatchObject({ code: 'InvalidParameter', detail: [{ seller_sku: 'TEA-500' }] });
      const mismatch = await s.call('POST', '/product/price_quantity/update', {
        payload: skuXml([{ ItemId: rice.item_id, SkuId: tea.sku_list[0].sku_id, Quantity: 1 }]),
      });
      expect(mismatch.body.code).toBe('InvalidParameter');
      expect(await quantityOf(s.shop.shopId, 'TEA-100')).toBe(9);
      expect(await quantityOf(s.shop.shopId, 'BUN-1KG')).toBe(5);
    });

    it('takes at most 50 SKUs a call: the 51st makes the call time out and nothing applies', async () => {
      const s = await seller();
      await list(s, [['TEA-100', 5]]);
      const fifty = skuXml(Array.from({ length: 50 }, () => ({ SellerSku: 'TEA-100', Quantity: 7 })));
      expect((await s.call('POST', '/product/price_quantity/update', { payload: fifty })).body.code).toBe(
        '0',
      );
      const fiftyOne = skuXml(Array.from({ length: 51 }, () => ({ SellerSku: 'TEA-100', Quantity: 8 })));
      const response = await s.call('POST', '/product/price_quantity/update', { payload: fiftyOne });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ type: 'ISP', code: 'ServiceTimeout' });
      expect(await quantityOf(s.shop.shopId, 'TEA-100')).toBe(7);
    });

    it('adjusts sellable stock by deltas, refusing a result below zero', async () => {
      const s = await seller();
      await list(s, [
        ['TEA-100', 5],
        ['TEA-500', 1],
      ]);
      const adjust = (skus: Record<string, string | number>[]) =>
        s.call('POST', '/product/stock/sellable/adjust', { payload: skuXml(skus) });
      expect(
        (
          await adjust([
            { SellerSku: 'TEA-100', SellableQuantity: -2 },
            { SellerSku: 'TEA-500', SellableQuantity: 4 },
          ])
        ).body.code,
      ).toBe('0');
      const below = await adjust([
        { SellerSku: 'TEA-100', SellableQuantity: 1 },
        { SellerSku: 'TEA-500', SellableQuantity: -6 },
      ]);
      expect(below.body).toMatchObject({ code: 'InvalidParameter', detail: [{ seller_sku: 'TEA-500' }] });
      expect(await quantityOf(s.shop.shopId, 'TEA-100')).toBe(3);
      expect(await quantityOf(s.shop.shopId, 'TEA-500')).toBe(5);
    });

    it('updates a live product by ItemId, its SKUs by SellerSku; an inactive, unknown or foreign one is refused', async () => {
      const s = await seller();
      const tea = await list(s, [
        ['UP-100', 5],
        ['UP-500', 5],
      ]);
      const image = await migrate(s, 'https://example.com/tea-2.jpg');
      const update = (itemId: unknown, skus: Record<string, unknown>[], images = [image]) => {
        const payload = JSON.parse(productPayload(images, skus));
        payload.Request.Product.ItemId = itemId;
        payload.Request.Product.Attributes.name = 'Trà xanh Tân Cương vụ xuân';
        return s.call('POST', '/product/update', { payload: JSON.stringify(payload) });
      };
      const sizes = (quantity: number) => [
        sku('UP-100', quantity, { price: 90_000, package_weight: 0.12, saleProp: { size: 'UP-100' } }),
        sku('UP-500', quantity, { saleProp: { size: 'UP-500' } }),
      ];
      const updated = await update(tea.item_id, sizes(8));
      expect(updated.body).toMatchObject({
        code: '0',
        data: { item_id: tea.item_id, sku_list: tea.sku_list },
      });
      const [held] = (await ctl.listings(s.shop.shopId)) as any[];
      expect(held).toMatchObject({ productId: String(tea.item_id), name: 'Trà xanh Tân Cương vụ xuân' });
      expect(held.variants.find((v: any) => v.sku === 'UP-100')).toMatchObject({
        price: 90_000,
        quantity: 8,
        weightGrams: 120,
      });

      expect((await update(tea.item_id, sizes(1), ['https://example.com/raw.jpg'])).body.code).toBe(
        'InvalidParameter',
      );
      expect((await update(tea.item_id, [sku('UP-999', 1)])).body).toMatchObject({
        code: 'InvalidParameter',
        message: `SellerSku UP-999 is not a SKU of item ${tea.item_id}`,
      });
      expect((await update(undefined, sizes(1))).body.code).toBe('MissingParameter');
      expect((await update(1, sizes(1))).body.code).toBe('204');
      await s.call('POST', '/product/deactivate', {
        apiRequestBody: `<Request><Product><ItemId>${tea.item_id}</ItemId></Product></Request>`,
      });
      expect((await update(tea.item_id, sizes(1))).body).toMatchObject({
        code: 'E0004',
        message: `item ${tea.item_id} is not live`,
      });
      expect(await quantityOf(s.shop.shopId, 'UP-500')).toBe(8);
    });

    it('deactivates live products (else E0004), removes SKUs; removed ones take no stock', async () => {
      const s = await seller();
      const tea = await list(s, [
        ['TEA-100', 5],
        ['TEA-500', 5],
      ]);
      const rice = await list(s, [['BUN-1KG', 5]]);
      const deactivate = (itemId: number) =>
        s.call('POST', '/product/deactivate', {
          apiRequestBody: `<Request><Product><ItemId>${itemId}</ItemId></Product></Request>`,
        });
      expect((await deactivate(tea.item_id)).body.code).toBe('0');
      expect((await deactivate(tea.item_id)).body).toMatchObject({ type: 'ISV', code: 'E0004' });
      expect((await ctl.listings(s.shop.shopId))[0].status).toBe('delisted');
      expect((await ctl.placeOrder(s.shop.shopId, { lines: [{ sku: 'TEA-100', quantity: 1 }] })).status).toBe(
        409,
      );
      expect(
        (await s.call('GET', '/products/get', { filter: 'inactive' })).body.data.products[0].item_id,
      ).toBe(tea.item_id);
      const skuId = (data: typeof tea, index: number) =>
        `SkuId_${data.item_id}_${data.sku_list[index].sku_id}`;
      const removeOne = await s.call('POST', '/product/remove', {
        sku_id_list: JSON.stringify([skuId(tea, 0)]),
      });
      expect(removeOne.body.code).toBe('0');
      expect((await ctl.listings(s.shop.shopId))[0].variants.map((v: any) => v.sku)).toEqual(['TEA-500']);
      expect(
        (await s.call('POST', '/product/remove', { sku_id_list: JSON.stringify([skuId(rice, 0)]) })).body
          .code,
      ).toBe('0');
      expect(
        (await s.call('GET', '/products/get', { filter: 'deleted' })).body.data.products[0].item_id,
      ).toBe(rice.item_id);
      const stock = await s.call('POST', '/product/price_quantity/update', {
        payload: skuXml([{ SellerSku: 'BUN-1KG', Quantity: 3 }]),
      });
      expect(stock.body.code).toBe('204');
      const tooMany = JSON.stringify(Array.from({ length: 51 }, () => skuId(tea, 1)));
      expect((await s.call('POST', '/product/remove', { sku_id_list: tooMany })).body.code).toBe(
        'InvalidParameter',
      );
    });
  });

  describe('orders', () => {
    it('lists orders updated in a window, oldest first, paged by offset; one item per unit', async () => {
      const s = await seller();
      await list(s, [
        ['TEA-100', 50],
        ['TEA-500', 50],
      ]);
      const start = await ctl.now();
      const ids: string[] = [];
      for (let n = 0; n < 5; n++) {
        ids.push(
          await place(s.shop.shopId, [
            ['TEA-100', 2],
            ['TEA-500', 1],
          ]),
        );
        await ctl.advance(60);
      }
      const after = new Date(start - 1000).toISOString().replace('Z', '+00:00');
      const page = (offset: number) =>
        s.call('GET', '/orders/get', {
          update_after: after,
          sort_by: 'updated_at',
          sort_direction: 'ASC',
          offset: String(offset),
          limit: '2',
        });
      const seen: string[] = [];
      for (let offset = 0; offset < 6; offset += 2) {
        const response = await page(offset);
        expect(response.body.code).toBe('0');
        expect(response.body.data.countTotal).toBe(5);
        expect(response.body.data.count).toBe(response.body.data.orders.length);
        seen.push(...response.body.data.orders.map((order: any) => String(order.order_id)));
      }
      expect(seen).toEqual(ids);
      const first = (await page(0)).body.data.orders[0];
      expect(first).toMatchObject({
        order_id: Number(ids[0]),
        price: '255000.00',
        statuses: ['pending'],
        items_count: 3,
        created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \+0700$/),
        updated_at: expect.stringMatching(/\+0700$/),
      });
      const window = await s.call('GET', '/orders/get', {
        update_after: new Date(start + 90_000).toISOString(),
        update_before: new Date(start + 150_000).toISOString(),
        sort_by: 'updated_at',
        sort_direction: 'ASC',
      });
      expect(window.body.data.orders.map((order: any) => String(order.order_id))).toEqual([ids[2]]);
      const newestFirst = await s.call('GET', '/orders/get', { created_after: after, limit: '1' });
      expect(String(newestFirst.body.data.orders[0].order_id)).toBe(ids[4]);
      expect((await s.call('GET', '/orders/get', { sort_by: 'updated_at' })).body.code).toBe(
        'MissingParameter',
      );
      expect((await s.call('GET', '/orders/get', { update_after: after, limit: '101' })).body.code).toBe(
        'InvalidParameter',
      );
      expect((await s.call('GET', '/orders/get', { update_after: after, offset: '5001' })).body.code).toBe(
        'InvalidParameter',
      );
      expect((await s.call('GET', '/orders/get', { update_after: after, offset: '5000' })).body.code).toBe(
        '0',
      );

      const items = await itemsOf(s, ids[0]);
      expect(items).toHaveLength(3);
      expect(
        items.map((item) => [item.sku, item.status, item.item_price, item.currency, item.package_id]),
      ).toEqual([
        ['TEA-100', 'pending', 85_000, 'VND', ''],
        ['TEA-100', 'pending', 85_000, 'VND', ''],
        ['TEA-500', 'pending', 85_000, 'VND', ''],
      ]);
      expect(new Set(items.map((item) => item.order_item_id)).size).toBe(3);
      const batch = await s.call('GET', '/orders/items/get', {
        order_ids: JSON.stringify([...ids.map(Number), 1]),
      });
      expect(batch.body.data.map((order: any) => String(order.order_id))).toEqual(ids);
      const tooMany = JSON.stringify(Array.from({ length: 51 }, (_v, n) => n + 1));
      expect((await s.call('GET', '/orders/items/get', { order_ids: tooMany })).body.code).toBe(
        'InvalidParameter',
      );
    });

    it('confirms by packing pending items into a package, then readying it to ship', async () => {
      const s = await seller();
      await list(s, [['TEA-100', 10]]);
      const orderId = await place(s.shop.shopId, [['TEA-100', 2]]);
      const [one, two] = await itemsOf(s, orderId);
      const pack = (itemIds: number[]) =>
        s.call('POST', '/order/fulfill/pack', {
          packReq: JSON.stringify({
            pack_order_list: [{ order_id: Number(orderId), order_item_list: itemIds }],
            delivery_type: 'dropship',
            shipping_allocate_type: 'TFS',
          }),
        });
      const packed = await pack([one.order_item_id]);
      expect(packed.body.data.pack_order_list[0].order_item_list[0]).toMatchObject({
        order_item_id: one.order_item_id,
        item_err_code: '0',
        package_id: expect.stringMatching(/^FP/),
      });
      // the lowest live item decides: one item still pending keeps the order pending
      expect(await ctl.order(s.shop.shopId, orderId)).toMatchObject({
        status: 'pending',
        connectorStatus: 'pending',
      });
      const second = await pack([one.order_item_id, two.order_item_id]);
      expect(
        second.body.data.pack_order_list[0].order_item_list.map((item: any) => item.item_err_code),
      ).toEqual(['208', '0']);
      expect(await ctl.order(s.shop.shopId, orderId)).toMatchObject({
        status: 'packed',
        connectorStatus: 'confirmed',
      });
      const packages = [...new Set((await itemsOf(s, orderId)).map((item) => item.package_id as string))];
      expect(packages).toHaveLength(2);
      const rts = await s.call('POST', '/order/package/rts', {
        readyToShipReq: JSON.stringify({ packages: packages.map((id) => ({ package_id: id })) }),
      });
      expect(rts.body.data.packages.map((result: any) => result.item_err_code)).toEqual(['0', '0']);
      expect((await itemsOf(s, orderId)).map((item) => item.status)).toEqual([
        'ready_to_ship',
        'ready_to_ship',
      ]);
      expect(await ctl.order(s.shop.shopId, orderId)).toMatchObject({
        status: 'ready_to_ship',
        connectorStatus: 'confirmed',
      });
      const again = await s.call('POST', '/order/package/rts', {
        readyToShipReq: JSON.stringify({ packages: [{ package_id: packages[0] }] }),
      });
      expect(again.body.data.packages[0].item_err_code).toBe('208');
      const tooMany = await s.call('POST', '/order/fulfill/pack', {
        packReq: JSON.stringify({
          pack_order_list: Array.from({ length: 21 }, () => ({
            order_id: Number(orderId),
            order_item_list: [one.order_item_id],
          })),
          delivery_type: 'dropship',
          shipping_allocate_type: 'TFS',
        }),
      });
      expect(tooMany.body.code).toBe('InvalidParameter');
    });

    it('cancels with a validated reason: Out of Stock zeroes stock, a part cancel restocks', async () => {
      const s = await seller();
      await list(s, [
        ['TEA-100', 10],
        ['TEA-500', 10],
      ]);
      const orderId = await place(s.shop.shopId, [
        ['TEA-100', 2],
        ['TEA-500', 1],
      ]);
      const items = await itemsOf(s, orderId);
      const validate = await s.call('GET', '/order/reverse/cancel/validate', {
        order_id: orderId,
        order_item_id_list: JSON.stringify([items[0].order_item_id]),
      });
      expect(validate.body.code).toBe('0');
      const reasons = validate.body.data.reason_options as { reason_id: number; reason_name: string }[];
      const outOfStock = reasons.find((reason) => reason.reason_name === 'Out of Stock');
      const other = reasons.find((reason) => reason.reason_name !== 'Out of Stock');
      expect(outOfStock && other).toBeTruthy();
      const cancel = (itemIds: number[], reasonId: number) =>
        s.call('POST', '/order/reverse/cancel/create', {
          order_id: orderId,
          order_item_id_list: JSON.stringify(itemIds),
          reason_id: String(reasonId),
        });
      expect(await quantityOf(s.shop.shopId, 'TEA-500')).toBe(9);
      expect((await cancel([items[2].order_item_id], 999)).body.code).toBe('InvalidParameter');
      expect((await cancel([items[2].order_item_id], other!.reason_id)).body.code).toBe('0');
      expect(await quantityOf(s.shop.shopId, 'TEA-500')).toBe(10);
      expect(await ctl.order(s.shop.shopId, orderId)).toMatchObject({ status: 'pending', total: 170_000 });
      expect(
        (await cancel([items[0].order_item_id, items[1].order_item_id], outOfStock!.reason_id)).body.code,
      ).toBe('0');
      expect((await itemsOf(s, orderId)).map((item) => [item.status, item.reason])).toEqual([
        ['canceled', 'Out of Stock'],
        ['canceled', 'Out of Stock'],
        ['canceled', other!.reason_name],
      ]);
      expect(await ctl.order(s.shop.shopId, orderId)).toMatchObject({
        status: 'canceled',
        connectorStatus: 'cancelled',
      });
      expect(await quantityOf(s.shop.shopId, 'TEA-100')).toBe(0);
      expect(await quantityOf(s.shop.shopId, 'TEA-500')).toBe(10);
      expect((await cancel([items[0].order_item_id], other!.reason_id)).body.code).toBe('208');
    });

    it('refuses to cancel shipped items and unknown orders', async () => {
      const s = await seller();
      await list(s, [['TEA-100', 10]]);
      const orderId = await place(s.shop.shopId, [['TEA-100', 1]]);
      const [item] = await itemsOf(s, orderId);
      expect((await ctl.moveOrder(s.shop.shopId, orderId, { status: 'shipped' })).status).toBe(200);
      const params = (id: string) => ({
        order_id: id,
        order_item_id_list: JSON.stringify([item.order_item_id]),
      });
      expect((await s.call('GET', '/order/reverse/cancel/validate', params(orderId))).body.code).toBe('208');
      expect((await s.call('GET', '/order/reverse/cancel/validate', params('1'))).body.code).toBe('204');
    });

    it('moves every live item with the control API, in the mapping table of the spec', async () => {
      const s = await seller();
      await list(s, [['TEA-100', 50]]);
      const expected: [string, string][] = [
        ['confirmed', 'ready_to_ship'],
        ['shipped', 'shipped'],
        ['delivered', 'delivered'],
        ['returned', 'returned'],
      ];
      const orderId = await place(s.shop.shopId, [['TEA-100', 2]]);
      for (const [status, word] of expected) {
        const moved = await ctl.moveOrder(s.shop.shopId, orderId, { status });
        expect(moved.body).toEqual({ orderId, status: word });
        const items = await itemsOf(s, orderId);
        expect(items.map((item) => item.status)).toEqual([word, word]);
        expect(items[0].package_id).toMatch(/^FP/);
      }
      const cancelled = await place(s.shop.shopId, [['TEA-100', 1]]);
      expect((await ctl.moveOrder(s.shop.shopId, cancelled, { status: 'cancelled' })).body.status).toBe(
        'canceled',
      );
      for (const [code, connector] of [
        ['repacked', 'confirmed'],
        ['failed_delivery', 'shipped'],
        ['shipped_back_failed', 'shipped'],
        ['shipped_back_success', 'returned'],
        ['lost_by_3pl', 'cancelled'],
      ]) {
        const order = await place(s.shop.shopId, [['TEA-100', 1]]);
        expect((await ctl.moveOrder(s.shop.shopId, order, { code })).status).toBe(200);
        expect((await ctl.order(s.shop.shopId, order)).connectorStatus).toBe(connector);
        expect((await itemsOf(s, order))[0].status).toBe(code);
      }
    });
  });

  describe('pushes', () => {
    it('pushes one signed message per order item; any 200 in time is an ack, whatever its body', async () => {
      const receiver = await startPushReceiver(() => ({ status: 200, body: '{"anything":"goes"}' }));
      try {
        const s = await seller({ webhookUrl: receiver.url });
        await list(s, [['TEA-100', 10]]);
        const orderId = await place(s.shop.shopId, [['TEA-100', 2]]);
        await waitFor(() => receiver.received.length >= 2, 5000, 'two pushes');
        const items = await itemsOf(s, orderId);
        for (const push of receiver.received) {
          expect(push.headers.authorization).toBe(
            pushSignature(s.credentials.app_key, s.credentials.app_secret, push.rawBody),
          );
          expect(push.body).toEqual({
            seller_id: s.shop.shopId,
            message_type: 0,
            data: {
              order_status: 'pending',
              status_update_time: expect.any(Number),
              trade_order_id: orderId,
              trade_order_line_id: expect.any(String),
            },
            timestamp: expect.any(Number),
            site: 'lazada_vn',
          });
          expect(push.body.timestamp).toBeGreaterThan(1e12);
          expect(push.body.data.status_update_time).toBeLessThan(1e11);
        }
        expect(receiver.received.map((push) => push.body.data.trade_order_line_id).sort()).toEqual(
          items.map((item) => String(item.order_item_id)).sort(),
        );
        // packing one item pushes that item only
        await s.call('POST', '/order/fulfill/pack', {
          packReq: JSON.stringify({
            pack_order_list: [{ order_id: Number(orderId), order_item_list: [items[0].order_item_id] }],
            delivery_type: 'dropship',
            shipping_allocate_type: 'TFS',
          }),
        });
        await waitFor(() => receiver.received.length >= 3, 5000, 'the pack push');
        expect(receiver.received[2].body.data).toMatchObject({
          order_status: 'packed',
          trade_order_line_id: String(items[0].order_item_id),
        });
        await ctl.advance(3600);
        await settle();
        expect(receiver.received).toHaveLength(3);
        expect((await ctl.webhooks(s.shop.shopId)).attempts.every((attempt: any) => attempt.ok)).toBe(true);
      } finally {
        await receiver.close();
      }
    });

    it('retries a push every 30 minutes, 12 times, when not answered 200 within 500 ms', async () => {
      const receiver = await startPushReceiver((_push, index) =>
        index === 0 ? { status: 200, delayMs: 900 } : index === 1 ? { status: 202 } : { status: 500 },
      );
      try {
        const s = await seller({ webhookUrl: receiver.url });
        await list(s, [['TEA-100', 10]]);
        await place(s.shop.shopId, [['TEA-100', 1]]);
        await waitFor(() => receiver.received.length === 1, 5000, 'first attempt');
        await settle(1200);
        const log = await ctl.webhooks(s.shop.shopId);
        expect(log.attempts).toEqual([expect.objectContaining({ ok: false, attempt: 0 })]);
        await ctl.advance(29 * 60);
        await settle();
        expect(receiver.received).toHaveLength(1);
        for (let attempt = 2; attempt <= 13; attempt++) {
          await ctl.advance(30 * 60);
          await waitFor(() => receiver.received.length === attempt, 5000, `attempt ${attempt}`);
        }
        await ctl.advance(24 * 3600);
        await settle();
        expect(receiver.received).toHaveLength(13);
        expect(new Set(receiver.received.map((push) => push.rawBody)).size).toBe(1);
      } finally {
        await receiver.close();
      }
    });

    it('duplicates pushes with the fault profile, each copy the same item, status and time', async () => {
      const receiver = await startPushReceiver();
      try {
        const s = await seller({ webhookUrl: receiver.url });
        await ctl.faults(s.shop.shopId, { webhookDuplicateRate: 1 });
        await list(s, [['TEA-100', 10]]);
        await place(s.shop.shopId, [['TEA-100', 1]]);
        await waitFor(() => receiver.received.length >= 2, 5000, 'two copies');
        const [a, b] = receiver.received.map((push) => push.body.data);
        expect(a).toEqual(b);
      } finally {
        await receiver.close();
      }
    });
  });

  describe('rate limits and faults', () => {
    it('throttles inside an HTTP 200 (ApiCallLimit), inventory calls counted apart', async () => {
      const s = await seller();
      await list(s, [['TEA-100', 10]]);
      await ctl.advance(2);
      const window = { created_after: '2020-01-01T00:00:00Z' };
      const now = await ctl.now();
      // 60 at once against 20 a second: even spread over a slow machine's few windows, some are refused
      const others = await Promise.all(
        Array.from({ length: 60 }, () =>
          lazada(base, 'GET', '/orders/get', s.credentials, window, { now, token: s.session.token }),
        ),
      );
      expect(others.every((response) => response.status === 200)).toBe(true);
      const codes = others.map((response) => response.body.code as string);
      expect(codes.filter((code) => code === 'ApiCallLimit').length).toBeGreaterThanOrEqual(10);
      expect(others.find((response) => response.body.code === 'ApiCallLimit')?.body.type).toBe('ISV');
      const stock = await s.call('POST', '/product/price_quantity/update', {
        payload: skuXml([{ SellerSku: 'TEA-100', Quantity: 3 }]),
      });
      expect(stock.body.code).toBe('0');
    });

    it('bans a seller for a while after going over the limit', async () => {
      const logger = pino({ level: 'silent' });
      const server: Marketplace = createLazadaServer(logger, { rateLimitBanMs: 60_000 });
      await server.app.listen({ host: '127.0.0.1', port: 0 });
      const own = `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}`;
      try {
        const s = await seller({}, () => own);
        await http('PUT', `${own}/_sandbox/shops/${s.shop.shopId}/faults`, {
          body: { rateLimitPerSecond: 2 },
        });
        const window = { created_after: '2020-01-01T00:00:00Z' };
        const codes: string[] = [];
        for (let n = 0; n < 4; n++) codes.push((await s.call('GET', '/orders/get', window)).body.code);
        expect(codes).toContain('ApiCallLimit');
        await http('POST', `${own}/_sandbox/clock`, { body: { advanceSeconds: 5 } });
        expect((await s.call('GET', '/orders/get', window)).body.code).toBe('ApiCallLimit');
        await http('POST', `${own}/_sandbox/clock`, { body: { advanceSeconds: 60 } });
        expect((await s.call('GET', '/orders/get', window)).body.code).toBe('0');
      } finally {
        await server.close();
      }
    });

    it('answers random backend failures as ServiceTimeout in an HTTP 200', async () => {
      const s = await seller();
      await ctl.faults(s.shop.shopId, { errorRate: 1 });
      const response = await s.call('GET', '/orders/get', { created_after: '2020-01-01T00:00:00Z' });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ type: 'ISP', code: 'ServiceTimeout' });
    });

    it('lets a short token lifetime expire in the middle of paging; a refresh carries on', async () => {
      const s = await seller();
      await ctl.faults(s.shop.shopId, { tokenTtlSeconds: 60 });
      const refreshed = await s.app('POST', '/auth/token/refresh', { refresh_token: s.session.refresh });
      expect(refreshed.body.expires_in).toBe(60);
      await list(s, [['TEA-100', 10]]);
      const start = await ctl.now();
      await place(s.shop.shopId, [['TEA-100', 1]]);
      await place(s.shop.shopId, [['TEA-100', 1]]);
      const page = (offset: number, token: string) =>
        s.call(
          'GET',
          '/orders/get',
          {
            update_after: new Date(start - 1000).toISOString(),
            sort_by: 'updated_at',
            sort_direction: 'ASC',
            limit: '1',
            offset: String(offset),
          },
          { token },
        );
      expect((await page(0, refreshed.body.access_token)).body.data.count).toBe(1);
      await ctl.advance(61);
      expect((await page(1, refreshed.body.access_token)).body.code).toBe('IllegalAccessToken');
      const again = await s.app('POST', '/auth/token/refresh', {
        refresh_token: refreshed.body.refresh_token,
      });
      expect((await page(1, again.body.access_token)).body.data.count).toBe(1);
    });
  });
});
