import { parseVosoSignature, verifyVosoWebhook, vosoWebhookSignature } from './voso-signing';

const body = Buffer.from('{"EVENT_ID":"e1"}');
const T = 1_793_000_000;
// printf '1793000000.{"EVENT_ID":"e1"}' | openssl dgst -sha256 -hmac whsec_voso
const VECTOR = '7056c6e1c700fd1eb7603842c3b0f7ea4da621a288b6dc37f7081f851a9dbcce';
const at = (seconds: number) => new Date(seconds * 1000);
const signed = (header: string | undefined, rawBody = body) => ({
  rawBody,
  headers: { 'x-voso-signature': header },
});

describe('Voso webhook signature', () => {
  it('signs t + "." + raw body, matching a vector computed outside Node', () => {
    expect(vosoWebhookSignature('whsec_voso', T, body)).toBe(VECTOR);
    expect(verifyVosoWebhook(signed(`t=${T},v1=${VECTOR}`), 'whsec_voso', at(T))).toBe(true);
    expect(verifyVosoWebhook(signed(` t=${T} , v1=${VECTOR} `), 'whsec_voso', at(T))).toBe(true);
  });

  it('fails a tampered body, a wrong secret, and a signature moved to another timestamp', () => {
    expect(
      verifyVosoWebhook(signed(`t=${T},v1=${VECTOR}`, Buffer.from('{"EVENT_ID":"e2"}')), 'whsec_voso', at(T)),
    ).toBe(false);
    expect(verifyVosoWebhook(signed(`t=${T},v1=${VECTOR}`), 'whsec_other', at(T))).toBe(false);
    expect(verifyVosoWebhook(signed(`t=${T + 1},v1=${VECTOR}`), 'whsec_voso', at(T))).toBe(false);
  });

  it('accepts 300 s either way and rejects a stale or a future timestamp beyond that', () => {
    const header = `t=${T},v1=${VECTOR}`;
    expect(verifyVosoWebhook(signed(header), 'whsec_voso', at(T + 300))).toBe(true);
    expect(verifyVosoWebhook(signed(header), 'whsec_voso', at(T - 300))).toBe(true);
    expect(verifyVosoWebhook(signed(header), 'whsec_voso', at(T + 301))).toBe(false);
    expect(verifyVosoWebhook(signed(header), 'whsec_voso', at(T - 301))).toBe(false);
    expect(verifyVosoWebhook(signed(header), 'whsec_voso', new Date(T * 1000 + 300_001))).toBe(false);
  });

  it('accepts any of several v1 signatures', () => {
    const other = 'a'.repeat(64);
    expect(verifyVosoWebhook(signed(`t=${T},v1=${other},v1=${VECTOR}`), 'whsec_voso', at(T))).toBe(true);
    expect(verifyVosoWebhook(signed(`t=${T},v1=${other}`), 'whsec_voso', at(T))).toBe(false);
  });

  it('answers false, without throwing, for a missing or garbled header', () => {
    expect(verifyVosoWebhook({ rawBody: body, headers: {} }, 'whsec_voso', at(T))).toBe(false);
    for (const garbled of [
      '',
      VECTOR,
      `v1=${VECTOR}`,
      `t=${T}`,
      `t=abc,v1=${VECTOR}`,
      `t=${T},v1=${VECTOR.slice(1)}`,
      `t=${T},v1=${VECTOR}=`,
      `t=${T};v1=${VECTOR}`,
    ]) {
      expect(verifyVosoWebhook(signed(garbled), 'whsec_voso', at(T))).toBe(false);
    }
  });

  it('parses the header parts', () => {
    expect(parseVosoSignature(`t=${T},v1=${VECTOR}`)).toEqual({ timestamp: T, signatures: [VECTOR] });
    expect(parseVosoSignature('t=1,v0=abc')).toBeNull();
  });
});
