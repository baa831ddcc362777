import { Injectable } from '@nestjs/common';
import { recordedActor, type Actor } from '@ocop/auth';
import { ProductsService, type SkuLabel } from '@ocop/catalogue';
import { Conflict, NotFound, Page, Scope, ValidationFailed } from '@ocop/common';
import type { CancelReason } from '@ocop/marketplaces';
import { CancelOrderBody, OrderFilterQuery, OrderListQuery } from './dto';
import { Order, OrderLine, OrderStatusChange } from './entities';
import { OrderActions, type OrderAction } from './order-actions';
import { allowedActions, stockStatus } from './order-lifecycle';
import { OrderStore, type OrderFilter } from './orders.repository';

/** What a person calls a line's SKU; a line of an unknown SKU has no name. */
export type LineLabels = Map<string, SkuLabel>;

export function orderView(order: Order, lines: OrderLine[], labels: LineLabels = new Map()) {
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
      productName: (line.skuId && labels.get(line.skuId)?.productName) ?? null,
      skuName: (line.skuId && labels.get(line.skuId)?.skuName) ?? null,
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

export function statusChangeView(change: OrderStatusChange) {
  return {
    status: change.status,
    marketplaceStatus: change.marketplaceStatus,
    at: change.marketplaceAt.toISOString(),
    recordedAt: change.recordedAt.toISOString(),
    actor: recordedActor(change.actorKind, change.actorId, change.actorName),
  };
}
export type OrderDetailView = OrderView & { history: ReturnType<typeof statusChangeView>[] };

/** Vietnam has no daylight saving: a calendar day there starts at 00:00 UTC+7. */
const startOfVietnamDay = (date: string) => `${date}T00:00:00+07:00`;

@Injectable()
export class OrdersService {
  constructor(
    private readonly orders: OrderStore,
    private readonly actions: OrderActions,
    private readonly products: ProductsService,
  ) {}

  async list(scope: Scope, query: OrderListQuery): Promise<Page<OrderView>> {
    const { rows, nextCursor } = await this.orders.page(this.filterOf(scope, query), query);
    return { items: await this.views(rows), nextCursor };
  }

  /**
   * How many orders the list's filters select and what they are worth; the list itself stays a
   * keyset page that never counts.
   */
  async summary(scope: Scope, query: OrderFilterQuery): Promise<{ count: number; totalVnd: number }> {
    return this.orders.summary(this.filterOf(scope, query));
  }

  async get(scope: Scope, id: string): Promise<OrderDetailView> {
    const order = await this.find(scope, id);
    const [view] = await this.views([order]);
    const history = await this.orders.history(id);
    return { ...(view as OrderView), history: history.map(statusChangeView) };
  }

  async confirm(scope: Scope, id: string, actor: Actor | null): Promise<OrderDetailView> {
    return this.act(scope, id, 'confirm', null, actor);
  }

  async cancel(
    scope: Scope,
    id: string,
    body: CancelOrderBody,
    actor: Actor | null,
  ): Promise<OrderDetailView> {
    return this.act(scope, id, 'cancel', body.reason ?? 'seller_request', actor);
  }

  private async act(
    scope: Scope,
    id: string,
    action: OrderAction,
    reason: CancelReason | null,
    actor: Actor | null,
  ): Promise<OrderDetailView> {
    const order = await this.find(scope, id);
    if (!allowedActions(order.status).includes(action)) {
      throw new Conflict(
        `A ${order.status} order cannot be ${action === 'confirm' ? 'confirmed' : 'cancelled'}`,
      );
    }
    await this.actions.request(id, action, reason, actor);
    return this.get(scope, id);
  }

  /** The caller's scope and the query's filters, as the store selects orders (list and summary alike). */
  private filterOf(scope: Scope, query: OrderFilterQuery): OrderFilter {
    if (query.from && query.to && query.from > query.to) {
      throw new ValidationFailed([{ field: 'from', message: 'from must not be after to' }]);
    }
    return {
      scopeCooperativeId: scope.cooperativeId,
      ids: query.ids?.toLowerCase().split(','),
      cooperativeId: query.cooperativeId,
      marketplace: query.marketplace,
      status: query.status,
      placedFrom: query.from ? startOfVietnamDay(query.from) : undefined,
      lastDayStart: query.to ? startOfVietnamDay(query.to) : undefined,
      flagged: query.flagged === undefined ? undefined : query.flagged === 'true',
      stockStatus: query.stockStatus,
    };
  }

  /** The orders with their lines and the lines' SKU names: two more queries for the whole page. */
  private async views(orders: Order[]): Promise<OrderView[]> {
    const lines = await this.linesOf(orders.map((order) => order.id));
    const skuIds = [...lines.values()].flat().flatMap((line) => (line.skuId ? [line.skuId] : []));
    const labels = await this.products.skuLabels(skuIds);
    return orders.map((order) => orderView(order, lines.get(order.id) ?? [], labels));
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
