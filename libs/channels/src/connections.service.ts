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
} from '@ocop/common';
import { byCreation, fetchPage, Transactions } from '@ocop/database';
import { MarketplaceError, type Marketplace, type ShopAccess } from '@ocop/marketplaces';
import { MARKETPLACE_ADAPTERS, type MarketplaceAdapters } from './adapters';
import { openCredentials, sealCredentials } from './credentials';
import { ConnectionListQuery, CreateConnectionBody, UpdateConnectionBody } from './dto';
import { Connection } from './entities';
import { ListingVersions } from './listing-versions';

export function connectionView(c: Connection) {
  return {
    id: c.id,
    cooperativeId: c.cooperativeId,
    marketplace: c.marketplace,
    shopId: c.shopId,
    baseUrl: c.baseUrl,
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
    private readonly config: ConnectorConfig,
  ) {
    this.key = Buffer.from(config.env.CREDENTIALS_KEY, 'base64');
  }

  /** The local sandbox marketplace, for the demo and for integrators trying the connector. */
  private defaultBaseUrl(marketplace: Marketplace): string {
    const env = this.config.env;
    const port = {
      sendo: env.SANDBOX_SENDO_PORT,
      voso: env.SANDBOX_VOSO_PORT,
      postmart: env.SANDBOX_POSTMART_PORT,
    }[marketplace];
    return `http://${env.SANDBOX_HOST}:${port}`;
  }

  async create(scope: Scope, cooperativeId: string, body: CreateConnectionBody): Promise<ConnectionView> {
    await this.cooperatives.find(scope, cooperativeId);
    const baseUrl = (body.baseUrl ?? this.defaultBaseUrl(body.marketplace)).replace(/\/+$/, '');
    await this.verify({
      connectionId: `unsaved:${body.marketplace}:${body.shopId}`,
      marketplace: body.marketplace,
      shopId: body.shopId,
      baseUrl,
      credentials: body.credentials,
    });
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
        throw new Conflict(`This ${body.marketplace} shop is already connected`);
      }
      throw error;
    }
  }

  async get(scope: Scope, id: string): Promise<ConnectionView> {
    return connectionView(await this.find(scope, id));
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
    return { items: rows.map(connectionView), nextCursor };
  }

  async update(scope: Scope, id: string, body: UpdateConnectionBody): Promise<ConnectionView> {
    const current = await this.find(scope, id);
    const changes: Partial<Connection> = {};
    if (body.credentials) {
      await this.verify({ ...(await this.access(id)), credentials: body.credentials });
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

  /** Decrypted access for the sync engine; never returned by the API or logged. */
  async access(connectionId: string): Promise<ShopAccess> {
    const row = await this.connections
      .createQueryBuilder('c')
      .addSelect('c.credentials_sealed', 'c_credentials_sealed')
      .where('c.id = :connectionId', { connectionId })
      .getOne();
    if (!row) throw new NotFound('No such connection');
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

  private async verify(shop: ShopAccess): Promise<void> {
    try {
      await this.adapters[shop.marketplace].verifyCredentials(shop);
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
