import { Injectable } from '@nestjs/common';
import { ConnectorConfig } from '@ocop/common';
import { Transactions } from '@ocop/database';
import { type AccessGrant, type GrantKeeper, MarketplaceError } from '@ocop/marketplaces';
import type { EntityManager } from 'typeorm';
import { openCredentials, sealCredentials } from './credentials';
import { ShopGrantStore, type StoredGrant } from './shop-grants.repository';

/** Sealed with the connection's id as associated data: a grant copied onto another row does not open. */
const grantIdentity = (connectionId: string) => `grant:${connectionId}`;

/**
 * How long a process uses a grant it read without reading it again. Every call to an app-based
 * shop asked PostgreSQL for its grant (and opened its seal): 3,600 of the 53,000 statements of the
 * demo's history. A grant renewed by another process meanwhile is no harm: the marketplace refuses
 * the old token, and callWithGrant's refresh finds the row renewed and takes it without calling.
 */
const GRANT_KEPT_MS = 60_000;

/**
 * The grants of app-based shops (ADR 24), kept sealed in PostgreSQL and handed to adapters as a
 * GrantKeeper. A refresh locks the grant's row for the length of the exchange: a second worker
 * that found the same access token stale waits on the lock, then finds the grant renewed and
 * takes it without spending the refresh token again, which Shopee would refuse (single-use).
 * An exchange the marketplace answered but whose new grant failed to commit leaves the old refresh
 * token spent: the next refresh is refused and the shop must authorize the app again (auth).
 */
@Injectable()
export class ShopGrants {
  private readonly key: Buffer;
  private readonly kept = new Map<string, { grant: AccessGrant; until: number }>();
  /** When grants past their time were last dropped from `kept`. */
  private sweptAt = 0;

  constructor(
    private readonly grants: ShopGrantStore,
    private readonly transactions: Transactions,
    config: ConnectorConfig,
  ) {
    this.key = Buffer.from(config.env.CREDENTIALS_KEY, 'base64');
  }

  /** Stores the grant a connection was given (at connect time, or a new authorization). */
  async save(connectionId: string, grant: AccessGrant, manager?: EntityManager): Promise<void> {
    // forgotten, not replaced: the caller's transaction may yet roll back
    this.kept.delete(connectionId);
    await this.transactions.run(
      (m) => this.grants.put(m, connectionId, this.seal(connectionId, grant)),
      manager,
    );
  }

  keeperFor(connectionId: string): GrantKeeper {
    const missing = () =>
      new MarketplaceError(
        'auth',
        `connection ${connectionId} has no stored grant: authorize the app again`,
        {
          code: 'grant_missing',
        },
      );
    return {
      current: async () => {
        const kept = this.kept.get(connectionId);
        if (kept && kept.until > Date.now()) return kept.grant;
        const row = await this.grants.find(connectionId);
        if (!row) throw missing();
        return this.keep(connectionId, this.open(connectionId, row));
      },
      refresh: async (stale, exchange) => {
        this.kept.delete(connectionId);
        const grant = await this.transactions.run(async (manager) => {
          const row = await this.grants.lockedFind(manager, connectionId);
          if (!row) throw missing();
          const held = this.open(connectionId, row);
          if (held.accessToken !== stale) return held;
          const renewed = await exchange(held.refreshToken);
          await this.grants.put(manager, connectionId, this.seal(connectionId, renewed));
          return renewed;
        });
        return this.keep(connectionId, grant);
      },
    };
  }

  private keep(connectionId: string, grant: AccessGrant): AccessGrant {
    const now = Date.now();
    // grants past their time are dropped once a while: the map holds the shops called lately, not
    // every shop ever called, and no opened token stays in memory for a shop long disconnected
    if (now - this.sweptAt >= GRANT_KEPT_MS) {
      for (const [id, kept] of this.kept) if (kept.until <= now) this.kept.delete(id);
      this.sweptAt = now;
    }
    this.kept.set(connectionId, { grant, until: now + GRANT_KEPT_MS });
    return grant;
  }

  /** How many grants this process holds opened now (for tests: the cache stays bounded). */
  get keptCount(): number {
    return this.kept.size;
  }

  private seal(connectionId: string, grant: AccessGrant): StoredGrant {
    return {
      sealed: sealCredentials(this.key, grantIdentity(connectionId), {
        accessToken: grant.accessToken,
        refreshToken: grant.refreshToken,
      }),
      accessExpiresAt: grant.accessExpiresAt,
      refreshExpiresAt: grant.refreshExpiresAt,
    };
  }

  private open(connectionId: string, row: StoredGrant): AccessGrant {
    const tokens = openCredentials(this.key, grantIdentity(connectionId), row.sealed);
    return {
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      accessExpiresAt: row.accessExpiresAt,
      refreshExpiresAt: row.refreshExpiresAt,
    };
  }
}
