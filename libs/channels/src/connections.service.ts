import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { recordedActor, type Actor } from '@ocop/auth';
import { CooperativesService } from '@ocop/catalogue';
import {
  Conflict,
  Clock,
  ConnectorConfig,
  NotFound,
  Page,
  RuleViolation,
  Scope,
  ServiceUnavailable,
  ValidationFailed,
} from '@ocop/common';
import { EventBus, Transactions } from '@ocop/database';
import {
  connectionOrigin,
  MarketplaceError,
  ORIGIN_NOT_ALLOWED,
  type AccessGrant,
  type CredentialsCheck,
  type Marketplace,
  type ShopAccess,
} from '@ocop/marketplaces';
import { MARKETPLACE_ADAPTERS, type MarketplaceAdapters } from './adapters';
import { openCredentials, sameCredentials, sealCredentials } from './credentials';
import { ShopGrants } from './shop-grants';
import {
  ConnectionListQuery,
  CreateConnectionBody,
  TransferConnectionBody,
  UpdateConnectionBody,
} from './dto';
import { Connection } from './entities';
import { connectionProblems } from './connection-rules';
import { ConnectionChanges, ConnectionStore, updatedBy } from './connections.repository';
import { ConnectionAuthFailed, ConnectionTransferred } from './events';
import { ListingStore } from './listings.repository';
import { ListingVersions } from './listing-versions';

/** Where the marketplace must send the shop's webhooks: this API's route for its marketplace. */
export const webhookUrl = (publicBaseUrl: string, marketplace: Marketplace) =>
  `${publicBaseUrl}/v1/webhooks/${marketplace}`;

export function connectionView(c: Connection, publicBaseUrl: string) {
  return {
    id: c.id,
    cooperativeId: c.cooperativeId,
    marketplace: c.marketplace,
    shopId: c.shopId,
    baseUrl: c.baseUrl,
    webhookUrl: webhookUrl(publicBaseUrl, c.marketplace),
    status: c.status,
    statusReason: c.statusReason,
    stockBufferPercent: c.stockBufferPercent,
    autoConfirmOrders: c.autoConfirmOrders,
    lastOrderSyncAt: c.lastOrderSyncAt?.toISOString() ?? null,
    createdBy: recordedActor(c.createdByKind, c.createdById, c.createdByName),
    updatedBy: recordedActor(c.updatedByKind, c.updatedById, c.updatedByName),
    createdAt: c.createdAt.toISOString(),
  };
}
export type ConnectionView = ReturnType<typeof connectionView>;
export type ConnectionCheckView = ConnectionView & {
  check: { accepted: boolean; message: string | null; checkedAt: string };
};

const shopIdentity = (marketplace: Marketplace, shopId: string) => `${marketplace}:${shopId}`;

export const WEBHOOK_TARGET_TTL_MS = 10_000;

export interface WebhookTarget {
  connectionId: string;
  cooperativeId: string;
  marketplace: Marketplace;
  /** null when the seller gave no webhookSecret: every webhook for the shop is refused */
  webhookSecret: string | null;
  /** the shop's credentials, for the styles whose signatures also cover one (an app key) */
  credentials: Readonly<Record<string, string>>;
}

@Injectable()
export class ConnectionsService {
  private readonly key: Buffer;
  private readonly webhookTargets = new Map<string, { target: WebhookTarget | undefined; until: number }>();

  constructor(
    private readonly connections: ConnectionStore,
    private readonly listings: ListingStore,
    @Inject(MARKETPLACE_ADAPTERS) private readonly adapters: MarketplaceAdapters,
    private readonly cooperatives: CooperativesService,
    private readonly transactions: Transactions,
    private readonly versions: ListingVersions,
    private readonly events: EventBus,
    private readonly config: ConnectorConfig,
    private readonly clock: Clock,
    private readonly grants: ShopGrants,
  ) {
    this.key = Buffer.from(config.env.CREDENTIALS_KEY, 'base64');
  }

  /** `actor`: who connects the shop, recorded as its creator and first changer. */
  async create(
    scope: Scope,
    cooperativeId: string,
    body: CreateConnectionBody,
    actor: Actor | null,
  ): Promise<ConnectionView> {
    await this.cooperatives.find(scope, cooperativeId);
    const origins = this.config.marketplaceOrigins;
    const problems = connectionProblems(origins, body.marketplace, body, true);
    if (problems.length > 0) throw new ValidationFailed(problems);
    const baseUrl = connectionOrigin(origins, body.marketplace, body.baseUrl).origin as string;
    const proven = await this.verify({
      connectionId: `unsaved:${body.marketplace}:${body.shopId}`,
      marketplace: body.marketplace,
      shopId: body.shopId,
      baseUrl,
      credentials: body.credentials,
    });
    if (proven.shopId !== null && proven.shopId !== body.shopId) {
      throw new RuleViolation(
        `The ${body.marketplace} marketplace says these credentials are for shop "${proven.shopId}", not "${body.shopId}"`,
        [{ field: 'shopId', message: `these credentials are for shop "${proven.shopId}"` }],
      );
    }
    const saved = await this.transactions.run(async (manager) => {
      const inserted = await this.connections.insertUnlessConnected(manager, {
        cooperativeId,
        marketplace: body.marketplace,
        shopId: body.shopId,
        baseUrl,
        credentialsSealed: sealCredentials(
          this.key,
          shopIdentity(body.marketplace, body.shopId),
          body.credentials,
        ),
        status: 'active',
        statusReason: null,
        stockBufferPercent: body.stockBufferPercent ?? 0,
        autoConfirmOrders: body.autoConfirmOrders ?? false,
        createdByKind: actor?.kind ?? null,
        createdById: actor?.id ?? null,
        createdByName: actor?.name ?? null,
        ...updatedBy(actor),
      });
      // the tokens an app-based shop granted for the code in these credentials, with the connection
      if (inserted && proven.grant) await this.grants.save(inserted.id, proven.grant, manager);
      return inserted;
    });
    if (!saved) throw await this.alreadyConnected(cooperativeId, body.marketplace, body.shopId);
    return this.get(scope, saved.id);
  }

  /**
   * One connection per shop: a second claim is refused. Whoever holds it is not named; the owner of
   * a shop another cooperative claimed gets it back through an administrator (`transfer`).
   */
  private async alreadyConnected(cooperativeId: string, marketplace: Marketplace, shopId: string) {
    const holder = await this.connections.holderOf(marketplace, shopId);
    if (holder?.cooperativeId === cooperativeId) {
      return new Conflict(`This ${marketplace} shop is already connected to this cooperative`, [
        { connectionId: holder.id },
      ]);
    }
    return new Conflict(`This shop is connected by another cooperative; ask an administrator to transfer it`);
  }

  async get(scope: Scope, id: string): Promise<ConnectionView> {
    return connectionView(await this.find(scope, id), this.config.publicBaseUrl);
  }

  async find(scope: Scope, id: string): Promise<Connection> {
    const found = await this.connections.byId(id, scope.cooperativeId);
    if (!found) throw new NotFound('No such connection');
    return found;
  }

  async list(scope: Scope, cooperativeId: string, query: ConnectionListQuery): Promise<Page<ConnectionView>> {
    await this.cooperatives.find(scope, cooperativeId);
    const { rows, nextCursor } = await this.connections.pageOfCooperative(
      cooperativeId,
      { marketplace: query.marketplace, status: query.status },
      query,
    );
    return { items: rows.map((row) => connectionView(row, this.config.publicBaseUrl)), nextCursor };
  }

  async update(
    scope: Scope,
    id: string,
    body: UpdateConnectionBody,
    actor: Actor | null,
  ): Promise<ConnectionView> {
    const current = await this.find(scope, id);
    const changes: ConnectionChanges = {};
    let grant: AccessGrant | undefined;
    if (body.credentials) {
      const problems = connectionProblems(
        this.config.marketplaceOrigins,
        current.marketplace,
        { credentials: body.credentials },
        false,
      );
      if (problems.length > 0) throw new ValidationFailed(problems);
      if (!this.originAllowed(current)) {
        throw new RuleViolation(
          `This connection's marketplace address ${current.baseUrl} is not one of the ${current.marketplace} origins ` +
            'this connector may call (MARKETPLACE_ORIGINS); ask an administrator',
        );
      }
      const proven = await this.verify({ ...(await this.access(id)), credentials: body.credentials });
      if (proven.shopId !== null && proven.shopId !== current.shopId) {
        throw new RuleViolation(
          `The ${current.marketplace} marketplace says these credentials are for shop "${proven.shopId}", not "${current.shopId}"`,
          [{ field: 'credentials', message: `these credentials are for shop "${proven.shopId}"` }],
        );
      }
      changes.credentialsSealed = sealCredentials(
        this.key,
        shopIdentity(current.marketplace, current.shopId),
        body.credentials,
      );
      grant = proven.grant;
    }
    if (body.status) {
      changes.status = body.status;
      changes.statusReason = null;
    }
    if (body.stockBufferPercent !== undefined) changes.stockBufferPercent = body.stockBufferPercent;
    if (body.autoConfirmOrders !== undefined) changes.autoConfirmOrders = body.autoConfirmOrders;
    // whoever changes something is its last changer; an empty PATCH changes nothing
    if (Object.keys(changes).length > 0) Object.assign(changes, updatedBy(actor));
    await this.transactions.run(async (manager) => {
      await this.connections.change(manager, id, changes);
      // new credentials of an app-based shop carried a new authorization code: its grant replaces the old
      if (grant) await this.grants.save(id, grant, manager);
      if (body.stockBufferPercent !== undefined && body.stockBufferPercent !== current.stockBufferPercent) {
        await this.versions.bumpConnection(manager, id, 'stock');
      }
      // Working credentials lift an auth failure; a pause stays a pause. Decided on the status under
      // this write's row lock, not the one read before the marketplace was asked: a refusal of the
      // old credentials (a poll that read them earlier) may have committed meanwhile.
      const lifted =
        body.credentials !== undefined &&
        !body.status &&
        (await this.connections.liftAuthFailure(manager, id, actor));
      if (changes.status === 'active' || lifted) await this.versions.wake(manager, id);
    });
    return this.get(scope, id);
  }

  /**
   * An administrator hands the shop to another cooperative (its real owner, when another claimed
   * it first). The connection keeps its id and the shop's webhook route, but is not used again
   * until the new owner gives the shop's credentials and webhook secret (PATCH): the ones sealed
   * now are the old holder's. A connection whose listings are still on the marketplace is not
   * moved: those are the old holder's products, to be delisted first.
   */
  async transfer(id: string, body: TransferConnectionBody, actor: Actor | null): Promise<ConnectionView> {
    const target = await this.cooperatives.find({}, body.cooperativeId);
    const moved = await this.transactions.run(async (manager) => {
      const connection = await this.connections.lockHolding(manager, id);
      if (!connection) throw new NotFound('No such connection');
      if (connection.cooperativeId === target.id) return undefined;
      const live = await this.listings.countLive(manager, id);
      if (live > 0) {
        throw new Conflict(
          `The connection still has ${live} listing(s) of its cooperative's products on the marketplace; ` +
            'delist them (DELETE /v1/listings/:id) before transferring the shop',
        );
      }
      await this.connections.change(manager, id, {
        cooperativeId: target.id,
        status: 'auth_failed',
        statusReason:
          'Transferred to this cooperative by an administrator: send the shop’s credentials with its ' +
          'webhookSecret (PATCH /v1/connections/:id) to use it',
        ...updatedBy(actor),
      });
      await this.events.publish(manager, new ConnectionTransferred(id));
      return connection;
    });
    if (moved) this.webhookTargets.delete(shopIdentity(moved.marketplace, moved.shopId));
    return this.get({}, id);
  }

  /**
   * Decrypted access for the sync engine; never returned by the API or logged. A connection whose
   * stored baseUrl is not one of its marketplace's origins (stored before origins were
   * configuration, or an origin since removed) is not handed out: it is marked, and a permanent
   * MarketplaceError (`origin_not_allowed`) thrown instead, so nothing is sent there.
   */
  async access(connectionId: string): Promise<ShopAccess> {
    return (await this.withShop(connectionId)).shop();
  }

  /**
   * The connection and the means to call its shop, from one read: a sync run and an import batch
   * need both, and reading them apart was two of the worker's round trips each. The origin is
   * checked (and a connection no longer allowed marked) only when `shop()` is asked: a caller that
   * finds the connection paused leaves it alone.
   */
  async withShop(connectionId: string): Promise<{ connection: Connection; shop: () => Promise<ShopAccess> }> {
    const row = await this.connections.withCredentials(connectionId);
    if (!row) throw new NotFound('No such connection');
    return { connection: row, shop: () => this.shopOf(row) };
  }

  private async shopOf(row: Connection): Promise<ShopAccess> {
    if (!this.originAllowed(row)) throw await this.refuseOrigin(row);
    return {
      connectionId: row.id,
      marketplace: row.marketplace,
      shopId: row.shopId,
      baseUrl: row.baseUrl,
      credentials: openCredentials(
        this.key,
        shopIdentity(row.marketplace, row.shopId),
        row.credentialsSealed,
      ),
      grant: this.grants.keeperFor(row.id),
    };
  }

  /**
   * The connection a webhook's shop names, with the secret its marketplace signs with. Webhooks
   * are the hot path, so answers are kept a few seconds: a rotated secret takes effect within
   * WEBHOOK_TARGET_TTL_MS (the marketplace retries what was refused meanwhile).
   */
  async webhookTarget(marketplace: Marketplace, shopId: string): Promise<WebhookTarget | undefined> {
    const key = shopIdentity(marketplace, shopId);
    const cached = this.webhookTargets.get(key);
    if (cached && cached.until > Date.now()) return cached.target;
    const row = await this.connections.withCredentialsOfShop(marketplace, shopId);
    const credentials = row ? openCredentials(this.key, key, row.credentialsSealed) : undefined;
    const target =
      row && credentials
        ? {
            connectionId: row.id,
            cooperativeId: row.cooperativeId,
            marketplace: row.marketplace,
            webhookSecret: credentials.webhookSecret ?? null,
            credentials,
          }
        : undefined;
    if (this.webhookTargets.size > 10_000) this.webhookTargets.clear();
    this.webhookTargets.set(key, { target, until: Date.now() + WEBHOOK_TARGET_TTL_MS });
    return target;
  }

  /** Connections whose orders are polled: every one not refused by its marketplace. */
  async pollableConnectionIds(): Promise<string[]> {
    return this.connections.idsInStatus(['active', 'paused']);
  }

  /** The marketplace of each connection, so other contexts can group their rows by marketplace. */
  async marketplacesOf(connectionIds: string[]): Promise<Map<string, Marketplace>> {
    if (connectionIds.length === 0) return new Map();
    return this.connections.marketplacesOf(connectionIds);
  }

  /** Orders of the connection were read from its marketplace up to now (API.md `lastOrderSyncAt`). */
  async recordOrderSync(connectionId: string, at: Date): Promise<void> {
    await this.connections.recordOrderSync(connectionId, at);
  }

  /**
   * Asks the marketplace now whether the stored credentials still work, as connecting did: a
   * seller who fixed the password on the marketplace's side, or an operator who allowed the origin
   * again, lifts an `auth_failed` this way without sending the credentials again, and a refusal
   * turns an active connection `auth_failed` before the next push finds out. A paused connection
   * stays paused either way (the answer says what the marketplace said). A marketplace that
   * cannot answer now is a 503 and changes nothing.
   */
  async check(scope: Scope, id: string, actor: Actor | null): Promise<ConnectionCheckView> {
    const current = await this.find(scope, id);
    const checkedAt = new Date().toISOString();
    let shop: ShopAccess;
    try {
      shop = await this.access(id);
    } catch (error) {
      // access() has already marked a connection whose address is no longer allowed
      if (error instanceof MarketplaceError) return this.checked(scope, id, false, error.message, checkedAt);
      throw error;
    }
    let refusal: string | null = null;
    try {
      const proven = await this.adapters[current.marketplace].verifyCredentials(shop);
      if (proven.shopId !== null && proven.shopId !== current.shopId) {
        refusal = `the credentials are for shop "${proven.shopId}", not "${current.shopId}"`;
      }
    } catch (error) {
      if (!(error instanceof MarketplaceError)) throw error;
      if (error.kind !== 'auth') {
        throw new ServiceUnavailable(
          `The ${current.marketplace} marketplace could not check the credentials now (${error.message}); try again`,
        );
      }
      refusal = error.message;
    }
    if (refusal !== null) {
      // a check that changes the status is the checker's change
      await this.markAuthFailed(shop, refusal, actor ?? undefined);
      return this.checked(scope, id, false, refusal, checkedAt);
    }
    if (current.status === 'auth_failed') {
      await this.transactions.run(async (manager) => {
        if (await this.connections.liftAuthFailure(manager, id, actor)) await this.versions.wake(manager, id);
      });
    }
    return this.checked(scope, id, true, null, checkedAt);
  }

  private async checked(
    scope: Scope,
    id: string,
    accepted: boolean,
    message: string | null,
    checkedAt: string,
  ): Promise<ConnectionCheckView> {
    return { ...(await this.get(scope, id)), check: { accepted, message, checkedAt } };
  }

  /**
   * The marketplace refused the credentials `refused` carried: stop pushing and say so in the API.
   * Only if they are still the stored ones: a job reads them when it starts, so its refusal may
   * arrive after a PATCH replaced them with credentials the marketplace has just accepted, and
   * must not pause the connection then (the next call uses the new ones and finds out for itself).
   * `checkedBy`: the person whose check found it out, then its last changer; the sync engine's own
   * finding leaves the last changer as it was.
   */
  async markAuthFailed(refused: ShopAccess, reason: string, checkedBy?: Actor): Promise<void> {
    await this.transactions.run(async (manager) => {
      const row = await this.connections.lockedWithCredentials(manager, refused.connectionId);
      if (!row) return;
      const stored = openCredentials(
        this.key,
        shopIdentity(row.marketplace, row.shopId),
        row.credentialsSealed,
      );
      if (!sameCredentials(stored, refused.credentials)) return;
      const failed = await this.connections.markAuthFailed(
        manager,
        refused.connectionId,
        `The marketplace refused the credentials: ${reason}`,
        checkedBy,
      );
      if (failed) await this.announceAuthFailure(manager, failed);
    });
  }

  /** An episode of auth_failed begins: whoever must know is told in the same transaction. */
  private async announceAuthFailure(manager: EntityManager, connection: Connection): Promise<void> {
    await this.events.publish(
      manager,
      new ConnectionAuthFailed(
        connection.id,
        connection.cooperativeId,
        connection.marketplace,
        connection.shopId,
        connection.statusReason ?? '',
        this.clock.now(),
      ),
    );
  }

  private originAllowed(connection: Pick<Connection, 'marketplace' | 'baseUrl'>): boolean {
    const { origin } = connectionOrigin(
      this.config.marketplaceOrigins,
      connection.marketplace,
      connection.baseUrl,
    );
    return origin !== undefined && origin === connection.baseUrl.replace(/\/+$/, '');
  }

  private async refuseOrigin(connection: Connection): Promise<MarketplaceError> {
    const reason =
      `Not called: ${connection.baseUrl} is not one of the ${connection.marketplace} origins this connector may ` +
      'call (MARKETPLACE_ORIGINS); once an administrator allows it, set the connection active again';
    await this.transactions.run(async (manager) => {
      const refused = await this.connections.markOriginRefused(manager, connection.id, reason);
      if (refused) await this.announceAuthFailure(manager, refused);
    });
    return new MarketplaceError('permanent', reason, {
      code: ORIGIN_NOT_ALLOWED,
      marketplace: connection.marketplace,
    });
  }

  private async verify(shop: ShopAccess): Promise<CredentialsCheck> {
    try {
      return await this.adapters[shop.marketplace].verifyCredentials(shop);
    } catch (error) {
      if (error instanceof MarketplaceError && error.kind === 'auth') {
        throw new RuleViolation(
          `The ${shop.marketplace} marketplace refused these credentials: ${error.message}`,
          // a form shows the refusal beside the credentials it names
          [{ field: 'credentials', message: error.message }],
        );
      }
      if (error instanceof MarketplaceError) {
        throw new ServiceUnavailable(
          `The ${shop.marketplace} marketplace could not check the credentials now (${error.message}); try again`,
        );
      }
      throw error;
    }
  }
}
