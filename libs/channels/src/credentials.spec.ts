import { randomBytes } from 'node:crypto';
import { openCredentials, sealCredentials } from './credentials';

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
});
