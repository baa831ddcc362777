import { createHmac } from 'node:crypto';
import { createServer, IncomingHttpHeaders } from 'node:http';
import { AddressInfo } from 'node:net';
import { Sandbox } from '../../../apps/marketplace-sandbox/src/sandbox';
import { control, http, settle, startTestSandbox, waitFor } from './helpers';

/**
 * Shopee-style contract (MARKETPLACES-GLOBAL.md, "Shopee-style"), from outside over plain HTTP.
 * Requests and push checks are signed by the test's own HMAC, not the sandbox's code.
 */

const hmacHex = (key: string, text: string) => createHmac('sha256', key).update(text).digest('hex');
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const HOUR = 3600;
const DAY = 24 * HOUR;

interface Credentials {
  partner_id: string;
  partner_key: string;
  shop_id: string;
  code: string;
}

interface Push {
  headers: IncomingHttpHeaders;
  rawBody: string;
  body: any;
}

/** A push receiver whose answers the test chooses, empty bodies included (helpers' always has one). */
async function startPushReceiver(
  answer: (index: number) => { status: number; body?: string; delayMs?: number } = () => ({ status: 200 }),
) {
  const received: Push[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      received.push({ headers: request.headers, rawBody, body: JSON.parse(rawBody) });
      const { status, body = '', delayMs = 0 } = answer(received.length - 1);
      setTimeout(() => {
        response.writeHead(status);
        response.end(body);
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/webhooks/shopee`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('Shopee-style marketplace', () => {
  let sandbox: Sandbox;
  let base: string;
  let ctl: ReturnType<typeof control>;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    base = sandbox.urls.shopee;
    ctl = control(base);
  });
  afterAll(() => sandbox.close());
  beforeEach(() => ctl.reset());

  const nowSeconds = async () => Math.floor((await ctl.now()) / 1000);

  interface CallOptions {
    body?: unknown;
    params?: Record<string, string>;
    at?: number;
    accessToken?: string;
    key?: string;
  }

  /**
   * A shop, and calls signed the way the spec says: public calls over partner_id + path +
   * timestamp, shop calls adding access_token + shop_id. The rate limit is lifted unless asked
   * for, so a test's bursts of setup calls are not throttled.
   */
  async function shopClient(options: { shop?: Record<string, unknown>; throttled?: boolean } = {}) {
    const shop = await ctl.createShop(options.shop ?? {});
    const credentials = shop.credentials as unknown as Credentials;
    if (!options.throttled) await ctl.faults(shop.shopId, { rateLimitPerSecond: 0 });
    const signedUrl = async (path: string, shopCall: boolean, call: CallOptions) => {
      const timestamp = String(call.at ?? (await nowSeconds()));
      const key = call.key ?? credentials.partner_key;
      const token = call.accessToken ?? tokens.access;
      const baseString =
        credentials.partner_id + path + timestamp + (shopCall ? token + credentials.shop_id : '');
      const query = new URLSearchParams({
        ...call.params,
        partner_id: credentials.partner_id,
        timestamp,
        sign: hmacHex(key, baseString),
        ...(shopCall ? { access_token: token, shop_id: credentials.shop_id } : {}),
      });
      return `${base}${path}?${query.toString()}`;
    };
    const tokens = { access: '', refresh: '' };
    const publicCall = async (method: string, path: string, call: CallOptions = {}) =>
      http(method, await signedUrl(path, false, call), { body: call.body });
    const call = async (method: string, path: string, call: CallOptions = {}) =>
      http(method, await signedUrl(path, true, call), { body: call.body });
    const exchange = (code: string) =>
      publicCall('POST', '/api/v2/auth/token/get', {
        body: { code, shop_id: Number(credentials.shop_id), partner_id: Number(credentials.partner_id) },
      });
    const refresh = (refreshToken: string) =>
      publicCall('POST', '/api/v2/auth/access_token/get', {
        body: {
          refresh_token: refreshToken,
          shop_id: Number(credentials.shop_id),
          partner_id: Number(credentials.partner_id),
        },
      });
    const authorize = async () => {
      const answer = await exchange(credentials.code);
      expect(answer.body.error).toBe('');
      tokens.access = answer.body.access_token;
      tokens.refresh = answer.body.refresh_token;
      return answer;
    };
    const upload = async (files: Buffer[], call: CallOptions = {}) => {
      const form = new FormData();
      for (const [index, file] of files.entries()) {
        form.append('image', new Blob([new Uint8Array(file)]), `image-${index}.png`);
      }
      const response = await fetch(await signedUrl('/api/v2/media_space/upload_image', true, call), {
        method: 'POST',
        body: form,
      });
      return { status: response.status, body: (await response.json()) as any };
    };
    return { shop, credentials, tokens, publicCall, call, exchange, refresh, authorize, upload };
  }
  type Client = Awaited<ReturnType<typeof shopClient>>;

  const itemBody = (imageId: string, extra: Record<string, unknown> = {}) => ({
    item_name: 'Trà xanh Tân Cương',
    description: 'Trà móc câu Thái Nguyên, hái tay, sao mộc.',
    original_price: 120_000,
    weight: 0.5,
    dimension: { package_length: 20, package_width: 10, package_height: 8 },
    category_id: 100_712,
    image: { image_id_list: [imageId] },
    logistic_info: [{ logistic_id: 50_021, enabled: true }],
    item_sku: 'TRA-500',
    seller_stock: [{ stock: 40 }],
    ...extra,
  });

  /** An item without variants, SKU TRA-500 unless given, stock 40. */
  async function plainItem(client: Client, extra: Record<string, unknown> = {}): Promise<number> {
    const uploaded = await client.upload([PNG]);
    const imageId = uploaded.body.response.image_info.image_id as string;
    const added = await client.call('POST', '/api/v2/product/add_item', { body: itemBody(imageId, extra) });
    expect(added.body.error).toBe('');
    return added.body.response.item_id as number;
  }

  /** An item with three sizes of vermicelli, SKUs BUN-200/500/1000, prices 30k/60k/100k. */
  async function itemWithModels(client: Client) {
    const itemId = await plainItem(client, { item_sku: 'BUN', item_name: 'Miến dong Việt Cường' });
    const answer = await client.call('POST', '/api/v2/product/init_tier_variation', {
      body: {
        item_id: itemId,
        tier_variation: [
          { name: 'Size', option_list: [{ option: '200g' }, { option: '500g' }, { option: '1kg' }] },
        ],
        model: [
          { tier_index: [0], original_price: 30_000, model_sku: 'BUN-200', seller_stock: [{ stock: 10 }] },
          { tier_index: [1], original_price: 60_000, model_sku: 'BUN-500', seller_stock: [{ stock: 20 }] },
          { tier_index: [2], original_price: 100_000, model_sku: 'BUN-1000', seller_stock: [{ stock: 30 }] },
        ],
      },
    });
    expect(answer.body.error).toBe('');
    const models = answer.body.response.model as { model_id: number; model_sku: string }[];
    const modelOf = (sku: string) =>
      (models.find((model) => model.model_sku === sku) as { model_id: number }).model_id;
    return { itemId, models, modelOf };
  }

  const variantsOf = async (shopId: string, sku: string) =>
    ((await ctl.listings(shopId)) as any[]).flatMap((listing) =>
      listing.variants.filter((variant: { sku: string }) => variant.sku === sku),
    );

  describe('shops and the control API', () => {
    it('gives app credentials with a one-time code, and the partner key is the webhook secret', async () => {
      const created = await ctl.createShop();
      expect(Object.keys(created.credentials).sort()).toEqual([
        'code',
        'partner_id',
        'partner_key',
        'shop_id',
      ]);
      expect(created.credentials.shop_id).toBe(created.shopId);
      expect(created.credentials.partner_id).toMatch(/^\d+$/);
      expect(created.webhookSecret).toBe(created.credentials.partner_key);
      const chosen = await ctl.createShop({ webhookSecret: 'chosen-key' });
      expect(chosen.credentials.partner_key).toBe('chosen-key');
      const fresh = await http('POST', `${base}/_sandbox/shops/${created.shopId}/auth-code`);
      expect(fresh.status).toBe(201);
      expect(fresh.body.code).toMatch(/^[0-9a-f]{32}$/);
      expect(fresh.body.code).not.toBe(created.credentials.code);
    });
  });

  describe('tokens', () => {
    it('exchanges the code once for a 4-hour access token, answered at top level', async () => {
      const client = await shopClient();
      const answer = await client.authorize();
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ expire_in: 14_400, error: '', message: '' });
      expect(answer.body.access_token).toMatch(/^[0-9a-f]{32}$/);
      expect(answer.body.refresh_token).toMatch(/^[0-9a-f]{32}$/);
      expect(typeof answer.body.request_id).toBe('string');
      expect(answer.body.response).toBeUndefined();
      const again = await client.exchange(client.credentials.code);
      expect(again.status).toBe(403);
      expect(again.body).toMatchObject({ error: 'error_auth' });
      const list = await client.call('GET', '/api/v2/product/get_model_list', { params: { item_id: '1' } });
      expect(list.body.error).toBe('error_item_not_found');
      await ctl.advance(4 * HOUR - 60);
      expect(
        (await client.call('GET', '/api/v2/product/get_model_list', { params: { item_id: '1' } })).body.error,
      ).toBe('error_item_not_found');
      await ctl.advance(61);
      const expired = await client.call('GET', '/api/v2/product/get_model_list', {
        params: { item_id: '1' },
      });
      expect(expired.status).toBe(403);
      expect(expired.body).toMatchObject({ error: 'error_auth', message: 'Invalid access_token.' });
    });

    it('lets a code live 10 minutes, and the control API issues a fresh one', async () => {
      const client = await shopClient();
      await ctl.advance(10 * 60 + 1);
      expect((await client.exchange(client.credentials.code)).body.error).toBe('error_auth');
      const fresh = await http('POST', `${base}/_sandbox/shops/${client.shop.shopId}/auth-code`);
      const answer = await client.exchange(fresh.body.code);
      expect(answer.body.error).toBe('');
      const other = await shopClient();
      const otherCode = await http('POST', `${base}/_sandbox/shops/${other.shop.shopId}/auth-code`);
      expect((await client.exchange(otherCode.body.code)).body.error).toBe('error_auth');
    });

    it('refreshes with a single-use refresh token; the old access token lasts 5 more minutes', async () => {
      const client = await shopClient();
      await client.authorize();
      const first = { ...client.tokens };
      const refreshed = await client.refresh(first.refresh);
      expect(refreshed.body).toMatchObject({ error: '', expire_in: 14_400 });
      expect(refreshed.body.access_token).not.toBe(first.access);
      expect(refreshed.body.refresh_token).not.toBe(first.refresh);
      const reused = await client.refresh(first.refresh);
      expect(reused.status).toBe(403);
      expect(reused.body.error).toBe('error_auth');
      const probe = (accessToken: string) =>
        client.call('GET', '/api/v2/product/get_model_list', { params: { item_id: '1' }, accessToken });
      await ctl.advance(4 * 60);
      expect((await probe(first.access)).body.error).toBe('error_item_not_found');
      await ctl.advance(61);
      expect((await probe(first.access)).body.error).toBe('error_auth');
      expect((await probe(refreshed.body.access_token)).body.error).toBe('error_item_not_found');
      const chained = await client.refresh(refreshed.body.refresh_token);
      expect(chained.body.error).toBe('');
    });

    it('lets a refresh token live 30 days', async () => {
      const client = await shopClient();
      await client.authorize();
      await ctl.advance(30 * DAY + 1);
      expect((await client.refresh(client.tokens.refresh)).body.error).toBe('error_auth');
    });

    it('expires tokens mid-sync with the tokenTtlSeconds fault, and a refresh carries on', async () => {
      const client = await shopClient();
      await ctl.faults(client.shop.shopId, { tokenTtlSeconds: 60 });
      const answer = await client.authorize();
      expect(answer.body.expire_in).toBe(60);
      const page = () =>
        client.call('GET', '/api/v2/order/get_order_list', {
          params: { time_range_field: 'update_time', time_from: '0', time_to: '1', page_size: '10' },
        });
      await ctl.advance(61);
      expect((await page()).body.error).toBe('error_auth');
      const refreshed = await client.refresh(client.tokens.refresh);
      client.tokens.access = refreshed.body.access_token;
      expect((await page()).body.error).not.toBe('error_auth');
    });
  });

  describe('signing', () => {
    it('answers 403 error_sign to a wrong key, a public sign on a shop call, an uppercase sign', async () => {
      const client = await shopClient();
      await client.authorize();
      const params = { item_id: '1' };
      const wrongKey = await client.call('GET', '/api/v2/product/get_model_list', { params, key: 'nope' });
      expect(wrongKey.status).toBe(403);
      expect(wrongKey.body).toMatchObject({ error: 'error_sign', message: 'Wrong sign.' });
      expect(typeof wrongKey.body.request_id).toBe('string');
      const at = await nowSeconds();
      const { partner_id, partner_key, shop_id } = client.credentials;
      const path = '/api/v2/product/get_model_list';
      const access_token = client.tokens.access;
      const url = (sign: string) => {
        const query = { ...params, partner_id, timestamp: String(at), sign, access_token, shop_id };
        return `${base}${path}?${new URLSearchParams(query).toString()}`;
      };
      const publicSign = hmacHex(partner_key, partner_id + path + at);
      expect((await http('GET', url(publicSign))).body.error).toBe('error_sign');
      const shopSign = hmacHex(partner_key, partner_id + path + at + client.tokens.access + shop_id);
      expect((await http('GET', url(shopSign.toUpperCase()))).body.error).toBe('error_sign');
      expect((await http('GET', url(shopSign))).body.error).toBe('error_item_not_found');
    });

    it('does not sign POST bodies: any body goes with the same sign', async () => {
      const client = await shopClient();
      await client.authorize();
      const first = await client.call('POST', '/api/v2/product/delete_item', { body: { item_id: 1 } });
      const second = await client.call('POST', '/api/v2/product/delete_item', {
        body: { item_id: 2, extra: 'x' },
      });
      expect([first.body.error, second.body.error]).toEqual(['error_item_not_found', 'error_item_not_found']);
    });

    it('answers error_param "Invalid timestamp" more than 300 s from the sandbox clock', async () => {
      const client = await shopClient();
      await client.authorize();
      const now = await nowSeconds();
      const probe = (at: number) =>
        client.call('GET', '/api/v2/product/get_model_list', { params: { item_id: '1' }, at });
      expect((await probe(now - 290)).body.error).toBe('error_item_not_found');
      const stale = await probe(now - 301);
      expect(stale.status).toBe(200);
      expect(stale.body).toMatchObject({ error: 'error_param', message: 'Invalid timestamp' });
      expect((await probe(now + 301)).body.error).toBe('error_param');
      await ctl.advance(600);
      expect((await probe(now)).body.error).toBe('error_param');
    });

    it('names a missing parameter, an unknown partner and another shop’s token', async () => {
      const client = await shopClient();
      await client.authorize();
      const bare = await http('GET', `${base}/api/v2/product/get_model_list?item_id=1`);
      expect(bare.body.error).toBe('error_param');
      const at = await nowSeconds();
      const lostPath = '/api/v2/push/get_lost_push_message';
      const strangerSign = hmacHex('k', `999${lostPath}${at}`);
      const stranger = await http(
        'GET',
        `${base}${lostPath}?partner_id=999&timestamp=${at}&sign=${strangerSign}`,
      );
      expect(stranger.body.error).toBe('error_auth');
      const other = await shopClient();
      await other.authorize();
      const borrowed = await client.call('GET', '/api/v2/product/get_model_list', {
        params: { item_id: '1' },
        accessToken: other.tokens.access,
      });
      expect(borrowed.body.error).toBe('error_auth');
    });
  });

  describe('images and listings', () => {
    it('uploads up to 9 JPG or PNG images and lists an item with them, weight in kg', async () => {
      const client = await shopClient();
      await client.authorize();
      const uploaded = await client.upload([PNG, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2])]);
      expect(uploaded.body.error).toBe('');
      const ids = (uploaded.body.response.image_info_list as any[]).map((entry) => entry.image_info.image_id);
      expect(ids).toHaveLength(2);
      expect(uploaded.body.response.image_info.image_id).toBe(ids[0]);
      expect((await client.upload(Array.from({ length: 10 }, () => PNG))).body.error).toBe('error_param');
      expect((await client.upload([Buffer.from('GIF89a')])).body.error).toBe('error_param');
      const refused = await client.call('POST', '/api/v2/product/add_item', {
        body: itemBody('not-uploaded'),
      });
      expect(refused.body.error).toBe('error_param');
      const other = await shopClient();
      await other.authorize();
      const othersImage = (await other.upload([PNG])).body.response.image_info.image_id;
      expect(
        (await client.call('POST', '/api/v2/product/add_item', { body: itemBody(othersImage) })).body.error,
      ).toBe('error_param');
      const added = await client.call('POST', '/api/v2/product/add_item', {
        body: { ...itemBody(ids[0]), image: { image_id_list: ids }, weight: 0.25 },
      });
      expect(added.body.error).toBe('');
      expect(added.body.response.item_id).toEqual(expect.any(Number));
      const listings = (await ctl.listings(client.shop.shopId)) as any[];
      expect(listings).toHaveLength(1);
      expect(listings[0]).toMatchObject({
        productId: String(added.body.response.item_id),
        name: 'Trà xanh Tân Cương',
        status: 'active',
        variants: [{ sku: 'TRA-500', price: 120_000, quantity: 40, weightGrams: 250 }],
      });
    });

    it('refuses a fractional VND price, no enabled logistics and a taken SKU', async () => {
      const client = await shopClient();
      await client.authorize();
      await plainItem(client);
      const imageId = (await client.upload([PNG])).body.response.image_info.image_id;
      const add = (extra: Record<string, unknown>) =>
        client.call('POST', '/api/v2/product/add_item', { body: itemBody(imageId, extra) });
      expect((await add({ original_price: 1000.5, item_sku: 'X1' })).body.error).toBe('error_param');
      expect(
        (await add({ logistic_info: [{ logistic_id: 1, enabled: false }], item_sku: 'X2' })).body.error,
      ).toBe('error_param');
      expect((await add({})).body.error).toBe('error_param');
      expect((await add({ weight: '0.5', item_sku: 'X3' })).body.error).toBe('error_param');
    });

    it('adds variants with init_tier_variation and lists them with get_model_list', async () => {
      const client = await shopClient();
      await client.authorize();
      const { itemId, models } = await itemWithModels(client);
      expect(models.map((model) => model.model_sku)).toEqual(['BUN-200', 'BUN-500', 'BUN-1000']);
      expect(new Set(models.map((model) => model.model_id)).size).toBe(3);
      const list = await client.call('GET', '/api/v2/product/get_model_list', {
        params: { item_id: String(itemId) },
      });
      expect(list.body.response.tier_variation[0].option_list.map((o: any) => o.option)).toEqual([
        '200g',
        '500g',
        '1kg',
      ]);
      expect(list.body.response.model).toHaveLength(3);
      expect(list.body.response.model[1]).toMatchObject({
        model_sku: 'BUN-500',
        tier_index: [1],
        price_info: [{ original_price: 60_000 }],
        stock_info_v2: { seller_stock: [{ stock: 20 }] },
      });
      const [listing] = (await ctl.listings(client.shop.shopId)) as any[];
      expect(listing.variants.map((v: any) => [v.sku, v.quantity, v.weightGrams])).toEqual([
        ['BUN-200', 10, 500],
        ['BUN-500', 20, 500],
        ['BUN-1000', 30, 500],
      ]);
      const again = await client.call('POST', '/api/v2/product/init_tier_variation', {
        body: {
          item_id: itemId,
          tier_variation: [{ name: 'Size', option_list: [{ option: 'x' }] }],
          model: [{ tier_index: [0], original_price: 1000, seller_stock: [{ stock: 1 }] }],
        },
      });
      expect(again.body.error).toBe('error_param');
    });

    it('refuses 3 tiers, a model costing over 5 times the cheapest, and bad tier indexes', async () => {
      const client = await shopClient();
      await client.authorize();
      const itemId = await plainItem(client);
      const init = (
        tiers: number,
        prices: number[],
        index = (i: number) => Array.from({ length: tiers }, () => i),
      ) =>
        client.call('POST', '/api/v2/product/init_tier_variation', {
          body: {
            item_id: itemId,
            tier_variation: Array.from({ length: tiers }, (_, t) => ({
              name: `T${t}`,
              option_list: prices.map((_p, i) => ({ option: `o${i}` })),
            })),
            model: prices.map((price, i) => ({
              tier_index: index(i),
              original_price: price,
              seller_stock: [{ stock: 1 }],
            })),
          },
        });
      expect((await init(3, [1000, 2000])).body.error).toBe('error_param');
      expect((await init(1, [1000, 5001])).body.error).toBe('error_param');
      expect((await init(1, [1000, 2000], () => [5])).body.error).toBe('error_param');
      expect((await init(1, [1000, 5000])).body.error).toBe('');
    });
  });

  describe('stock, price and delisting', () => {
    it('updates stock per model, one item a call; a bad model fails alone', async () => {
      const client = await shopClient();
      await client.authorize();
      const { itemId, modelOf } = await itemWithModels(client);
      const answer = await client.call('POST', '/api/v2/product/update_stock', {
        body: {
          item_id: itemId,
          stock_list: [
            { model_id: modelOf('BUN-200'), seller_stock: [{ stock: 7 }] },
            { model_id: 424_242, seller_stock: [{ stock: 1 }] },
            { model_id: modelOf('BUN-500'), seller_stock: [{ stock: -1 }] },
            { model_id: 0, seller_stock: [{ stock: 3 }] },
          ],
        },
      });
      expect(answer.body.error).toBe('');
      expect(answer.body.response.success_list).toEqual([{ model_id: modelOf('BUN-200'), stock: 7 }]);
      expect(answer.body.response.failure_list.map((f: any) => f.model_id)).toEqual([
        424_242,
        modelOf('BUN-500'),
        0,
      ]);
      expect(answer.body.response.failure_list.every((f: any) => f.failed_reason.length > 0)).toBe(true);
      expect((await variantsOf(client.shop.shopId, 'BUN-200'))[0].quantity).toBe(7);
      expect((await variantsOf(client.shop.shopId, 'BUN-500'))[0].quantity).toBe(20);
    });

    it('takes model 0 for an item without variants, and refuses 0 or 51 entries', async () => {
      const client = await shopClient();
      await client.authorize();
      const itemId = await plainItem(client);
      const update = (stock_list: unknown[]) =>
        client.call('POST', '/api/v2/product/update_stock', { body: { item_id: itemId, stock_list } });
      const done = await update([{ model_id: 0, seller_stock: [{ stock: 5 }] }]);
      expect(done.body.response).toEqual({ success_list: [{ model_id: 0, stock: 5 }], failure_list: [] });
      expect((await variantsOf(client.shop.shopId, 'TRA-500'))[0].quantity).toBe(5);
      expect((await update([])).body.error).toBe('error_param');
      const fifty = Array.from({ length: 50 }, () => ({ model_id: 0, seller_stock: [{ stock: 6 }] }));
      expect((await update(fifty)).body.error).toBe('');
      expect((await update([...fifty, fifty[0]])).body.error).toBe('error_param');
      const missing = await client.call('POST', '/api/v2/product/update_stock', {
        body: { item_id: 1, stock_list: [{ model_id: 0, seller_stock: [{ stock: 1 }] }] },
      });
      expect(missing.body.error).toBe('error_item_not_found');
    });

    it('fails valid entries alone under the partialFailureRate fault', async () => {
      const client = await shopClient();
      await client.authorize();
      const { itemId, modelOf } = await itemWithModels(client);
      await ctl.faults(client.shop.shopId, { partialFailureRate: 1 });
      const answer = await client.call('POST', '/api/v2/product/update_stock', {
        body: {
          item_id: itemId,
          stock_list: [{ model_id: modelOf('BUN-200'), seller_stock: [{ stock: 1 }] }],
        },
      });
      expect(answer.body.error).toBe('');
      expect(answer.body.response.success_list).toEqual([]);
      expect(answer.body.response.failure_list).toHaveLength(1);
      expect((await variantsOf(client.shop.shopId, 'BUN-200'))[0].quantity).toBe(10);
    });

    it('updates prices in whole VND, keeping every model within 5 times the cheapest', async () => {
      const client = await shopClient();
      await client.authorize();
      const { itemId, modelOf } = await itemWithModels(client);
      const answer = await client.call('POST', '/api/v2/product/update_price', {
        body: {
          item_id: itemId,
          price_list: [
            { model_id: modelOf('BUN-200'), original_price: 35_000 },
            { model_id: modelOf('BUN-500'), original_price: 60_000.5 },
            { model_id: modelOf('BUN-1000'), original_price: 200_000 },
          ],
        },
      });
      expect(answer.body.response.success_list).toEqual([
        { model_id: modelOf('BUN-200'), original_price: 35_000 },
      ]);
      expect(answer.body.response.failure_list.map((f: any) => f.model_id).sort()).toEqual(
        [modelOf('BUN-500'), modelOf('BUN-1000')].sort(),
      );
      expect((await variantsOf(client.shop.shopId, 'BUN-200'))[0].price).toBe(35_000);
      expect((await variantsOf(client.shop.shopId, 'BUN-1000'))[0].price).toBe(100_000);
      const tooMany = Array.from({ length: 51 }, () => ({
        model_id: modelOf('BUN-200'),
        original_price: 35_000,
      }));
      const refused = await client.call('POST', '/api/v2/product/update_price', {
        body: { item_id: itemId, price_list: tooMany },
      });
      expect(refused.body.error).toBe('error_param');
      const wide = await client.call('POST', '/api/v2/product/update_price', {
        body: { item_id: itemId, price_list: [{ model_id: modelOf('BUN-1000'), original_price: 175_000 }] },
      });
      expect(wide.body.response.success_list).toHaveLength(1);
    });

    it('unlists and relists in batches, deletes, and a deleted item takes no stock', async () => {
      const client = await shopClient();
      await client.authorize();
      const itemId = await plainItem(client);
      const unlist = await client.call('POST', '/api/v2/product/unlist_item', {
        body: {
          item_list: [
            { item_id: itemId, unlist: true },
            { item_id: 5, unlist: true },
          ],
        },
      });
      expect(unlist.body.response.success_list).toEqual([{ item_id: itemId, unlist: true }]);
      expect(unlist.body.response.failure_list.map((f: any) => f.item_id)).toEqual([5]);
      expect(((await ctl.listings(client.shop.shopId)) as any[])[0].status).toBe('delisted');
      const unlisted = await client.call('GET', '/api/v2/product/get_item_base_info', {
        params: { item_id_list: String(itemId) },
      });
      expect(unlisted.body.response.item_list[0].item_status).toBe('UNLIST');
      expect(
        (await ctl.placeOrder(client.shop.shopId, { lines: [{ sku: 'TRA-500', quantity: 1 }] })).status,
      ).toBe(409);
      await client.call('POST', '/api/v2/product/unlist_item', {
        body: { item_list: [{ item_id: itemId, unlist: false }] },
      });
      expect(((await ctl.listings(client.shop.shopId)) as any[])[0].status).toBe('active');
      const tooMany = Array.from({ length: 51 }, () => ({ item_id: itemId, unlist: true }));
      expect(
        (await client.call('POST', '/api/v2/product/unlist_item', { body: { item_list: tooMany } })).body
          .error,
      ).toBe('error_param');
      const baseInfo = async () =>
        (
          await client.call('GET', '/api/v2/product/get_item_base_info', {
            params: { item_id_list: `${itemId},77` },
          })
        ).body;
      const live = await baseInfo();
      expect(live.response.item_list).toEqual([
        expect.objectContaining({
          item_id: itemId,
          item_status: 'NORMAL',
          item_sku: 'TRA-500',
          weight: 0.5,
          has_model: false,
          stock_info_v2: { seller_stock: [{ stock: 40 }] },
        }),
      ]);
      expect(live.warning).toContain('77');
      expect(
        (await client.call('POST', '/api/v2/product/delete_item', { body: { item_id: itemId } })).body.error,
      ).toBe('');
      expect(((await ctl.listings(client.shop.shopId)) as any[])[0].status).toBe('delisted');
      expect((await baseInfo()).response.item_list[0].item_status).toBe('SELLER_DELETE');
      const stock = await client.call('POST', '/api/v2/product/update_stock', {
        body: { item_id: itemId, stock_list: [{ model_id: 0, seller_stock: [{ stock: 1 }] }] },
      });
      expect(stock.body.error).toBe('error_item_not_found');
      expect(
        (await client.call('POST', '/api/v2/product/delete_item', { body: { item_id: itemId } })).body.error,
      ).toBe('error_item_not_found');
    });
  });

  describe('orders', () => {
    async function shopWithOrders(client: Client) {
      await client.authorize();
      await itemWithModels(client);
      await plainItem(client);
    }

    const listParams = (from: number, to: number, extra: Record<string, string> = {}) => ({
      time_range_field: 'update_time',
      time_from: String(from),
      time_to: String(to),
      page_size: '100',
      ...extra,
    });

    it('starts control-API orders at READY_TO_SHIP with one item_list row per model', async () => {
      const client = await shopClient();
      await shopWithOrders(client);
      const placed = await ctl.placeOrder(client.shop.shopId, {
        lines: [
          { sku: 'BUN-500', quantity: 2 },
          { sku: 'TRA-500', quantity: 1 },
          { sku: 'BUN-500', quantity: 1 },
        ],
      });
      expect(placed.status).toBe(201);
      expect(placed.body.status).toBe('READY_TO_SHIP');
      expect(placed.body.orderId).toMatch(/^\d{6}[0-9A-Z]{8}$/);
      const plain = await client.call('GET', '/api/v2/order/get_order_detail', {
        params: { order_sn_list: placed.body.orderId },
      });
      const [order] = plain.body.response.order_list;
      expect(order).toMatchObject({
        order_sn: placed.body.orderId,
        region: 'VN',
        currency: 'VND',
        order_status: 'READY_TO_SHIP',
      });
      expect(order.item_list).toBeUndefined();
      expect(order.total_amount).toBeUndefined();
      const full = await client.call('GET', '/api/v2/order/get_order_detail', {
        params: { order_sn_list: placed.body.orderId, response_optional_fields: 'total_amount,item_list' },
      });
      const detailed = full.body.response.order_list[0];
      expect(detailed.total_amount).toBe(3 * 60_000 + 120_000);
      expect(detailed.item_list).toHaveLength(2);
      expect(detailed.item_list).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            item_sku: 'BUN',
            model_sku: 'BUN-500',
            model_quantity_purchased: 3,
            model_discounted_price: 60_000,
          }),
          expect.objectContaining({
            item_sku: 'TRA-500',
            model_id: 0,
            model_sku: '',
            model_quantity_purchased: 1,
          }),
        ]),
      );
      expect(Math.abs(detailed.create_time - (await nowSeconds()))).toBeLessThan(5);
    });

    it('lists orders by update window with cursor paging, and refuses a 16-day window', async () => {
      const client = await shopClient();
      await shopWithOrders(client);
      const orderIds: string[] = [];
      for (let i = 0; i < 5; i++) {
        orderIds.push(
          (await ctl.placeOrder(client.shop.shopId, { lines: [{ sku: 'BUN-200', quantity: 1 }] })).body
            .orderId,
        );
        await ctl.advance(10);
      }
      const now = await nowSeconds();
      const seen: string[] = [];
      let cursor = '';
      for (let page = 0; page < 5; page++) {
        const answer = await client.call('GET', '/api/v2/order/get_order_list', {
          params: listParams(now - 3600, now, { page_size: '2', cursor }),
        });
        expect(answer.body.error).toBe('');
        seen.push(...answer.body.response.order_list.map((o: { order_sn: string }) => o.order_sn));
        if (!answer.body.response.more) {
          expect(answer.body.response.next_cursor).toBe('');
          break;
        }
        cursor = answer.body.response.next_cursor;
      }
      expect(seen).toEqual(orderIds);
      const narrow = await client.call('GET', '/api/v2/order/get_order_list', {
        params: listParams(now - 25, now),
      });
      expect(narrow.body.response.order_list.map((o: { order_sn: string }) => o.order_sn)).toEqual(
        orderIds.slice(3),
      );
      const wide = await client.call('GET', '/api/v2/order/get_order_list', {
        params: listParams(now - 16 * DAY, now),
      });
      expect(wide.status).toBe(200);
      expect(wide.body.error).toBe('order.order_list_invalid_time');
      expect(
        (
          await client.call('GET', '/api/v2/order/get_order_list', {
            params: listParams(now - 15 * DAY, now),
          })
        ).body.error,
      ).toBe('');
      for (const size of ['0', '101', 'x']) {
        const answer = await client.call('GET', '/api/v2/order/get_order_list', {
          params: listParams(now - 60, now, { page_size: size }),
        });
        expect(answer.body.error).toBe('error_param');
      }
      const badCursor = await client.call('GET', '/api/v2/order/get_order_list', {
        params: listParams(now - 60, now, { cursor: '!!' }),
      });
      expect(badCursor.body.error).toBe('error_param');
    });

    it('reads details in batches of 1 to 50 and warns about unknown order numbers', async () => {
      const client = await shopClient();
      await shopWithOrders(client);
      const placed = await ctl.placeOrder(client.shop.shopId, { lines: [{ sku: 'BUN-200', quantity: 1 }] });
      const answer = await client.call('GET', '/api/v2/order/get_order_detail', {
        params: { order_sn_list: `${placed.body.orderId},NOPE` },
      });
      expect(answer.body.response.order_list).toHaveLength(1);
      expect(answer.body.warning).toContain('NOPE');
      const fifty = Array.from({ length: 50 }, () => placed.body.orderId).join(',');
      expect(
        (await client.call('GET', '/api/v2/order/get_order_detail', { params: { order_sn_list: fifty } }))
          .body.error,
      ).toBe('');
      expect(
        (
          await client.call('GET', '/api/v2/order/get_order_detail', {
            params: { order_sn_list: `${fifty},X` },
          })
        ).body.error,
      ).toBe('error_param');
      expect(
        (await client.call('GET', '/api/v2/order/get_order_detail', { params: { order_sn_list: '' } })).body
          .error,
      ).toBe('error_param');
    });

    it('confirms by ship_order (READY_TO_SHIP → PROCESSED), cancels before SHIPPED', async () => {
      const client = await shopClient();
      await shopWithOrders(client);
      const place = async () =>
        (await ctl.placeOrder(client.shop.shopId, { lines: [{ sku: 'BUN-200', quantity: 2 }] })).body
          .orderId as string;
      const first = await place();
      expect(
        (await client.call('POST', '/api/v2/logistics/ship_order', { body: { order_sn: first } })).body.error,
      ).toBe('error_param');
      const shipped = await client.call('POST', '/api/v2/logistics/ship_order', {
        body: { order_sn: first, dropoff: {} },
      });
      expect(shipped.body.error).toBe('');
      expect((await ctl.order(client.shop.shopId, first)).status).toBe('PROCESSED');
      expect((await ctl.order(client.shop.shopId, first)).connectorStatus).toBe('confirmed');
      const twice = await client.call('POST', '/api/v2/logistics/ship_order', {
        body: { order_sn: first, dropoff: {} },
      });
      expect(twice.body.error).toBe('error_param');

      const noItems = await client.call('POST', '/api/v2/order/cancel_order', {
        body: { order_sn: first, cancel_reason: 'OUT_OF_STOCK' },
      });
      expect(noItems.body.error).toBe('error_param');
      const badReason = await client.call('POST', '/api/v2/order/cancel_order', {
        body: { order_sn: first, cancel_reason: 'BORED' },
      });
      expect(badReason.body.error).toBe('error_param');
      expect((await variantsOf(client.shop.shopId, 'BUN-200'))[0].quantity).toBe(8);
      const cancelled = await client.call('POST', '/api/v2/order/cancel_order', {
        body: { order_sn: first, cancel_reason: 'CUSTOMER_REQUEST' },
      });
      expect(cancelled.body.error).toBe('');
      expect(cancelled.body.response.update_time).toEqual(expect.any(Number));
      expect((await ctl.order(client.shop.shopId, first)).status).toBe('CANCELLED');
      expect((await variantsOf(client.shop.shopId, 'BUN-200'))[0].quantity).toBe(10);

      const second = await place();
      const detail = await client.call('GET', '/api/v2/order/get_order_detail', {
        params: { order_sn_list: second, response_optional_fields: 'item_list' },
      });
      const row = detail.body.response.order_list[0].item_list[0];
      const outOfStock = await client.call('POST', '/api/v2/order/cancel_order', {
        body: {
          order_sn: second,
          cancel_reason: 'OUT_OF_STOCK',
          item_list: [{ item_id: row.item_id, model_id: row.model_id }],
        },
      });
      expect(outOfStock.body.error).toBe('');

      const third = await place();
      await ctl.moveOrder(client.shop.shopId, third, { status: 'shipped' });
      expect((await ctl.order(client.shop.shopId, third)).status).toBe('SHIPPED');
      const late = await client.call('POST', '/api/v2/order/cancel_order', {
        body: { order_sn: third, cancel_reason: 'CUSTOMER_REQUEST' },
      });
      expect(late.body.error).toBe('error_param');
    });

    it('maps the control API’s connector words to Shopee statuses', async () => {
      const client = await shopClient();
      await shopWithOrders(client);
      const expected: [string, string][] = [
        ['confirmed', 'PROCESSED'],
        ['shipped', 'SHIPPED'],
        ['delivered', 'TO_CONFIRM_RECEIVE'],
        ['returned', 'TO_RETURN'],
      ];
      const orderId = (await ctl.placeOrder(client.shop.shopId, { lines: [{ sku: 'BUN-200', quantity: 1 }] }))
        .body.orderId;
      for (const [word, status] of expected) {
        expect((await ctl.moveOrder(client.shop.shopId, orderId, { status: word })).body.status).toBe(status);
      }
      const other = (await ctl.placeOrder(client.shop.shopId, { lines: [{ sku: 'BUN-200', quantity: 1 }] }))
        .body.orderId;
      expect((await ctl.moveOrder(client.shop.shopId, other, { code: 'IN_CANCEL' })).body.status).toBe(
        'IN_CANCEL',
      );
      expect((await ctl.moveOrder(client.shop.shopId, other, { status: 'cancelled' })).body.status).toBe(
        'CANCELLED',
      );
    });
  });

  describe('pushes', () => {
    async function pushingShop(receiverUrl: string) {
      const client = await shopClient({ shop: { webhookUrl: receiverUrl } });
      await client.authorize();
      await plainItem(client);
      return client;
    }

    it('signs a push over the registered URL, a bar and the raw body; re-serialising breaks it', async () => {
      const receiver = await startPushReceiver();
      try {
        const client = await pushingShop(receiver.url);
        const placed = await ctl.placeOrder(client.shop.shopId, { lines: [{ sku: 'TRA-500', quantity: 1 }] });
        await waitFor(() => receiver.received.length === 1, 5000, 'the order push');
        const push = receiver.received[0];
        const key = client.credentials.partner_key;
        expect(push.headers.authorization).toBe(hmacHex(key, `${receiver.url}|${push.rawBody}`));
        expect(push.headers.authorization).not.toBe(
          hmacHex(key, `${receiver.url}|${JSON.stringify(push.body)}`),
        );
        expect(push.headers.authorization).not.toBe(
          hmacHex(key, `http://proxy.internal/hooks|${push.rawBody}`),
        );
        expect(push.body).toEqual({
          shop_id: Number(client.shop.shopId),
          code: 3,
          timestamp: expect.any(Number),
          data: {
            ordersn: placed.body.orderId,
            status: 'READY_TO_SHIP',
            update_time: expect.any(Number),
            items: [],
          },
        });
        expect(push.body.data.order_sn).toBeUndefined();
        await client.call('POST', '/api/v2/logistics/ship_order', {
          body: { order_sn: placed.body.orderId, dropoff: {} },
        });
        await waitFor(() => receiver.received.length === 2, 5000, 'the PROCESSED push');
        expect(receiver.received[1].body.data.status).toBe('PROCESSED');
        await ctl.advance(HOUR);
        await settle();
        expect(receiver.received).toHaveLength(2);
      } finally {
        await receiver.close();
      }
    });

    it('counts a 2xx with a body as a failure and retries at 1, 5 and 15 minutes', async () => {
      const receiver = await startPushReceiver(() => ({ status: 200, body: '{"received":true}' }));
      try {
        const client = await pushingShop(receiver.url);
        await ctl.placeOrder(client.shop.shopId, { lines: [{ sku: 'TRA-500', quantity: 1 }] });
        await waitFor(() => receiver.received.length === 1, 5000, 'first attempt');
        await ctl.advance(50);
        await settle();
        expect(receiver.received).toHaveLength(1);
        let expected = 1;
        for (const minutes of [1, 5, 15]) {
          await ctl.advance(minutes * 60 + 1);
          expected += 1;
          await waitFor(() => receiver.received.length === expected, 5000, `attempt ${expected}`);
        }
        await ctl.advance(DAY);
        await settle();
        expect(receiver.received).toHaveLength(4);
        expect(new Set(receiver.received.map((push) => push.rawBody)).size).toBe(1);
      } finally {
        await receiver.close();
      }
    });

    it('counts a slow answer as a failure and retries it', async () => {
      const receiver = await startPushReceiver((index) =>
        index === 0 ? { status: 200, delayMs: 6000 } : { status: 204 },
      );
      try {
        const client = await pushingShop(receiver.url);
        await ctl.placeOrder(client.shop.shopId, { lines: [{ sku: 'TRA-500', quantity: 1 }] });
        await waitFor(
          async () => ((await ctl.webhooks(client.shop.shopId)).attempts as unknown[]).length === 1,
          9000,
          'the slow attempt to time out',
        );
        expect((await ctl.webhooks(client.shop.shopId)).attempts[0].ok).toBe(false);
        await ctl.advance(61);
        await waitFor(() => receiver.received.length === 2, 5000, 'the retry');
        await waitFor(
          async () => (await ctl.webhooks(client.shop.shopId)).attempts[1]?.ok === true,
          5000,
          'the acknowledged retry',
        );
      } finally {
        await receiver.close();
      }
    }, 20_000);

    it('keeps unacknowledged pushes in get_lost_push_message until confirmed consumed', async () => {
      const receiver = await startPushReceiver((index) => (index < 4 ? { status: 500 } : { status: 200 }));
      try {
        const client = await pushingShop(receiver.url);
        const placed = await ctl.placeOrder(client.shop.shopId, { lines: [{ sku: 'TRA-500', quantity: 1 }] });
        await waitFor(() => receiver.received.length === 1, 5000, 'first attempt');
        for (const minutes of [1, 5, 15]) {
          await ctl.advance(minutes * 60 + 1);
          await waitFor(() => receiver.received.length >= 2, 5000, 'a retry');
        }
        await waitFor(() => receiver.received.length === 4, 5000, 'the last retry');
        const lost = await client.publicCall('GET', '/api/v2/push/get_lost_push_message');
        expect(lost.body.error).toBe('');
        expect(lost.body.response.has_next_page).toBe(false);
        expect(lost.body.response.push_message_list).toHaveLength(1);
        const [message] = lost.body.response.push_message_list;
        expect(message).toMatchObject({ shop_id: Number(client.shop.shopId), code: 3 });
        expect(typeof message.data).toBe('string');
        expect(JSON.parse(message.data)).toMatchObject({
          ordersn: placed.body.orderId,
          status: 'READY_TO_SHIP',
        });
        // an acknowledged push is not lost
        await client.call('POST', '/api/v2/logistics/ship_order', {
          body: { order_sn: placed.body.orderId, dropoff: {} },
        });
        await waitFor(() => receiver.received.length === 5, 5000, 'the PROCESSED push');
        await settle();
        const still = await client.publicCall('GET', '/api/v2/push/get_lost_push_message');
        expect(still.body.response.push_message_list).toHaveLength(1);
        const confirmed = await client.publicCall('POST', '/api/v2/push/confirm_consumed_lost_push_message', {
          body: { last_message_id: still.body.response.last_message_id },
        });
        expect(confirmed.body.error).toBe('');
        const none = await client.publicCall('GET', '/api/v2/push/get_lost_push_message');
        expect(none.body.response.push_message_list).toEqual([]);
        const bad = await client.publicCall('POST', '/api/v2/push/confirm_consumed_lost_push_message', {
          body: { last_message_id: 'all' },
        });
        expect(bad.body.error).toBe('error_param');
      } finally {
        await receiver.close();
      }
    });

    it('lists dropped pushes as lost, 100 a page, and forgets them after 3 days', async () => {
      const receiver = await startPushReceiver();
      try {
        const client = await pushingShop(receiver.url);
        await client.call('POST', '/api/v2/product/update_stock', {
          body: {
            item_id: Number(((await ctl.listings(client.shop.shopId)) as any[])[0].productId),
            stock_list: [{ model_id: 0, seller_stock: [{ stock: 500 }] }],
          },
        });
        await ctl.faults(client.shop.shopId, { webhookDropRate: 1 });
        const orders = Array.from({ length: 101 }, () => ({ lines: [{ sku: 'TRA-500', quantity: 1 }] }));
        await http('POST', `${base}/_sandbox/shops/${client.shop.shopId}/orders`, { body: { orders } });
        const page = await client.publicCall('GET', '/api/v2/push/get_lost_push_message');
        expect(page.body.response.push_message_list).toHaveLength(100);
        expect(page.body.response.has_next_page).toBe(true);
        await client.publicCall('POST', '/api/v2/push/confirm_consumed_lost_push_message', {
          body: { last_message_id: page.body.response.last_message_id },
        });
        const rest = await client.publicCall('GET', '/api/v2/push/get_lost_push_message');
        expect(rest.body.response.push_message_list).toHaveLength(1);
        expect(rest.body.response.has_next_page).toBe(false);
        await ctl.advance(3 * DAY + 60);
        await client.authorize().catch(() => undefined);
        const expired = await client.publicCall('GET', '/api/v2/push/get_lost_push_message');
        expect(expired.body.response.push_message_list).toEqual([]);
        expect(receiver.received).toHaveLength(0);
      } finally {
        await receiver.close();
      }
    });
  });

  describe('rate limit, faults and hostile input', () => {
    it('throttles at 10 calls a second per shop with 429 error_rate_limit', async () => {
      const client = await shopClient({ throttled: true });
      await client.authorize();
      const at = await nowSeconds();
      const responses = await Promise.all(
        Array.from({ length: 40 }, () =>
          client.call('GET', '/api/v2/product/get_model_list', { params: { item_id: '1' }, at }),
        ),
      );
      const throttled = responses.filter((response) => response.status === 429);
      expect(throttled.length).toBeGreaterThan(0);
      expect(throttled[0].body).toMatchObject({ error: 'error_rate_limit' });
      expect(
        responses.filter((response) => response.body.error === 'error_item_not_found').length,
      ).toBeGreaterThan(0);
      await ctl.advance(2);
      const after = await client.call('GET', '/api/v2/product/get_model_list', { params: { item_id: '1' } });
      expect(after.body.error).toBe('error_item_not_found');
    });

    it('answers error_server with a 5xx under the errorRate fault', async () => {
      const client = await shopClient();
      await client.authorize();
      await ctl.faults(client.shop.shopId, { errorRate: 1 });
      const answer = await client.call('GET', '/api/v2/product/get_model_list', { params: { item_id: '1' } });
      expect([500, 502]).toContain(answer.status);
      expect(answer.body.error).toBe('error_server');
    });

    it('answers hostile input with the style’s error, never a crash', async () => {
      const client = await shopClient();
      await client.authorize();
      const bodies: unknown[] = [
        null,
        [],
        'text',
        42,
        { item_id: 'x' },
        { item_id: 1e30 },
        { order_sn: ['a'] },
        { item_list: {} },
      ];
      const paths = [
        '/api/v2/product/add_item',
        '/api/v2/product/init_tier_variation',
        '/api/v2/product/update_stock',
        '/api/v2/product/update_price',
        '/api/v2/product/unlist_item',
        '/api/v2/product/delete_item',
        '/api/v2/logistics/ship_order',
        '/api/v2/order/cancel_order',
        '/api/v2/auth/token/get',
      ];
      const answers: { status: number; body: any }[] = [];
      for (const path of paths) {
        for (const body of bodies) answers.push(await client.call('POST', path, { body }));
      }
      const malformedUrl = new URL(`${base}/api/v2/product/update_stock`);
      const at = await nowSeconds();
      const { partner_id, partner_key, shop_id } = client.credentials;
      const sign = hmacHex(
        partner_key,
        partner_id + malformedUrl.pathname + at + client.tokens.access + shop_id,
      );
      const query = new URLSearchParams({
        partner_id,
        timestamp: String(at),
        sign,
        access_token: client.tokens.access,
        shop_id,
      });
      answers.push(await http('POST', `${malformedUrl.href}?${query}`, { rawBody: '{"item_id": 1,' }));
      answers.push(
        await client.call('GET', '/api/v2/order/get_order_list', {
          params: { time_from: '-1', time_to: 'x' },
        }),
      );
      answers.push(
        await client.call('GET', '/api/v2/product/get_model_list', { params: { item_id: 'DROP TABLE' } }),
      );
      answers.push(await client.upload([]));
      for (const answer of answers) {
        expect(answer.status).toBeLessThan(500);
        expect(answer.body.error).toMatch(/^error_|^order\./);
      }
      const unknown = await http('GET', `${base}/api/v2/nothing/here`);
      expect(unknown.status).toBe(404);
      expect(unknown.body.error).toBe('error_not_found');
    });

    it('counts calls per route in the control API’s stats', async () => {
      const client = await shopClient();
      await client.authorize();
      await ctl.clearStats();
      await client.call('GET', '/api/v2/product/get_model_list', { params: { item_id: '1' } });
      await client.call('GET', '/api/v2/product/get_model_list', { params: { item_id: '2' } });
      expect((await ctl.stats())['GET /api/v2/product/get_model_list']).toBe(2);
    });
  });
});
