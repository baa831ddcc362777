import { postmartWebhookSignature, verifyPostmartWebhook } from './postmart-signing';

const body = Buffer.from('{"event":"order.updated"}');
// printf '{"event":"order.updated"}' | openssl dgst -sha256 -hmac whsec_pm -binary | base64
const VECTOR = 'bgylfddcT7SyNo4RHT23MRYRf/FP04iThJsXRNY4H68=';
const signed = (signature: string | undefined, rawBody = body) => ({
  rawBody,
  headers: { 'x-postmart-hmac-sha256': signature, 'x-postmart-transaction': 'tx-1' },
});

describe('Postmart webhook signature', () => {
  it('is base64 HMAC-SHA256 of the raw body, matching a vector computed outside Node', () => {
    expect(postmartWebhookSignature('whsec_pm', body)).toBe(VECTOR);
    expect(verifyPostmartWebhook(signed(VECTOR), 'whsec_pm')).toBe(true);
  });

  it('fails a tampered body and a wrong secret', () => {
    expect(verifyPostmartWebhook(signed(VECTOR, Buffer.from('{"event":"order.created"}')), 'whsec_pm')).toBe(
      false,
    );
    expect(verifyPostmartWebhook(signed(VECTOR, Buffer.from('{"event":"order.updated"} ')), 'whsec_pm')).toBe(
      false,
    );
    expect(verifyPostmartWebhook(signed(VECTOR), 'whsec_other')).toBe(false);
  });

  it('answers false, without throwing, for a missing or garbled header', () => {
    expect(verifyPostmartWebhook({ rawBody: body, headers: {} }, 'whsec_pm')).toBe(false);
    const hex = Buffer.from(VECTOR, 'base64').toString('hex');
    for (const garbled of [
      '',
      hex,
      VECTOR.slice(0, -1),
      VECTOR.replace('=', ''),
      `${VECTOR}==`,
      '!'.repeat(44),
    ]) {
      expect(verifyPostmartWebhook(signed(garbled), 'whsec_pm')).toBe(false);
    }
  });
});
