import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, QueryFailedError, Repository } from 'typeorm';
import { CooperativesService } from '@ocop/catalogue';
import {
  Conflict,
  ConnectorConfig,
  NotFound,
  Page,
  RuleViolation,
  Scope,
  ServiceUnavailable,
  ValidationFailed,
} from '@ocop/common';
import { byCreation, EventBus, fetchPage, Transactions } from '@ocop/database';
import {
  connectionOrigin,
  MarketplaceError,
  ORIGIN_NOT_ALLOWED,
  type CredentialsCheck,
  type Marketplace,
  type ShopAccess,
} from '@ocop/marketplaces';
import { MARKETPLACE_ADAPTERS, type MarketplaceAdapters } from './adapters';
import { openCredentials, sealCredentials } from './credentials';
import {
  ConnectionListQuery,
  CreateConnectionBody,
  TransferConnectionBody,
  UpdateConnectionBody,
} from './dto';
import { Connection } from './entities';
import { connectionProblems } from './connection-rules';
import { ConnectionTransferred } from './events';
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
    createdAt: c.createdAt.toISOString(),
  };
}
export type ConnectionView = ReturnType<typeof connectionView>;

const shopIdentity = (marketplace: Marketplace, shopId: string) => `${marketplace}:${shopId}`;

export const WEBHOOK_TARGET_TTL_MS = 10_000;

export interface WebhookTarget {
  connectionId: string;
  cooperativeId: string;
  marketplace: Marketplace;
  /** null when the seller gave no webhookSecret: every webhook for the shop is refused */
  webhookSecret: string | null;
}

@Injectable()
export class ConnectionsService {
  private readonly key: Buffer;
  private readonly webhookTargets = new Map<string, { target: WebhookTarget | undefined; until: number }>();

  constructor(
    @InjectRepository(Connection) private readonly connections: Repository<Connection>,
    @Inject(MARKETPLACE_ADAPTERS) private readonly adapters: MarketplaceAdapters,
    private readonly cooperatives: CooperativesService,
    private readonly transactions: Transactions,
    private readonly versions: ListingVersions,
    private readonly events: EventBus,
    private readonly config: ConnectorConfig,
  ) {
    this.key = Buffer.from(config.env.CREDENTIALS_KEY, 'base64');
  }

  async create(scope: Scope, cooperativeId: string, body: CreateConnectionBody): Promise<ConnectionView> {
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
      );
    }
    try {
      const saved = await this.connections.save(
        this.connections.create({
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
        }),
      );
      return this.get(scope, saved.id);
    } catch (error) {
      if (error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505') {
        throw await this.alreadyConnected(cooperativeId, body.marketplace, body.shopId);
      }
      throw error;
    }
  }

  /**
   * One connection per shop: a second claim is refused. Whoever holds it is not named; the owner of
   * a shop another cooperative claimed gets it back through an administrator (`transfer`).
   */
  private async alreadyConnected(cooperativeId: string, marketplace: Marketplace, shopId: string) {
    const holder = await this.connections.findOne({ where: { marketplace, shopId } });
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
    const found = await this.connections.findOne({
      where: scope.cooperativeId ? { id, cooperativeId: scope.cooperativeId } : { id },
    });
    if (!found) throw new NotFound('No such connection');
    return found;
  }

  async list(scope: Scope, cooperativeId: string, query: ConnectionListQuery): Promise<Page<ConnectionView>> {
    await this.cooperatives.find(scope, cooperativeId);
    const qb = this.connections
      .createQueryBuilder('c')
      .where('c.cooperative_id = :cooperativeId', { cooperativeId });
    if (query.marketplace) qb.andWhere('c.marketplace = :marketplace', { marketplace: query.marketplace });
    if (query.status) qb.andWhere('c.status = :status', { status: query.status });
    const { rows, nextCursor } = await fetchPage(qb, query, byCreation);
    return { items: rows.map((row) => connectionView(row, this.config.publicBaseUrl)), nextCursor };
  }

  async update(scope: Scope, id: string, body: UpdateConnectionBody): Promise<ConnectionView> {
    const current = await this.find(scope, id);
    const changes: Partial<Connection> = {};
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
        );
      }
      changes.credentialsSealed = sealCredentials(
        this.key,
        shopIdentity(current.marketplace, current.shopId),
        body.credentials,
      );
      // Working credentials lift an auth failure; a pause stays a pause.
      if (current.status === 'auth_failed' && !body.status) {
        changes.status = 'active';
        changes.statusReason = null;
      }
    }
    if (body.status) {
      changes.status = body.status;
      changes.statusReason = null;
    }
    if (body.stockBufferPercent !== undefined) changes.stockBufferPercent = body.stockBufferPercent;
    if (body.autoConfirmOrders !== undefined) changes.autoConfirmOrders = body.autoConfirmOrders;
    await this.transactions.run(async (manager) => {
      if (Object.keys(changes).length > 0) await manager.update(Connection, { id }, changes);
      if (body.stockBufferPercent !== undefined && body.stockBufferPercent !== current.stockBufferPercent) {
        await this.versions.bumpConnection(manager, id, 'stock');
      }
      if (changes.status === 'active') await this.versions.wake(manager, id);
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
  async transfer(id: string, body: TransferConnectionBody): Promise<ConnectionView> {
    const target = await this.cooperatives.find({}, body.cooperativeId);
    const moved = await this.transactions.run(async (manager) => {
      const [connection]: { cooperative_id: string; marketplace: Marketplace; shop_id: string }[] =
        await manager.query(
          `SELECT cooperative_id, marketplace, shop_id FROM connections WHERE id = $1 FOR UPDATE`,
          [id],
        );
      if (!connection) throw new NotFound('No such connection');
      if (connection.cooperative_id === target.id) return undefined;
      const [{ live }]: { live: number }[] = await manager.query(
        `SELECT count(*)::int AS live FROM listings WHERE connection_id = $1 AND status <> 'delisted'`,
        [id],
      );
      if (live > 0) {
        throw new Conflict(
          `The connection still has ${live} listing(s) of its cooperative's products on the marketplace; ` +
            'delist them (DELETE /v1/listings/:id) before transferring the shop',
        );
      }
      await manager.update(
        Connection,
        { id },
        {
          cooperativeId: target.id,
          status: 'auth_failed',
          statusReason:
            'Transferred to this cooperative by an administrator: send the shop’s credentials with its ' +
            'webhookSecret (PATCH /v1/connections/:id) to use it',
        },
      );
      await this.events.publish(manager, new ConnectionTransferred(id));
      return connection;
    });
    if (moved) this.webhookTargets.delete(shopIdentity(moved.marketplace, moved.shop_id));
    return this.get({}, id);
  }

  /**
   * Decrypted access for the sync engine; never returned by the API or logged. A connection whose
   * stored baseUrl is not one of its marketplace's origins (stored before origins were
   * configuration, or an origin since removed) is not handed out: it is marked, and a permanent
   * MarketplaceError (`origin_not_allowed`) thrown instead, so nothing is sent there.
   */
  async access(connectionId: string): Promise<ShopAccess> {
    const row = await this.connections
      .createQueryBuilder('c')
      .addSelect('c.credentials_sealed', 'c_credentials_sealed')
      .where('c.id = :connectionId', { connectionId })
      .getOne();
    if (!row) throw new NotFound('No such connection');
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
    };
  }

  async statusOf(connectionId: string): Promise<Connection> {
    return this.find({}, connectionId);
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
    const row = await this.connections
      .createQueryBuilder('c')
      .addSelect('c.credentials_sealed', 'c_credentials_sealed')
      .where('c.marketplace = :marketplace AND c.shop_id = :shopId', { marketplace, shopId })
      .getOne();
    const target = row
      ? {
          connectionId: row.id,
          cooperativeId: row.cooperativeId,
          marketplace: row.marketplace,
          webhookSecret: openCredentials(this.key, key, row.credentialsSealed).webhookSecret ?? null,
        }
      : undefined;
    if (this.webhookTargets.size > 10_000) this.webhookTargets.clear();
    this.webhookTargets.set(key, { target, until: Date.now() + WEBHOOK_TARGET_TTL_MS });
    return target;
  }

  /** Connections whose orders are polled: every one not refused by its marketplace. */
  async pollableConnectionIds(): Promise<string[]> {
    const rows = await this.connections.find({
      select: { id: true },
      where: [{ status: 'active' }, { status: 'paused' }],
    });
    return rows.map((row) => row.id);
  }

  /** The marketplace of each connection, so other contexts can group their rows by marketplace. */
  async marketplacesOf(connectionIds: string[]): Promise<Map<string, Marketplace>> {
    if (connectionIds.length === 0) return new Map();
    const rows = await this.connections.find({
      select: { id: true, marketplace: true },
      where: { id: In([...new Set(connectionIds)]) },
    });
    return new Map(rows.map((row) => [row.id, row.marketplace]));
  }

  /** Orders of the connection were read from its marketplace up to now (API.md `lastOrderSyncAt`). */
  async recordOrderSync(connectionId: string, at: Date): Promise<void> {
    await this.connections.update({ id: connectionId }, { lastOrderSyncAt: at });
  }

  /** The marketplace refused the stored credentials: stop pushing and say so in the API. */
  async markAuthFailed(connectionId: string, reason: string): Promise<void> {
    await this.connections.update(
      { id: connectionId, status: 'active' },
      { status: 'auth_failed', statusReason: `The marketplace refused the credentials: ${reason}` },
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
    await this.connections.update(
      { id: connection.id, status: In(['active', 'paused']) },
      { status: 'auth_failed', statusReason: reason },
    );
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
