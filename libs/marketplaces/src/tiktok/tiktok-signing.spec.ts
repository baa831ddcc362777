import {
  tiktokSign,
  tiktokSignedQuery,
  tiktokSigningText,
  tiktokWebhookSignature,
  verifyTiktokWebhook,
} from './tiktok-signing';

// docs/marketplace-tiktok.md: the vector TikTok publishes, and the push vector derived from the recipe
const PUSH_BODY = Buffer.from(
  '{"type":1,"tts_notification_id":"7327112393057371910","shop_id":"7494049642642441621",' +
    '"timestamp":1644412885,"data":{"order_id":"576486316948490001","order_status":"UNPAID",' +
    '"is_on_hold_order":false,"update_time":1644412885}}',
);
const PUSH_VECTOR = 'e21e909414e500178230da539adfc1faddd443124f93a8f67a060568a49620be';
const pushed = (signature: string | undefined, rawBody = PUSH_BODY) => ({
  rawBody,
  headers: { authorization: signature },
});

describe('TikTok Shop-style request signing', () => {
  it('matches the published vector for GET /authorization/202309/shops', () => {
    expect(
      tiktokSign(
        'e59af819cc',
        '/authorization/202309/shops',
        { app_key: '29a39d', timestamp: '1623812664' },
        '',
      ),
    ).toBe('b596b73e0cc6de07ac26f036364178ab16b0a907af13d43f0a0cd2345f582dc8');
    expect(
      tiktokSignedQuery(
        { app_key: '29a39d', app_secret: 'e59af819cc' },
        '/authorization/202309/shops',
        {},
        '',
        1623812664,
      ),
    ).toEqual({
      app_key: '29a39d',
      timestamp: '1623812664',
      sign: 'b596b73e0cc6de07ac26f036364178ab16b0a907af13d43f0a0cd2345f582dc8',
    });
  });

  it('sorts the parameters, leaves sign and access_token out and wraps the text in the secret', () => {
    expect(
      tiktokSigningText(
        'sec',
        '/product/202309/products',
        { timestamp: '1', shop_cipher: 'ROW_c', access_token: 'TTP_t', sign: 'x', app_key: 'k' },
        '{"a":1}',
      ),
    ).toBe('sec/product/202309/productsapp_keykshop_cipherROW_ctimestamp1{"a":1}sec');
  });

  it('adds shop_cipher to shop calls and signs the body', () => {
    const query = tiktokSignedQuery(
      { app_key: 'k', app_secret: 's' },
      '/p',
      { ids: '1,2' },
      '{}',
      1700000000.9,
      'c',
    );
    expect(query).toMatchObject({ app_key: 'k', timestamp: '1700000000', shop_cipher: 'c', ids: '1,2' });
    expect(query.sign).toBe(
      tiktokSign('s', '/p', { app_key: 'k', timestamp: '1700000000', shop_cipher: 'c', ids: '1,2' }, '{}'),
    );
    expect(query.sign).not.toBe(
      tiktokSign('s', '/p', { app_key: 'k', timestamp: '1700000000', shop_cipher: 'c', ids: '1,2' }, '{ }'),
    );
  });
});

describe('TikTok Shop-style push signature', () => {
  it('is hex HMAC-SHA256(app_secret, app_key + raw body)', () => {
    expect(tiktokWebhookSignature('29a39d', 'e59af819cc', PUSH_BODY)).toBe(PUSH_VECTOR);
    expect(verifyTiktokWebhook(pushed(PUSH_VECTOR), '29a39d', 'e59af819cc')).toBe(true);
  });

  it('fails another body, app key or secret', () => {
    expect(
      verifyTiktokWebhook(
        pushed(PUSH_VECTOR, Buffer.concat([PUSH_BODY, Buffer.from(' ')])),
        '29a39d',
        'e59af819cc',
      ),
    ).toBe(false);
    expect(verifyTiktokWebhook(pushed(PUSH_VECTOR), '29a39e', 'e59af819cc')).toBe(false);
    expect(verifyTiktokWebhook(pushed(PUSH_VECTOR), '29a39d', 'e59af819cd')).toBe(false);
  });

  it('answers false, without throwing, for a missing or garbled header', () => {
    expect(verifyTiktokWebhook({ rawBody: PUSH_BODY, headers: {} }, '29a39d', 'e59af819cc')).toBe(false);
    for (const garbled of [
      '',
      PUSH_VECTOR.toUpperCase(),
      PUSH_VECTOR.slice(1),
      `${PUSH_VECTOR}0`,
      `Bearer ${PUSH_VECTOR}`,
      'z'.repeat(64),
    ]) {
      expect(verifyTiktokWebhook(pushed(garbled), '29a39d', 'e59af819cc')).toBe(false);
    }
  });
});
