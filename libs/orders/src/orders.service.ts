import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { Conflict, NotFound, Page, Scope, ValidationFailed } from '@ocop/common';
import { byCreation, fetchPage } from '@ocop/database';
import type { CancelReason } from '@ocop/marketplaces';
import { CancelOrderBody, OrderListQuery } from './dto';
import { Order, OrderLine } from './entities';
import { OrderActions, type OrderAction } from './order-actions';
import { allowedActions, stockStatus } from './order-lifecycle';

export function orderView(order: Order, lines: OrderLine[]) {
  return {
    id: order.id,
    cooperativeId: order.cooperativeId,
    connectionId: order.connectionId,
    marketplace: order.marketplace,
    externalOrderId: order.externalOrderId,
    status: order.status,
    marketplaceStatus: order.marketplaceStatus,
    placedAt: order.placedAt.toISOString(),
    marketplaceUpdatedAt: order.marketplaceUpdatedAt.toISOString(),
    totalVnd: order.totalVnd,
    lines: lines.map((line) => ({
      skuId: line.skuId,
      skuCode: line.skuCode,
      quantity: line.quantity,
      unitPriceVnd: line.unitPriceVnd,
      reservedQuantity: line.reservedQuantity,
      fulfilledQuantity: line.fulfilledQuantity,
      /** the connector knows no SKU for this line: the order is kept and flagged */
      unknownSku: line.skuId === null,
    })),
    stockStatus: stockStatus(order.stockPhase, order.oversold),
    /** what needs a person: `unknown_sku` (a line maps to no SKU), `oversold` (stock ran out) */
    flags: [
      ...(order.unknownLines > 0 ? ['unknown_sku'] : []),
      ...(order.oversold && order.stockPhase === 'reserved' ? ['oversold'] : []),
    ],
    requestedAction: order.requestedAction,
    actionError: order.actionError,
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
  };
}
export type OrderView = ReturnType<typeof orderView>;

/** Vietnam has no daylight saving: a calendar day there starts at 00:00 UTC+7. */
const startOfVietnamDay = (date: string) => `${date}T00:00:00+07:00`;

@Injectable()
export class OrdersService {
  constructor(
    @InjectRepository(Order) private readonly orders: Repository<Order>,
    @InjectRepository(OrderLine) private readonly lines: Repository<OrderLine>,
    private readonly actions: OrderActions,
  ) {}

  async list(scope: Scope, query: OrderListQuery): Promise<Page<OrderView>> {
    if (query.from && query.to && query.from > query.to) {
      throw new ValidationFailed([{ field: 'from', message: 'from must not be after to' }]);
    }
    const qb = this.orders.createQueryBuilder('o');
    if (scope.cooperativeId) qb.andWhere('o.cooperative_id = :own', { own: scope.cooperativeId });
    if (query.cooperativeId)
      qb.andWhere('o.cooperative_id = :cooperativeId', { cooperativeId: query.cooperativeId });
    if (query.marketplace) qb.andWhere('o.marketplace = :marketplace', { marketplace: query.marketplace });
    if (query.status) qb.andWhere('o.status = :status', { status: query.status });
    if (query.from) qb.andWhere('o.placed_at >= :from', { from: startOfVietnamDay(query.from) });
    if (query.to) {
      qb.andWhere(`o.placed_at < CAST(:to AS timestamptz) + interval '1 day'`, {
        to: startOfVietnamDay(query.to),
      });
    }
    if (query.flagged === 'true') qb.andWhere('o.unknown_lines > 0');
    if (query.flagged === 'false') qb.andWhere('o.unknown_lines = 0');
    if (query.stockStatus === 'oversold') qb.andWhere(`o.stock_phase IN ('none', 'reserved') AND o.oversold`);
    if (query.stockStatus === 'reserved')
      qb.andWhere(`o.stock_phase IN ('none', 'reserved') AND NOT o.oversold`);
    if (query.stockStatus === 'fulfilled') qb.andWhere(`o.stock_phase = 'fulfilled'`);
    if (query.stockStatus === 'released') qb.andWhere(`o.stock_phase IN ('released', 'returned')`);
    const { rows, nextCursor } = await fetchPage(qb, query, byCreation);
    const lines = await this.linesOf(rows.map((row) => row.id));
    return { items: rows.map((row) => orderView(row, lines.get(row.id) ?? [])), nextCursor };
  }

  async get(scope: Scope, id: string): Promise<OrderView> {
    const order = await this.find(scope, id);
    return orderView(order, (await this.linesOf([id])).get(id) ?? []);
  }

  async confirm(scope: Scope, id: string): Promise<OrderView> {
    return this.act(scope, id, 'confirm', null);
  }

  async cancel(scope: Scope, id: string, body: CancelOrderBody): Promise<OrderView> {
    return this.act(scope, id, 'cancel', body.reason ?? 'seller_request');
  }

  private async act(
    scope: Scope,
    id: string,
    action: OrderAction,
    reason: CancelReason | null,
  ): Promise<OrderView> {
    const order = await this.find(scope, id);
    if (!allowedActions(order.status).includes(action)) {
      throw new Conflict(
        `A ${order.status} order cannot be ${action === 'confirm' ? 'confirmed' : 'cancelled'}`,
      );
    }
    await this.actions.request(id, action, reason);
    return this.get(scope, id);
  }

  private async find(scope: Scope, id: string): Promise<Order> {
    const found = await this.orders.findOne({
      where: scope.cooperativeId ? { id, cooperativeId: scope.cooperativeId } : { id },
    });
    if (!found) throw new NotFound('No such order');
    return found;
  }

  private async linesOf(orderIds: string[]): Promise<Map<string, OrderLine[]>> {
    const byOrder = new Map<string, OrderLine[]>();
    if (orderIds.length === 0) return byOrder;
    const rows = await this.lines.find({ where: { orderId: In(orderIds) }, order: { lineNo: 'ASC' } });
    for (const row of rows) byOrder.set(row.orderId, [...(byOrder.get(row.orderId) ?? []), row]);
    return byOrder;
  }
}
