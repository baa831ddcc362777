import { randomBytes } from 'node:crypto';

/** Lifetimes of the Shopee-style authorization (MARKETPLACES-GLOBAL.md, "tokens"). */
export interface ShopeeAuthSettings {
  authCodeTtlSeconds: number;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  /** How long the access token a refresh replaces keeps working. */
  refreshGraceSeconds: number;
}

interface AccessGrant {
  shopId: string;
  expiresAt: number;
}

interface RefreshGrant {
  shopId: string;
  expiresAt: number;
  /** The access token issued with it, cut short when this refresh token is used. */
  accessToken: string;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  /** Seconds the access token lives. */
  expireIn: number;
}

const SWEEP_EVERY_MS = 60_000;

function token(): string {
  return randomBytes(16).toString('hex');
}

/**
 * One-time authorization codes, access tokens and single-use refresh tokens of one Shopee-style
 * marketplace. Times are the virtual clock's milliseconds; expired entries are swept lazily.
 */
export class ShopeeAuthority {
  private readonly codes = new Map<string, { shopId: string; expiresAt: number }>();
  private readonly access = new Map<string, AccessGrant>();
  private readonly refresh = new Map<string, RefreshGrant>();
  private lastSweep = 0;

  constructor(private readonly settings: ShopeeAuthSettings) {}

  issueCode(shopId: string, now: number): string {
    const code = token();
    this.codes.set(code, { shopId, expiresAt: now + this.settings.authCodeTtlSeconds * 1000 });
    return code;
  }

  /** Spends a code of this shop on a token pair; null when it is unknown, used, expired or another shop's. */
  exchangeCode(code: string, shopId: string, now: number, accessTtlSeconds?: number): TokenPair | null {
    const grant = this.codes.get(code);
    if (!grant || grant.shopId !== shopId || grant.expiresAt <= now) return null;
    this.codes.delete(code);
    return this.issuePair(shopId, now, accessTtlSeconds);
  }

  /**
   * Spends a refresh token on a new pair; the access token issued with it keeps working for the
   * grace period at most. Null when the token is unknown, already used, expired or another shop's.
   */
  refreshPair(
    refreshToken: string,
    shopId: string,
    now: number,
    accessTtlSeconds?: number,
  ): TokenPair | null {
    const grant = this.refresh.get(refreshToken);
    if (!grant || grant.shopId !== shopId || grant.expiresAt <= now) return null;
    this.refresh.delete(refreshToken);
    const previous = this.access.get(grant.accessToken);
    if (previous) {
      previous.expiresAt = Math.min(previous.expiresAt, now + this.settings.refreshGraceSeconds * 1000);
    }
    return this.issuePair(shopId, now, accessTtlSeconds);
  }

  /** Whether the access token is live and belongs to the shop. */
  accessValid(accessToken: string, shopId: string, now: number): boolean {
    const grant = this.access.get(accessToken);
    return grant !== undefined && grant.shopId === shopId && grant.expiresAt > now;
  }

  clear(): void {
    this.codes.clear();
    this.access.clear();
    this.refresh.clear();
  }

  private issuePair(shopId: string, now: number, accessTtlSeconds?: number): TokenPair {
    this.sweep(now);
    const expireIn = accessTtlSeconds ?? this.settings.accessTokenTtlSeconds;
    const accessToken = token();
    const refreshToken = token();
    this.access.set(accessToken, { shopId, expiresAt: now + expireIn * 1000 });
    this.refresh.set(refreshToken, {
      shopId,
      expiresAt: now + this.settings.refreshTokenTtlSeconds * 1000,
      accessToken,
    });
    return { accessToken, refreshToken, expireIn };
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    for (const map of [this.codes, this.access, this.refresh] as Map<string, { expiresAt: number }>[]) {
      for (const [key, grant] of map) if (grant.expiresAt <= now) map.delete(key);
    }
  }
}
