import { Injectable } from '@nestjs/common';
import { Conflict, NotFound, Page, Scope, ValidationFailed } from '@ocop/common';
import type { CancelReason } from '@ocop/marketplaces';
import { CancelOrderBody, OrderListQuery } from './dto';
import { Order, OrderLine } from './entities';
import { OrderActions, type OrderAction } from './order-actions';
import { allowedActions, stockStatus } from './order-lifecycle';
import { OrderStore } from './orders.repository';

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
    private readonly orders: OrderStore,
    private readonly actions: OrderActions,
  ) {}

  async list(scope: Scope, query: OrderListQuery): Promise<Page<OrderView>> {
    if (query.from && query.to && query.from > query.to) {
      throw new ValidationFailed([{ field: 'from', message: 'from must not be after to' }]);
    }
    const { rows, nextCursor } = await this.orders.page(
      {
        scopeCooperativeId: scope.cooperativeId,
        cooperativeId: query.cooperativeId,
        marketplace: query.marketplace,
        status: query.status,
        placedFrom: query.from ? startOfVietnamDay(query.from) : undefined,
        lastDayStart: query.to ? startOfVietnamDay(query.to) : undefined,
        flagged: query.flagged === undefined ? undefined : query.flagged === 'true',
        stockStatus: query.stockStatus,
      },
      query,
    );
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
    const found = await this.orders.byId(id, scope.cooperativeId);
    if (!found) throw new NotFound('No such order');
    return found;
  }

  private async linesOf(orderIds: string[]): Promise<Map<string, OrderLine[]>> {
    const byOrder = new Map<string, OrderLine[]>();
    if (orderIds.length === 0) return byOrder;
    const rows = await this.orders.linesOf(orderIds);
    for (const row of rows) byOrder.set(row.orderId, [...(byOrder.get(row.orderId) ?? []), row]);
    return byOrder;
  }
}
