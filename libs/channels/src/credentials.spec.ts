import { randomBytes } from 'node:crypto';
import { openCredentials, sameCredentials, sealCredentials } from './credentials';

describe('credentials at rest', () => {
  const key = randomBytes(32);
  const secret = { shop_key: 'shop-123', secret_key: 's3cr3t-Đạt' };

  it('round-trips and never contains the secret in the clear', () => {
    const sealed = sealCredentials(key, 'sendo:shop-123', secret);
    expect(sealed).not.toContain('s3cr3t');
    expect(openCredentials(key, 'sendo:shop-123', sealed)).toEqual(secret);
    expect(sealCredentials(key, 'sendo:shop-123', secret)).not.toBe(sealed);
  });

  it('refuses another key, another shop, or a tampered value', () => {
    const sealed = sealCredentials(key, 'sendo:shop-123', secret);
    expect(() => openCredentials(randomBytes(32), 'sendo:shop-123', sealed)).toThrow();
    expect(() => openCredentials(key, 'voso:shop-123', sealed)).toThrow();
    const tampered = sealed.slice(0, -4) + (sealed.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect(() => openCredentials(key, 'sendo:shop-123', tampered)).toThrow();
  });

  it('tells the credentials stored now from replaced ones, whatever the order of their fields', () => {
    const stored = { USERNAME: 'voso_a1', PASSWORD: 'p1', webhookSecret: 'w1' };
    expect(sameCredentials(stored, { webhookSecret: 'w1', PASSWORD: 'p1', USERNAME: 'voso_a1' })).toBe(true);
    expect(sameCredentials(stored, { ...stored, PASSWORD: 'p2' })).toBe(false);
    expect(sameCredentials(stored, { USERNAME: 'voso_a1', PASSWORD: 'p1' })).toBe(false);
    expect(sameCredentials({ USERNAME: 'voso_a1', PASSWORD: 'p1' }, stored)).toBe(false);
    expect(sameCredentials(stored, { USERNAME: 'voso_a1', PASSWORD: 'p1', other: 'w1' })).toBe(false);
  });
});
