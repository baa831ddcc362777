import {
  shopeePushSignature,
  shopeeSign,
  shopeeSignedQuery,
  shopeeSigningText,
  verifyShopeePush,
} from './shopee-signing';

/** docs/marketplace-shopee.md: the published base string and the vectors derived from the recipe. */
const shop = { accessToken: '59777174636562737266615546704c6d', shopId: '14701711' };
const PUBLISHED_BASE = '2001887/api/v2/shop/get_shop_info165571443159777174636562737266615546704c6d14701711';
const PUSH_URL = 'https://example.com/webhook/shopee';
const PUSH_BODY =
  '{"shop_id":123,"code":3,"timestamp":1470198856,"data":{"ordersn":"2112132KAD867D",' +
  '"status":"READY_TO_SHIP","update_time":1470198856}}';
const PUSH_SIGNATURE = 'ade4f7dcb2bff63ef33cd4291eb951c031d23034470326bc48c54999f70836dd';

describe('shopeeSigningText and shopeeSign', () => {
  it('builds the published base string of a shop call', () => {
    expect(shopeeSigningText('2001887', '/api/v2/shop/get_shop_info', 1655714431, shop)).toBe(PUBLISHED_BASE);
  });

  it('signs it to the derived vector under test_partner_key, in lowercase hex', () => {
    expect(shopeeSign('test_partner_key', PUBLISHED_BASE)).toBe(
      '9fdae5aeed86e753249982ec04aa54339280f12d3f456b9e3f7d8ee91e66a2b3',
    );
  });

  it('leaves the token and shop out of a public call', () => {
    expect(shopeeSigningText('2001887', '/api/v2/auth/token/get', 1655714431)).toBe(
      '2001887/api/v2/auth/token/get1655714431',
    );
  });
});

describe('shopeeSignedQuery', () => {
  const app = { partner_id: '2001887', partner_key: 'test_partner_key' };

  it('adds partner_id, timestamp, sign and, for a shop call, access_token and shop_id', () => {
    expect(shopeeSignedQuery(app, '/api/v2/shop/get_shop_info', {}, 1655714431, shop)).toEqual({
      partner_id: '2001887',
      timestamp: '1655714431',
      sign: '9fdae5aeed86e753249982ec04aa54339280f12d3f456b9e3f7d8ee91e66a2b3',
      access_token: shop.accessToken,
      shop_id: shop.shopId,
    });
  });

  it('keeps business parameters out of the sign', () => {
    const plain = shopeeSignedQuery(app, '/api/v2/order/get_order_detail', {}, 1655714431, shop);
    const withParams = shopeeSignedQuery(
      app,
      '/api/v2/order/get_order_detail',
      { order_sn_list: 'A,B' },
      1655714431,
      shop,
    );
    expect(withParams.sign).toBe(plain.sign);
    expect(withParams.order_sn_list).toBe('A,B');
    expect(shopeeSignedQuery(app, '/api/v2/auth/token/get', {}, 1655714431)).not.toHaveProperty(
      'access_token',
    );
  });
});

describe('Shopee push signatures', () => {
  const delivery = (body: string, authorization?: string) => ({
    rawBody: Buffer.from(body, 'utf8'),
    headers: { authorization },
  });

  it('signs the derived push vector over the callback URL, a bar and the raw body', () => {
    expect(shopeePushSignature('test_partner_key', PUSH_URL, Buffer.from(PUSH_BODY))).toBe(PUSH_SIGNATURE);
    expect(verifyShopeePush(delivery(PUSH_BODY, PUSH_SIGNATURE), 'test_partner_key', PUSH_URL)).toBe(true);
  });

  it('refuses a re-serialised body, another URL, another key and garbled headers', () => {
    const reserialised = JSON.stringify(JSON.parse(PUSH_BODY), null, 1);
    expect(verifyShopeePush(delivery(reserialised, PUSH_SIGNATURE), 'test_partner_key', PUSH_URL)).toBe(
      false,
    );
    expect(
      verifyShopeePush(
        delivery(PUSH_BODY, PUSH_SIGNATURE),
        'test_partner_key',
        'http://10.0.0.5/webhook/shopee',
      ),
    ).toBe(false);
    expect(verifyShopeePush(delivery(PUSH_BODY, PUSH_SIGNATURE), 'other_key', PUSH_URL)).toBe(false);
    for (const header of [
      undefined,
      '',
      'sha256=' + PUSH_SIGNATURE,
      PUSH_SIGNATURE.slice(2),
      'zz'.repeat(32),
    ]) {
      expect(verifyShopeePush(delivery(PUSH_BODY, header), 'test_partner_key', PUSH_URL)).toBe(false);
    }
  });
});
