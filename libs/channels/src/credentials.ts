import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Marketplace credentials at rest: AES-256-GCM under CREDENTIALS_KEY, with the shop's identity
 * as associated data, so a sealed value copied onto another connection does not open.
 */
const VERSION = 'v1';

export function sealCredentials(
  key: Buffer,
  shopIdentity: string,
  credentials: Record<string, string>,
): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(shopIdentity, 'utf8'));
  const sealed = Buffer.concat([cipher.update(JSON.stringify(credentials), 'utf8'), cipher.final()]);
  return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64')}`;
}

export function openCredentials(key: Buffer, shopIdentity: string, sealed: string): Record<string, string> {
  const [version, payload] = sealed.split(':');
  if (version !== VERSION || !payload) throw new Error('unknown credentials format');
  const raw = Buffer.from(payload, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(shopIdentity, 'utf8'));
  decipher.setAuthTag(raw.subarray(12, 28));
  const plain = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  return JSON.parse(plain) as Record<string, string>;
}

/**
 * Whether a refusal is about the credentials stored now: a call refused with credentials that
 * were replaced meanwhile (a poll or push that read them before a PATCH) says nothing about the
 * new ones, which the PATCH has just proven with the marketplace.
 */
export function sameCredentials(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}
