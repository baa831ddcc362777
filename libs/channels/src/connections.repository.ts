import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { PageQuery } from '@ocop/common';
import { byCreation, fetchPage } from '@ocop/database';
import type { Marketplace } from '@ocop/marketplaces';
import type { Actor } from '@ocop/auth';
import { Connection, ConnectionStatus } from './entities';

/** A shop connected for the first time, its credentials already sealed. */
export type NewConnection = Pick<
  Connection,
  | 'cooperativeId'
  | 'marketplace'
  | 'shopId'
  | 'baseUrl'
  | 'credentialsSealed'
  | 'status'
  | 'statusReason'
  | 'stockBufferPercent'
  | 'autoConfirmOrders'
  | 'createdByKind'
  | 'createdById'
  | 'createdByName'
  | 'updatedByKind'
  | 'updatedById'
  | 'updatedByName'
>;

/** What a change of a connection may set: its owner, credentials, status and settings. */
export type ConnectionChanges = Partial<
  Pick<
    Connection,
    | 'cooperativeId'
    | 'credentialsSealed'
    | 'status'
    | 'statusReason'
    | 'stockBufferPercent'
    | 'autoConfirmOrders'
    | 'updatedByKind'
    | 'updatedById'
    | 'updatedByName'
  >
>;

/** Who changes a connection through the API, in its columns. */
export function updatedBy(
  actor: Actor | null,
): Pick<Connection, 'updatedByKind' | 'updatedById' | 'updatedByName'> {
  return {
    updatedByKind: actor?.kind ?? null,
    updatedById: actor?.id ?? null,
    updatedByName: actor?.name ?? null,
  };
}

/** Which connections of a cooperative a list shows. */
export interface ConnectionFilter {
  marketplace?: Marketplace;
  status?: ConnectionStatus;
}

/** One page of a cooperative's connections, newest first. */
export interface ConnectionPage {
  rows: Connection[];
  nextCursor: string | null;
}

/** Which cooperative holds a shop, read under a row lock by a transfer. */
export interface ShopHolding {
  cooperativeId: string;
  marketplace: Marketplace;
  shopId: string;
}

/**
 * The connections table: the services decide who may connect, change or transfer a shop; this
 * holds the SQL. The sealed credentials are read only by the two methods that say so.
 */
@Injectable()
export class ConnectionStore {
  constructor(@InjectRepository(Connection) private readonly connections: Repository<Connection>) {}

  /**
   * Stores a new connection; undefined when the shop is already connected (the unique index on
   * marketplace and shop id refused it), so the caller can say by whom.
   */
  /**
   * Inserts the connection unless its shop is connected already (then undefined). ON CONFLICT, not
   * a caught unique violation: the insert shares its transaction with the shop's grant, which a
   * failed statement would abort.
   */
  async insertUnlessConnected(
    manager: EntityManager,
    connection: NewConnection,
  ): Promise<Connection | undefined> {
    const inserted = await manager
      .createQueryBuilder()
      .insert()
      .into(Connection)
      .values(connection)
      .orIgnore()
      .returning(['id'])
      .execute();
    const id = (inserted.raw as { id: string }[])[0]?.id;
    return id === undefined
      ? undefined
      : ((await manager.findOne(Connection, { where: { id } })) ?? undefined);
  }

  /** The connection that holds a shop, whichever cooperative it belongs to. */
  async holderOf(marketplace: Marketplace, shopId: string): Promise<Connection | null> {
    return this.connections.findOne({ where: { marketplace, shopId } });
  }

  /** The connection, only if it belongs to `cooperativeId` when one is given. */
  async byId(id: string, cooperativeId?: string): Promise<Connection | null> {
    return this.connections.findOne({ where: cooperativeId ? { id, cooperativeId } : { id } });
  }

  async pageOfCooperative(
    cooperativeId: string,
    filter: ConnectionFilter,
    query: PageQuery,
  ): Promise<ConnectionPage> {
    const qb = this.connections
      .createQueryBuilder('c')
      .where('c.cooperative_id = :cooperativeId', { cooperativeId });
    if (filter.marketplace) qb.andWhere('c.marketplace = :marketplace', { marketplace: filter.marketplace });
    if (filter.status) qb.andWhere('c.status = :status', { status: filter.status });
    return fetchPage(qb, query, byCreation);
  }

  /** A cooperative's connections, oldest first. */
  async ofCooperative(cooperativeId: string): Promise<Connection[]> {
    return this.connections.find({
      where: { cooperativeId },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  /** Applies the changes within the caller's transaction; nothing when there are none. */
  async change(manager: EntityManager, id: string, changes: ConnectionChanges): Promise<void> {
    if (Object.keys(changes).length > 0) await manager.update(Connection, { id }, changes);
  }

  /** Who holds the connection's shop, locked until the transaction ends; undefined if none such. */
  async lockHolding(manager: EntityManager, id: string): Promise<ShopHolding | undefined> {
    const [row]: { cooperative_id: string; marketplace: Marketplace; shop_id: string }[] =
      await manager.query(
        `SELECT cooperative_id, marketplace, shop_id FROM connections WHERE id = $1 FOR UPDATE`,
        [id],
      );
    return row && { cooperativeId: row.cooperative_id, marketplace: row.marketplace, shopId: row.shop_id };
  }

  /** The connection with its sealed credentials, for the one caller that opens them. */
  async withCredentials(connectionId: string): Promise<Connection | null> {
    return this.connections
      .createQueryBuilder('c')
      .addSelect('c.credentials_sealed', 'c_credentials_sealed')
      .where('c.id = :connectionId', { connectionId })
      .getOne();
  }

  /**
   * The connection with its sealed credentials, its row locked until the caller's transaction
   * ends: a credentials change (PATCH) waits for it, or it waits for the change and reads the new ones.
   */
  async lockedWithCredentials(manager: EntityManager, connectionId: string): Promise<Connection | null> {
    return manager
      .getRepository(Connection)
      .createQueryBuilder('c')
      .addSelect('c.credentials_sealed', 'c_credentials_sealed')
      .where('c.id = :connectionId', { connectionId })
      .setLock('pessimistic_write')
      .getOne();
  }

  /** The connection of a shop with its sealed credentials (its webhook secret is among them). */
  async withCredentialsOfShop(marketplace: Marketplace, shopId: string): Promise<Connection | null> {
    return this.connections
      .createQueryBuilder('c')
      .addSelect('c.credentials_sealed', 'c_credentials_sealed')
      .where('c.marketplace = :marketplace AND c.shop_id = :shopId', { marketplace, shopId })
      .getOne();
  }

  /** Ids of the connections in one of these statuses. */
  async idsInStatus(statuses: ConnectionStatus[]): Promise<string[]> {
    const rows = await this.connections.find({
      select: { id: true },
      where: statuses.map((status) => ({ status })),
    });
    return rows.map((row) => row.id);
  }

  async marketplacesOf(connectionIds: string[]): Promise<Map<string, Marketplace>> {
    const rows = await this.connections.find({
      select: { id: true, marketplace: true },
      where: { id: In([...new Set(connectionIds)]) },
    });
    return new Map(rows.map((row) => [row.id, row.marketplace]));
  }

  async recordOrderSync(connectionId: string, at: Date): Promise<void> {
    await this.connections.update({ id: connectionId }, { lastOrderSyncAt: at });
  }

  /**
   * The marketplace refused the credentials: an active connection stops (a paused one stays
   * paused), in the caller's transaction. Answers the connection when this turned it auth_failed,
   * undefined when it was not active (already failed, paused, gone).
   */
  async markAuthFailed(
    manager: EntityManager,
    connectionId: string,
    reason: string,
    checkedBy?: Actor,
  ): Promise<Connection | undefined> {
    const changed = await manager.update(
      Connection,
      { id: connectionId, status: 'active' },
      { status: 'auth_failed', statusReason: reason, ...(checkedBy ? updatedBy(checkedBy) : {}) },
    );
    return this.changedRow(manager, connectionId, changed.affected);
  }

  /**
   * The marketplace accepted the credentials again: an auth_failed connection is active (within
   * the caller's transaction, so its waiting pushes are woken with it). False when it was not
   * auth_failed by then.
   */
  async liftAuthFailure(manager: EntityManager, id: string, checkedBy: Actor | null): Promise<boolean> {
    const lifted = await manager.update(
      Connection,
      { id, status: 'auth_failed' },
      { status: 'active', statusReason: null, ...updatedBy(checkedBy) },
    );
    return (lifted.affected ?? 0) > 0;
  }

  /**
   * The connection's address may not be called: it stops, whether active or paused, in the
   * caller's transaction. Answers the connection when this turned it auth_failed.
   */
  async markOriginRefused(
    manager: EntityManager,
    connectionId: string,
    reason: string,
  ): Promise<Connection | undefined> {
    const changed = await manager.update(
      Connection,
      { id: connectionId, status: In(['active', 'paused']) },
      { status: 'auth_failed', statusReason: reason },
    );
    return this.changedRow(manager, connectionId, changed.affected);
  }

  private async changedRow(
    manager: EntityManager,
    id: string,
    affected: number | undefined,
  ): Promise<Connection | undefined> {
    if (!affected) return undefined;
    return (await manager.findOne(Connection, { where: { id } })) ?? undefined;
  }
}
