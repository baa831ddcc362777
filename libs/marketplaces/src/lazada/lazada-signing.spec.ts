import {
  lazadaPushSignature,
  lazadaSign,
  lazadaSignedParams,
  lazadaSigningText,
  verifyLazadaPush,
} from './lazada-signing';

describe('Lazada-style request signing', () => {
  const published = {
    access_token: 'test',
    app_key: '123456',
    order_id: '1234',
    sign_method: 'sha256',
    timestamp: '1517820392000',
  };

  it('matches the vector Lazada publishes for /order/get', () => {
    expect(lazadaSigningText('/order/get', published)).toBe(
      '/order/getaccess_tokentestapp_key123456order_id1234sign_methodsha256timestamp1517820392000',
    );
    expect(lazadaSign('helloworld', '/order/get', published)).toBe(
      '4190D32361CFB9581350222F345CB77F3B19F0E31D162316848A2C1FFD5FAB4A',
    );
  });

  it('adds the system parameters and signs them with the rest', () => {
    const params = lazadaSignedParams(
      { app_key: '123456', app_secret: 'helloworld' },
      '/order/get',
      { order_id: '1234' },
      1517820392000,
      'test',
    );
    expect(params).toEqual({
      ...published,
      sign: '4190D32361CFB9581350222F345CB77F3B19F0E31D162316848A2C1FFD5FAB4A',
    });
  });

  it('sorts in ASCII order, leaves out sign and empty values', () => {
    expect(lazadaSigningText('/x', { b: '2', sign: 'S', empty: '', B: '1', a: '3' })).toBe('/xB1a3b2');
  });

  it('pins a self-derived vector for a POST with a payload field', () => {
    // computed outside Node: printf '%s' '<signing text>' | openssl dgst -sha256 -hmac s3cret
    const params = lazadaSignedParams(
      { app_key: '100200', app_secret: 's3cret' },
      '/product/price_quantity/update',
      { payload: '<Request><Product/></Request>' },
      1764576000000,
      'tok',
    );
    expect(params.sign).toBe('62D4A44A4761CD7EA126E66E15A955776C462F2287D45C21B7C34D455AD65092');
  });
});

describe('Lazada-style push signature', () => {
  // Lazada's published example: its body is this 57-character text, literally
  const body = Buffer.from('{"seller_id":"1234567", "message_type":0, "data":{...}..}');
  const VECTOR = 'f3d2ca947f16a50b577c036adecd18bec126ea19cadedd59816e255d3b6104ab';
  const delivery = (authorization: string | undefined, rawBody = body) => ({
    rawBody,
    headers: { authorization },
  });

  it('matches the published vector: hex HMAC-SHA256(app secret, app key + raw body)', () => {
    expect(body).toHaveLength(57);
    expect(lazadaPushSignature('123456', '3412gyo124goi3124', body)).toBe(VECTOR);
    expect(verifyLazadaPush(delivery(VECTOR), '123456', '3412gyo124goi3124')).toBe(true);
    expect(verifyLazadaPush(delivery(VECTOR.toUpperCase()), '123456', '3412gyo124goi3124')).toBe(true);
  });

  it('pins a self-derived vector for a whole push body', () => {
    // computed outside Node: printf '%s' '100200<the body>' | openssl dgst -sha256 -hmac s3cret
    const push = Buffer.from(
      '{"seller_id":"1234567","message_type":0,"data":{"order_status":"pending",' +
        '"status_update_time":1764576000,"trade_order_id":"260422900198363",' +
        '"trade_order_line_id":"260422900298363"},"timestamp":1764576000123,"site":"lazada_vn"}',
    );
    expect(lazadaPushSignature('100200', 's3cret', push)).toBe(
      'b11d5b42bf41ff4da9ec3ace91db8797f704b0329979b3111362871ab3fac80b',
    );
  });

  it('fails another body, another app key, another secret', () => {
    expect(
      verifyLazadaPush(delivery(VECTOR, Buffer.from(`${body.toString()} `)), '123456', '3412gyo124goi3124'),
    ).toBe(false);
    expect(verifyLazadaPush(delivery(VECTOR), '123457', '3412gyo124goi3124')).toBe(false);
    expect(verifyLazadaPush(delivery(VECTOR), '123456', 'other')).toBe(false);
  });

  it('answers false, without throwing, for a missing or garbled header', () => {
    expect(verifyLazadaPush({ rawBody: body, headers: {} }, '123456', '3412gyo124goi3124')).toBe(false);
    for (const garbled of [
      '',
      VECTOR.slice(1),
      `${VECTOR}0`,
      'z'.repeat(64),
      Buffer.from(VECTOR, 'hex').toString('base64'),
    ]) {
      expect(verifyLazadaPush(delivery(garbled), '123456', '3412gyo124goi3124')).toBe(false);
    }
  });
});
