import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In, SelectQueryBuilder } from 'typeorm';
import { actorParams, type Actor } from '@ocop/auth';
import { PageQuery } from '@ocop/common';
import { byCreation, fetchPage } from '@ocop/database';
import type { CancelReason, Marketplace, OrderStatus } from '@ocop/marketplaces';
import type { StockStatus } from './dto';
import { Order, OrderLine, OrderStatusChange } from './entities';

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

/** Which orders a list shows; `scopeCooperativeId` is the caller's own cooperative, if it has one. */
export interface OrderFilter {
  scopeCooperativeId?: string;
  /** only these orders */
  ids?: string[];
  cooperativeId?: string;
  marketplace?: Marketplace;
  status?: OrderStatus;
  /** the instant the first day starts: orders placed then or later */
  placedFrom?: string;
  /** the instant the last day starts: orders placed before that day ends */
  lastDayStart?: string;
  /** true: only orders with lines of an unknown SKU; false: only those without */
  flagged?: boolean;
  stockStatus?: StockStatus;
}

/** One page of orders, newest first. */
export interface OrderPage {
  rows: Order[];
  nextCursor: string | null;
}

/** What a seller asked the marketplace to do with an order. */
export type RequestedAction = NonNullable<Order['requestedAction']>;

/** Every column of `Order`, as a raw statement returns them (read by orderFromRow). */
const ORDER_COLUMNS = `id, cooperative_id, connection_id, marketplace, external_order_id, status, marketplace_status,
  marketplace_updated_at, placed_at, total_vnd, stock_phase, oversold, unknown_lines, requested_action,
  requested_reason, action_error, created_at, updated_at`;

interface OrderRow {
  id: string;
  cooperative_id: string;
  connection_id: string;
  marketplace: Order['marketplace'];
  external_order_id: string;
  status: Order['status'];
  marketplace_status: string;
  marketplace_updated_at: Date;
  placed_at: Date;
  total_vnd: string;
  stock_phase: Order['stockPhase'];
  oversold: boolean;
  unknown_lines: number;
  requested_action: Order['requestedAction'];
  requested_reason: string | null;
  action_error: string | null;
  created_at: Date;
  updated_at: Date;
}

/** A line of a new order as insertNew answers it (json_build_object: bigint comes as a number). */
interface NewLineJson {
  id: string;
  line_no: number;
  sku_id: string | null;
  product_id: string | null;
  sku_code: string | null;
  variant_id: string | null;
  quantity: number;
  unit_price_vnd: number;
}

/** An order insertNew created, with its lines (each order's in SKU order, as linesOfOrders reads them). */
export interface CreatedOrder {
  order: Order;
  lines: OrderLine[];
}

/** A new order's line as insertNew answers it: it holds no stock yet. */
function newLineFromJson(orderId: string, line: NewLineJson): OrderLine {
  return Object.assign(new OrderLine(), {
    id: line.id,
    orderId,
    lineNo: line.line_no,
    skuId: line.sku_id,
    productId: line.product_id,
    skuCode: line.sku_code,
    variantId: line.variant_id,
    quantity: line.quantity,
    unitPriceVnd: Number(line.unit_price_vnd),
    reservedQuantity: 0,
    fulfilledQuantity: 0,
  });
}

function orderFromRow(row: OrderRow): Order {
  return Object.assign(new Order(), {
    id: row.id,
    cooperativeId: row.cooperative_id,
    connectionId: row.connection_id,
    marketplace: row.marketplace,
    externalOrderId: row.external_order_id,
    status: row.status,
    marketplaceStatus: row.marketplace_status,
    marketplaceUpdatedAt: row.marketplace_updated_at,
    placedAt: row.placed_at,
    totalVnd: Number(row.total_vnd),
    stockPhase: row.stock_phase,
    oversold: row.oversold,
    unknownLines: row.unknown_lines,
    requestedAction: row.requested_action,
    requestedReason: row.requested_reason,
    actionError: row.action_error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}

/**
 * The orders and their lines. The order import reads and writes them within the caller's
 * transaction (`manager`); the Orders API reads them and records the seller's actions, which the
 * worker pushes. The services decide; this holds the SQL.
 */
@Injectable()
export class OrderStore {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Inserts the orders and their lines that the connection does not have yet, in one statement
   * (each round trip costs a busy 2-core machine more than the writes: bench:import, 2 Dec 2026),
   * and answers the new orders with their lines by external id (those it had already are left out,
   * and so are their lines). A concurrent insert of the same order waits on the unique index until the first commits,
   * so exactly one transaction creates it.
   */
  async insertNew(
    manager: EntityManager,
    orders: { order: NewOrder; lines: NewOrderLine[] }[],
  ): Promise<Map<string, CreatedOrder>> {
    if (orders.length === 0) return new Map();
    const lines = orders.flatMap(({ order, lines: orderLines }) =>
      orderLines.map((line, index) => ({
        externalOrderId: order.externalOrderId,
        lineNo: index + 1,
        ...line,
      })),
    );
    // arrays, not VALUES per row: one prepared statement text whatever the batch's size
    const rows: (OrderRow & { lines: NewLineJson[] | null })[] = await manager.query(
      `WITH created AS (
         INSERT INTO orders (cooperative_id, connection_id, marketplace, external_order_id, status,
                             marketplace_status, marketplace_updated_at, placed_at, total_vnd, unknown_lines)
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[],
                              $7::timestamptz[], $8::timestamptz[], $9::bigint[], $10::int[])
         ON CONFLICT (connection_id, external_order_id) DO NOTHING
         RETURNING ${ORDER_COLUMNS}),
       created_lines AS (
         INSERT INTO order_lines (order_id, line_no, sku_id, product_id, sku_code, variant_id, quantity,
                                  unit_price_vnd, reserved_quantity, fulfilled_quantity)
         SELECT c.id, v.line_no, v.sku_id, v.product_id, v.sku_code, v.variant_id, v.quantity, v.unit_price_vnd, 0, 0
         FROM unnest($11::text[], $12::int[], $13::uuid[], $14::uuid[], $15::text[], $16::text[], $17::int[],
                     $18::bigint[])
           AS v(external_order_id, line_no, sku_id, product_id, sku_code, variant_id, quantity, unit_price_vnd)
         JOIN created c ON c.external_order_id = v.external_order_id
         RETURNING id, order_id, line_no, sku_id, product_id, sku_code, variant_id, quantity, unit_price_vnd)
       SELECT c.*, l.lines FROM created c
       LEFT JOIN (SELECT order_id,
                         json_agg(json_build_object('id', id, 'line_no', line_no, 'sku_id', sku_id,
                                                    'product_id', product_id, 'sku_code', sku_code,
                                                    'variant_id', variant_id, 'quantity', quantity,
                                                    'unit_price_vnd', unit_price_vnd)
                                  ORDER BY sku_id, line_no) AS lines
                  FROM created_lines GROUP BY order_id) l ON l.order_id = c.id`,
      [
        orders.map(({ order }) => order.cooperativeId),
        orders.map(({ order }) => order.connectionId),
        orders.map(({ order }) => order.marketplace),
        orders.map(({ order }) => order.externalOrderId),
        orders.map(({ order }) => order.status),
        orders.map(({ order }) => order.marketplaceStatus),
        orders.map(({ order }) => order.marketplaceUpdatedAt),
        orders.map(({ order }) => order.placedAt),
        orders.map(({ order }) => order.totalVnd),
        orders.map(({ order }) => order.unknownLines),
        lines.map((l) => l.externalOrderId),
        lines.map((l) => l.lineNo),
        lines.map((l) => l.skuId),
        lines.map((l) => l.productId),
        lines.map((l) => l.skuCode),
        lines.map((l) => l.variantId),
        lines.map((l) => l.quantity),
        lines.map((l) => l.unitPriceVnd),
      ],
    );
    return new Map(
      rows.map((row) => [
        row.external_order_id,
        { order: orderFromRow(row), lines: (row.lines ?? []).map((line) => newLineFromJson(row.id, line)) },
      ]),
    );
  }

  /** The connection's orders of these external ids, locked until the transaction ends (in id order). */
  async lockMany(manager: EntityManager, connectionId: string, externalOrderIds: string[]): Promise<Order[]> {
    if (externalOrderIds.length === 0) return [];
    return manager
      .createQueryBuilder(Order, 'o')
      .setLock('pessimistic_write')
      .where(
        'o.connection_id = :connectionId AND o.external_order_id = ANY(CAST(:externalOrderIds AS text[]))',
        {
          connectionId,
          externalOrderIds,
        },
      )
      .orderBy('o.id')
      .getMany();
  }

  /** The lines of these orders, each order's in SKU order (the order in which the ledger locks SKUs). */
  async linesOfOrders(manager: EntityManager, orderIds: string[]): Promise<OrderLine[]> {
    if (orderIds.length === 0) return [];
    return manager
      .createQueryBuilder(OrderLine, 'l')
      .where('l.order_id = ANY(CAST(:orderIds AS uuid[]))', { orderIds })
      .orderBy('l.order_id', 'ASC')
      .addOrderBy('l.sku_id', 'ASC')
      .addOrderBy('l.line_no', 'ASC')
      .getMany();
  }

  /** Records the stock each line now holds (reserved, fulfilled), in one statement. */
  async saveLineHoldings(
    manager: EntityManager,
    lines: Pick<OrderLine, 'id' | 'reservedQuantity' | 'fulfilledQuantity'>[],
  ): Promise<void> {
    if (lines.length === 0) return;
    await manager.query(
      `UPDATE order_lines l SET reserved_quantity = v.reserved, fulfilled_quantity = v.fulfilled
       FROM unnest($1::uuid[], $2::int[], $3::int[]) AS v(id, reserved, fulfilled) WHERE l.id = v.id`,
      [lines.map((l) => l.id), lines.map((l) => l.reservedQuantity), lines.map((l) => l.fulfilledQuantity)],
    );
  }

  /**
   * Records the orders' new status, the marketplace's version of it and their stock phase, in one
   * statement. An order whose status `moved` also gets the status appended to its history; when it
   * is the status a person's confirm or cancel asked for, the change is theirs: it names them. Either
   * way a moved order's request is spent (a later change of the marketplace's is its own). The history
   * reads the requests as they stood before this statement (all its parts see one snapshot).
   */
  async saveStates(manager: EntityManager, orders: (OrderState & { moved: boolean })[]): Promise<void> {
    if (orders.length === 0) return;
    await manager.query(
      `WITH v AS (
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[], $5::bigint[], $6::text[],
                              $7::bool[], $8::bool[]) WITH ORDINALITY
           AS v(id, status, marketplace_status, marketplace_updated_at, total_vnd, stock_phase, oversold, moved,
                position)),
       history AS (
         INSERT INTO order_status_changes
           (order_id, status, marketplace_status, marketplace_at, actor_kind, actor_id, actor_name)
         SELECT o.id, v.status, v.marketplace_status, v.marketplace_updated_at,
                CASE WHEN o.requested_status = v.status THEN o.requested_by_kind END,
                CASE WHEN o.requested_status = v.status THEN o.requested_by_id END,
                CASE WHEN o.requested_status = v.status THEN o.requested_by_name END
         FROM v JOIN orders o ON o.id = v.id
         WHERE v.moved
         ORDER BY v.position)
       UPDATE orders o SET status = v.status, marketplace_status = v.marketplace_status,
              marketplace_updated_at = v.marketplace_updated_at, total_vnd = v.total_vnd,
              stock_phase = v.stock_phase, oversold = v.oversold, updated_at = now(),
              requested_status = CASE WHEN v.moved THEN NULL ELSE o.requested_status END,
              requested_by_kind = CASE WHEN v.moved THEN NULL ELSE o.requested_by_kind END,
              requested_by_id = CASE WHEN v.moved THEN NULL ELSE o.requested_by_id END,
              requested_by_name = CASE WHEN v.moved THEN NULL ELSE o.requested_by_name END
       FROM v WHERE o.id = v.id`,
      [
        orders.map((o) => o.id),
        orders.map((o) => o.status),
        orders.map((o) => o.marketplaceStatus),
        orders.map((o) => o.marketplaceUpdatedAt),
        orders.map((o) => o.totalVnd),
        orders.map((o) => o.stockPhase),
        orders.map((o) => o.oversold),
        orders.map((o) => o.moved),
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

  /** The order, only if it belongs to `cooperativeId` when one is given. */
  async byId(id: string, cooperativeId?: string): Promise<Order | null> {
    return this.dataSource.manager.findOne(Order, { where: cooperativeId ? { id, cooperativeId } : { id } });
  }

  async page(filter: OrderFilter, query: PageQuery): Promise<OrderPage> {
    return fetchPage(this.filtered(filter), query, byCreation);
  }

  /**
   * How many orders the filter selects and their totals added up, in one aggregate over the same
   * conditions as the list (a cooperative's count walks its orders_by_cooperative index).
   */
  async summary(filter: OrderFilter): Promise<{ count: number; totalVnd: number }> {
    const row: { count: string; total: string } | undefined = await this.filtered(filter)
      .select('count(*)', 'count')
      .addSelect('coalesce(sum(o.total_vnd), 0)', 'total')
      .getRawOne();
    return { count: Number(row?.count ?? 0), totalVnd: Number(row?.total ?? 0) };
  }

  private filtered(filter: OrderFilter): SelectQueryBuilder<Order> {
    const qb = this.dataSource.getRepository(Order).createQueryBuilder('o');
    if (filter.ids) qb.andWhere('o.id = ANY(CAST(:ids AS uuid[]))', { ids: filter.ids });
    if (filter.scopeCooperativeId) qb.andWhere('o.cooperative_id = :own', { own: filter.scopeCooperativeId });
    if (filter.cooperativeId)
      qb.andWhere('o.cooperative_id = :cooperativeId', { cooperativeId: filter.cooperativeId });
    if (filter.marketplace) qb.andWhere('o.marketplace = :marketplace', { marketplace: filter.marketplace });
    if (filter.status) qb.andWhere('o.status = :status', { status: filter.status });
    if (filter.placedFrom) qb.andWhere('o.placed_at >= :from', { from: filter.placedFrom });
    if (filter.lastDayStart) {
      qb.andWhere(`o.placed_at < CAST(:to AS timestamptz) + interval '1 day'`, { to: filter.lastDayStart });
    }
    if (filter.flagged === true) qb.andWhere('o.unknown_lines > 0');
    if (filter.flagged === false) qb.andWhere('o.unknown_lines = 0');
    if (filter.stockStatus === 'oversold')
      qb.andWhere(`o.stock_phase IN ('none', 'reserved') AND o.oversold`);
    if (filter.stockStatus === 'reserved')
      qb.andWhere(`o.stock_phase IN ('none', 'reserved') AND NOT o.oversold`);
    if (filter.stockStatus === 'fulfilled') qb.andWhere(`o.stock_phase = 'fulfilled'`);
    if (filter.stockStatus === 'released') qb.andWhere(`o.stock_phase IN ('released', 'returned')`);
    return qb;
  }

  /** The lines of these orders, each order's in line order. */
  async linesOf(orderIds: string[]): Promise<OrderLine[]> {
    return this.dataSource.manager.find(OrderLine, {
      where: { orderId: In(orderIds) },
      order: { lineNo: 'ASC' },
    });
  }

  /** Each status the order reached, oldest first by the marketplace's time. */
  async history(orderId: string): Promise<OrderStatusChange[]> {
    return this.dataSource.manager.find(OrderStatusChange, {
      where: { orderId },
      order: { marketplaceAt: 'ASC', recordedAt: 'ASC' },
    });
  }

  /**
   * Records the seller's request on the order, clearing the error of an earlier one, with who asked
   * and the status it aims at: the change to that status, when it arrives, is theirs.
   */
  async requestAction(
    orderId: string,
    action: RequestedAction,
    reason: CancelReason | null,
    actor: Actor | null,
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE orders SET requested_action = $2, requested_reason = $3, action_error = NULL, updated_at = now(),
              requested_status = $4, requested_by_kind = $5, requested_by_id = $6, requested_by_name = $7
       WHERE id = $1`,
      [orderId, action, reason, action === 'confirm' ? 'confirmed' : 'cancelled', ...actorParams(actor)],
    );
  }

  /** The request was pushed: cleared, unless another request replaced it meanwhile. */
  async clearAction(orderId: string, action: RequestedAction): Promise<void> {
    await this.dataSource.query(
      `UPDATE orders SET requested_action = NULL, updated_at = now() WHERE id = $1 AND requested_action = $2`,
      [orderId, action],
    );
  }

  /** The marketplace refused the request: cleared with the reason, unless another replaced it. */
  async refuseAction(orderId: string, action: RequestedAction, error: string): Promise<void> {
    // the status it asked for did not come of it: a later change to it is the marketplace's
    await this.dataSource.query(
      `UPDATE orders SET requested_action = NULL, action_error = $2, updated_at = now(),
              requested_status = NULL, requested_by_kind = NULL, requested_by_id = NULL, requested_by_name = NULL
       WHERE id = $1 AND requested_action = $3`,
      [orderId, error, action],
    );
  }

  /** Orders whose request has waited more than ten seconds (its job may be lost), at most 1,000. */
  async waitingActions(): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM orders WHERE requested_action IS NOT NULL AND updated_at < now() - interval '10 seconds'
       LIMIT 1000`,
    );
    return rows.map((row) => row.id);
  }
}
