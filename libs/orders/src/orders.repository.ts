import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Order, OrderLine } from './entities';

/** An order seen for the first time, as the import stores it. */
export type NewOrder = Pick<
  Order,
  | 'cooperativeId'
  | 'connectionId'
  | 'marketplace'
  | 'externalOrderId'
  | 'status'
  | 'marketplaceStatus'
  | 'marketplaceUpdatedAt'
  | 'placedAt'
  | 'totalVnd'
  | 'unknownLines'
>;

/** A line of a new order; its line number is its place in the order, and it holds no stock yet. */
export type NewOrderLine = Pick<
  OrderLine,
  'skuId' | 'productId' | 'skuCode' | 'variantId' | 'quantity' | 'unitPriceVnd'
>;

/** What the import changes on an order it moves on. */
export type OrderState = Pick<
  Order,
  'id' | 'status' | 'marketplaceStatus' | 'marketplaceUpdatedAt' | 'totalVnd' | 'stockPhase' | 'oversold'
>;

/** The stored state of an order, as polling compares it with the marketplace's. */
export interface StoredOrderState {
  status: Order['status'];
  updatedAt: Date;
}

/**
 * The orders and their lines as the order import reads and writes them, always within the
 * caller's transaction (`manager`): the import coordinates, this holds its SQL.
 */
@Injectable()
export class OrderStore {
  /**
   * Inserts the order and its lines unless the connection already has an order of this external
   * id; undefined then. A concurrent insert of the same order waits here on the unique index until
   * the first commits, so exactly one of them creates it.
   */
  async insertIfNew(
    manager: EntityManager,
    order: NewOrder,
    lines: NewOrderLine[],
  ): Promise<Order | undefined> {
    // an INSERT answers its RETURNING rows through TypeORM's PostgreSQL driver (unlike UPDATE)
    const rows: { id: string }[] = await manager.query(
      `INSERT INTO orders (cooperative_id, connection_id, marketplace, external_order_id, status,
                           marketplace_status, marketplace_updated_at, placed_at, total_vnd, unknown_lines)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (connection_id, external_order_id) DO NOTHING
       RETURNING id`,
      [
        order.cooperativeId,
        order.connectionId,
        order.marketplace,
        order.externalOrderId,
        order.status,
        order.marketplaceStatus,
        order.marketplaceUpdatedAt,
        order.placedAt,
        order.totalVnd,
        order.unknownLines,
      ],
    );
    const id = rows[0]?.id;
    if (!id) return undefined;
    if (lines.length > 0) {
      await manager.insert(
        OrderLine,
        lines.map((line, index) => ({
          orderId: id,
          lineNo: index + 1,
          skuId: line.skuId,
          productId: line.productId,
          skuCode: line.skuCode,
          variantId: line.variantId,
          quantity: line.quantity,
          unitPriceVnd: line.unitPriceVnd,
          reservedQuantity: 0,
          fulfilledQuantity: 0,
        })),
      );
    }
    return manager.findOneOrFail(Order, { where: { id } });
  }

  /** The connection's order of this external id, locked until the transaction ends. */
  async lock(manager: EntityManager, connectionId: string, externalOrderId: string): Promise<Order> {
    return manager
      .createQueryBuilder(Order, 'o')
      .setLock('pessimistic_write')
      .where('o.connection_id = :connectionId AND o.external_order_id = :externalOrderId', {
        connectionId,
        externalOrderId,
      })
      .getOneOrFail();
  }

  /** The order's lines in SKU order, the order in which the stock ledger locks SKUs. */
  async lines(manager: EntityManager, orderId: string): Promise<OrderLine[]> {
    return manager.find(OrderLine, {
      where: { orderId },
      order: { skuId: 'ASC', lineNo: 'ASC' },
    });
  }

  /** Records the stock a line now holds (reserved, fulfilled). */
  async saveLineHoldings(
    manager: EntityManager,
    line: Pick<OrderLine, 'id' | 'reservedQuantity' | 'fulfilledQuantity'>,
  ): Promise<void> {
    await manager.update(
      OrderLine,
      { id: line.id },
      { reservedQuantity: line.reservedQuantity, fulfilledQuantity: line.fulfilledQuantity },
    );
  }

  /** Records the order's new status, the marketplace's version of it and its stock phase. */
  async saveState(manager: EntityManager, order: OrderState): Promise<void> {
    await manager.query(
      `UPDATE orders SET status = $2, marketplace_status = $3, marketplace_updated_at = $4, total_vnd = $5,
              stock_phase = $6, oversold = $7, updated_at = now()
       WHERE id = $1`,
      [
        order.id,
        order.status,
        order.marketplaceStatus,
        order.marketplaceUpdatedAt,
        order.totalVnd,
        order.stockPhase,
        order.oversold,
      ],
    );
  }

  /** The stored state of some of a connection's orders, by external id; unknown ones are left out. */
  async storedStates(
    manager: EntityManager,
    connectionId: string,
    externalOrderIds: string[],
  ): Promise<Map<string, StoredOrderState>> {
    const rows: { external_order_id: string; status: Order['status']; marketplace_updated_at: Date }[] =
      await manager.query(
        `SELECT external_order_id, status, marketplace_updated_at FROM orders
         WHERE connection_id = $1 AND external_order_id = ANY($2::text[])`,
        [connectionId, externalOrderIds],
      );
    return new Map(
      rows.map((row) => [
        row.external_order_id,
        { status: row.status, updatedAt: row.marketplace_updated_at },
      ]),
    );
  }
}
