import { createHmac } from 'node:crypto';
import pino from 'pino';
import { Marketplace } from '../shared/marketplace';
import { createShopeeServer } from './shopee-server';

/** The style's settings reach the server: a few overridden ones, exercised through inject. */
describe('createShopeeServer settings', () => {
  let market: Marketplace;
  afterEach(() => market.close());

  const json = (text: string) =>
    JSON.parse(text) as Record<string, unknown> & { error?: string; credentials?: unknown };

  async function authorizedShop(overrides: Parameters<typeof createShopeeServer>[1]) {
    market = createShopeeServer(pino({ level: 'silent' }), overrides);
    const created = json(
      (await market.app.inject({ method: 'POST', url: '/_sandbox/shops', payload: {} })).body,
    );
    const { partner_id, partner_key, shop_id, code } = created.credentials as Record<string, string>;
    const signed = (path: string, token?: string, at = Math.floor(market.clock.now() / 1000)) => {
      const base = partner_id + path + at + (token === undefined ? '' : token + shop_id);
      const sign = createHmac('sha256', partner_key).update(base).digest('hex');
      const shop: Record<string, string> = token === undefined ? {} : { access_token: token, shop_id };
      return `${path}?${new URLSearchParams({ partner_id, timestamp: String(at), sign, ...shop })}`;
    };
    const tokens = json(
      (
        await market.app.inject({
          method: 'POST',
          url: signed('/api/v2/auth/token/get'),
          payload: { code, shop_id: Number(shop_id), partner_id: Number(partner_id) },
        })
      ).body,
    );
    return { shopId: created.shopId as string, signed, token: tokens.access_token as string, tokens };
  }

  it('takes the token lifetime and timestamp window from the settings', async () => {
    const shop = await authorizedShop({ accessTokenTtlSeconds: 120, timestampWindowSeconds: 10 });
    expect(shop.tokens.expire_in).toBe(120);
    const now = Math.floor(market.clock.now() / 1000);
    const call = (at: number) =>
      market.app.inject({
        method: 'GET',
        url: `${shop.signed('/api/v2/product/get_model_list', shop.token, at)}&item_id=1`,
      });
    expect(json((await call(now - 8)).body).error).toBe('error_item_not_found');
    expect(json((await call(now - 12)).body).error).toBe('error_param');
    market.clock.advance(121);
    expect(json((await call(now + 121)).body).error).toBe('error_auth');
  });

  it('takes the batch limit and the first order status from the settings', async () => {
    const shop = await authorizedShop({ maxWriteBatch: 2, initialOrderStatus: 'UNPAID' });
    const unlist = (count: number) =>
      market.app.inject({
        method: 'POST',
        url: shop.signed('/api/v2/product/unlist_item', shop.token),
        payload: { item_list: Array.from({ length: count }, (_, i) => ({ item_id: i + 1, unlist: true })) },
      });
    expect(json((await unlist(2)).body).error).toBe('');
    expect(json((await unlist(3)).body).error).toBe('error_param');
    expect(market.store.rules.codeFor('pending')).toBe('UNPAID');
  });
});
