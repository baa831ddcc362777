import { sendoWebhookSignature, verifySendoWebhook } from './sendo-signing';

const body = Buffer.from(
  '{"type":"SALESORDER.UPDATE","shop_id":"300001","data":{"order_number":"2600000001","order_status":3,"updated_at":1793000000}}',
);
// printf '<body>' | openssl dgst -sha256 -hmac whsec_sendo
const VECTOR = 'c811cf5ca99515e7639269b39cb7c0af2786c1a3ad4119bf379770974a1291eb';
const signed = (signature: string | undefined, rawBody = body) => ({
  rawBody,
  headers: { 'x-sendo-signature': signature },
});

describe('Sendo webhook signature', () => {
  it('is hex HMAC-SHA256 of the raw body, matching a vector computed outside Node', () => {
    expect(sendoWebhookSignature('whsec_sendo', body)).toBe(VECTOR);
    expect(verifySendoWebhook(signed(VECTOR), 'whsec_sendo')).toBe(true);
    expect(verifySendoWebhook(signed(VECTOR.toUpperCase()), 'whsec_sendo')).toBe(true);
  });

  it('fails a tampered body, even one that parses to the same JSON', () => {
    const tampered = Buffer.from(body.toString().replace('"order_status":3', '"order_status":13'));
    expect(verifySendoWebhook(signed(VECTOR, tampered), 'whsec_sendo')).toBe(false);
    const reformatted = Buffer.from(JSON.stringify(JSON.parse(body.toString()), null, 1));
    expect(verifySendoWebhook(signed(VECTOR, reformatted), 'whsec_sendo')).toBe(false);
  });

  it('fails the wrong secret', () => {
    expect(verifySendoWebhook(signed(VECTOR), 'whsec_other')).toBe(false);
  });

  it('answers false, without throwing, for a missing or garbled header', () => {
    expect(verifySendoWebhook({ rawBody: body, headers: {} }, 'whsec_sendo')).toBe(false);
    for (const garbled of [
      '',
      'zz',
      VECTOR.slice(0, 62),
      `${VECTOR}00`,
      `sha256=${VECTOR}`,
      'g'.repeat(64),
    ]) {
      expect(verifySendoWebhook(signed(garbled), 'whsec_sendo')).toBe(false);
    }
  });
});
