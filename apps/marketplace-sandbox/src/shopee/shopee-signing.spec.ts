import { sameSignature, shopeeBaseString, shopeePushSignature, shopeeSign } from './shopee-signing';

describe('Shopee-style signing (MARKETPLACES-GLOBAL.md, "Signing test vectors")', () => {
  const shopCall = {
    partnerId: '2001887',
    path: '/api/v2/shop/get_shop_info',
    timestamp: '1655714431',
    accessToken: '59777174636562737266615546704c6d',
    shopId: '14701711',
  };

  it('builds the published base string of a shop call', () => {
    expect(
      shopeeBaseString(shopCall.partnerId, shopCall.path, shopCall.timestamp, {
        accessToken: shopCall.accessToken,
        shopId: shopCall.shopId,
      }),
    ).toBe('2001887/api/v2/shop/get_shop_info165571443159777174636562737266615546704c6d14701711');
  });

  it('leaves the token and shop out of a public call', () => {
    expect(shopeeBaseString('2001887', '/api/v2/auth/token/get', '1655714431')).toBe(
      '2001887/api/v2/auth/token/get1655714431',
    );
  });

  it('signs the shop call as the self-derived vector says', () => {
    const base = shopeeBaseString(shopCall.partnerId, shopCall.path, shopCall.timestamp, {
      accessToken: shopCall.accessToken,
      shopId: shopCall.shopId,
    });
    expect(shopeeSign('test_partner_key', base)).toBe(
      '9fdae5aeed86e753249982ec04aa54339280f12d3f456b9e3f7d8ee91e66a2b3',
    );
  });

  it('signs a push over the callback URL, a bar and the raw body', () => {
    const body =
      '{"shop_id":123,"code":3,"timestamp":1470198856,"data":{"ordersn":"2112132KAD867D",' +
      '"status":"READY_TO_SHIP","update_time":1470198856}}';
    expect(shopeePushSignature('test_partner_key', 'https://example.com/webhook/shopee', body)).toBe(
      'ade4f7dcb2bff63ef33cd4291eb951c031d23034470326bc48c54999f70836dd',
    );
  });

  it('compares signatures exactly, case included', () => {
    const sign = shopeeSign('k', 'base');
    expect(sameSignature(sign, sign)).toBe(true);
    expect(sameSignature(sign.toUpperCase(), sign)).toBe(false);
    expect(sameSignature(sign.slice(1), sign)).toBe(false);
  });
});
