import { lazadaPushSignature, lazadaRequestSign, lazadaSigningString } from './lazada-signing';

describe('Lazada-style signing (sandbox side)', () => {
  it('matches the published request vector (GetOrder, secret "helloworld")', () => {
    const params: [string, string][] = [
      ['app_key', '123456'],
      ['access_token', 'test'],
      ['timestamp', '1517820392000'],
      ['sign_method', 'sha256'],
      ['order_id', '1234'],
    ];
    expect(lazadaSigningString('/order/get', params)).toBe(
      '/order/getaccess_tokentestapp_key123456order_id1234sign_methodsha256timestamp1517820392000',
    );
    expect(lazadaRequestSign('helloworld', '/order/get', params)).toBe(
      '4190D32361CFB9581350222F345CB77F3B19F0E31D162316848A2C1FFD5FAB4A',
    );
  });

  it('matches the published push vector (57-character body)', () => {
    const body = '{"seller_id":"1234567", "message_type":0, "data":{...}..}';
    expect(body).toHaveLength(57);
    expect(lazadaPushSignature('123456', '3412gyo124goi3124', body)).toBe(
      'f3d2ca947f16a50b577c036adecd18bec126ea19cadedd59816e255d3b6104ab',
    );
  });

  it('leaves out sign and empty values and sorts by ASCII, capitals before lower case', () => {
    const params: [string, string][] = [
      ['b', '2'],
      ['sign', 'ABC'],
      ['empty', ''],
      ['B', '1'],
      ['a', '3'],
    ];
    expect(lazadaSigningString('/x', params)).toBe('/xB1a3b2');
  });

  it('pins a self-derived request vector (POST with a payload field)', () => {
    const params: [string, string][] = [
      ['app_key', '100200'],
      ['timestamp', '1764576000000'],
      ['sign_method', 'sha256'],
      ['access_token', 'tok'],
      ['payload', '<Request><Product/></Request>'],
    ];
    expect(lazadaRequestSign('s3cret', '/product/price_quantity/update', params)).toBe(
      '62D4A44A4761CD7EA126E66E15A955776C462F2287D45C21B7C34D455AD65092',
    );
  });
});
