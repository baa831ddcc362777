import { tiktokPushSignature, tiktokSign, tiktokSignMatches, tiktokSigningString } from './tiktok-signing';

describe('TikTok Shop-style signing (the sandbox side)', () => {
  it('matches the vector TikTok publishes for GET /authorization/202309/shops', () => {
    const query = new URLSearchParams({ app_key: '29a39d', timestamp: '1623812664' });
    expect(tiktokSign('e59af819cc', '/authorization/202309/shops', query, '')).toBe(
      'b596b73e0cc6de07ac26f036364178ab16b0a907af13d43f0a0cd2345f582dc8',
    );
  });

  it('leaves sign and access_token out, sorts the rest by name and wraps it in the secret', () => {
    const query = new URLSearchParams(
      'timestamp=1700000000&sign=abc&shop_cipher=ROW_x&access_token=TTP_y&app_key=k1&page_size=10',
    );
    expect(tiktokSigningString('s3', '/order/202309/orders/search', query, '{"a":1}')).toBe(
      's3/order/202309/orders/searchapp_keyk1page_size10shop_cipherROW_xtimestamp1700000000{"a":1}s3',
    );
  });

  it('accepts only the exact lowercase signature over the exact body', () => {
    const query = new URLSearchParams({ app_key: 'k', timestamp: '1', shop_cipher: 'c' });
    const body = '{"skus":[{"id":"1"}]}';
    const sign = tiktokSign('secret', '/p', query, body);
    expect(tiktokSignMatches(sign, 'secret', '/p', query, body)).toBe(true);
    expect(tiktokSignMatches(sign.toUpperCase(), 'secret', '/p', query, body)).toBe(false);
    expect(tiktokSignMatches(sign, 'secret', '/p', query, '{"skus": [{"id": "1"}]}')).toBe(false);
    expect(tiktokSignMatches(sign, 'other', '/p', query, body)).toBe(false);
    expect(tiktokSignMatches('', 'secret', '/p', query, body)).toBe(false);
  });

  it('signs pushes over app_key + raw body (self-derived vector from the spec)', () => {
    const body =
      '{"type":1,"tts_notification_id":"7327112393057371910","shop_id":"7494049642642441621",' +
      '"timestamp":1644412885,"data":{"order_id":"576486316948490001","order_status":"UNPAID",' +
      '"is_on_hold_order":false,"update_time":1644412885}}';
    expect(tiktokPushSignature('29a39d', 'e59af819cc', body)).toBe(
      'e21e909414e500178230da539adfc1faddd443124f93a8f67a060568a49620be',
    );
  });
});
