import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Passwords are hashed with scrypt (node:crypto; npm here runs no install scripts, so no native
 * argon2). The parameters are stored with each hash, so they can be raised later and old hashes
 * still verify: `$scrypt$ln=15,r=8,p=1$<salt>$<hash>` (salt and hash base64url).
 *
 * N = 2^15, r = 8, p = 1 takes 32 MiB and some 50–100 ms per hash on one core, OWASP's scrypt
 * minimum being N = 2^17 with r = 8 at 128 MiB; the lower memory keeps a burst of sign-ins from
 * exhausting a small API instance, and the per-email limit (5 failures in 15 minutes) is what
 * stops online guessing. The hash runs on libuv's thread pool, never on the event loop.
 */
export interface ScryptParameters {
  /** log2 of the CPU/memory cost N */
  ln: number;
  r: number;
  p: number;
}

export const DEFAULT_PARAMETERS: ScryptParameters = { ln: 15, r: 8, p: 1 };

/**
 * The parameters new hashes are made with when N is 2^`ln` (PASSWORD_SCRYPT_LN: 15 in production,
 * lower in tests, where every person created or signed in would otherwise pay 32 MiB of scrypt).
 */
export function parametersWithCost(ln: number): ScryptParameters {
  return { ...DEFAULT_PARAMETERS, ln };
}
const SALT_BYTES = 16;
const HASH_BYTES = 32;
/** The most a stored hash may ask for, so a tampered row cannot make a sign-in eat the machine. */
const MAX_LN = 20;

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 200;

function derive(password: string, salt: Buffer, parameters: ScryptParameters): Promise<Buffer> {
  const N = 2 ** parameters.ln;
  const options: ScryptOptions = {
    N,
    r: parameters.r,
    p: parameters.p,
    // scrypt needs 128·N·r bytes; Node's default ceiling (32 MiB) is just below what N = 2^15 takes
    maxmem: 128 * N * parameters.r * parameters.p + 16 * 1024 * 1024,
  };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, HASH_BYTES, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

export async function hashPassword(
  password: string,
  parameters: ScryptParameters = DEFAULT_PARAMETERS,
): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(password, salt, parameters);
  return `$scrypt$ln=${parameters.ln},r=${parameters.r},p=${parameters.p}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

interface ParsedHash {
  parameters: ScryptParameters;
  salt: Buffer;
  hash: Buffer;
}

export function parseHash(stored: string): ParsedHash | undefined {
  const match = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([\w-]+)\$([\w-]+)$/.exec(stored);
  if (!match) return undefined;
  const [ln, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (ln < 1 || ln > MAX_LN || r < 1 || p < 1) return undefined;
  const hash = Buffer.from(match[5]!, 'base64url');
  if (hash.length !== HASH_BYTES) return undefined;
  return { parameters: { ln, r, p }, salt: Buffer.from(match[4]!, 'base64url'), hash };
}

/**
 * Whether `password` matches `stored`, compared in constant time. Without a stored hash (an unknown
 * email, an account whose invitation was never accepted) it still derives a hash against a fixed
 * decoy made with `current` (the parameters new hashes get) and answers false, so such a sign-in
 * costs what a wrong password does.
 */
export async function verifyPassword(
  password: string,
  stored: string | null | undefined,
  current: ScryptParameters = DEFAULT_PARAMETERS,
): Promise<boolean> {
  const parsed = stored ? parseHash(stored) : undefined;
  const against = parsed ?? (await decoy(current));
  const derived = await derive(password, against.salt, against.parameters);
  return timingSafeEqual(derived, against.hash) && parsed !== undefined;
}

/** Whether a hash was made with weaker parameters than today's (then it is redone at sign-in). */
export function needsRehash(stored: string, current: ScryptParameters = DEFAULT_PARAMETERS): boolean {
  const parsed = parseHash(stored);
  if (!parsed) return true;
  const { ln, r, p } = parsed.parameters;
  return ln < current.ln || r < current.r || p < current.p;
}

/** One decoy per set of parameters, so a refusal without a hash costs what one with a hash does. */
const decoys = new Map<string, Promise<ParsedHash>>();
function decoy(parameters: ScryptParameters): Promise<ParsedHash> {
  const key = `${parameters.ln},${parameters.r},${parameters.p}`;
  let made = decoys.get(key);
  if (!made) {
    made = hashPassword(randomBytes(24).toString('base64url'), parameters).then((text) => parseHash(text)!);
    decoys.set(key, made);
  }
  return made;
}
