import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ProductsService, StockLedger } from '@ocop/catalogue';
import { ListingsService, ListingVersions } from '@ocop/channels';
import { EventBus, Transactions } from '@ocop/database';
import type { Marketplace, MarketplaceOrder, MarketplaceOrderLine } from '@ocop/marketplaces';
import type { Order, OrderLine } from './entities';
import { OrderChanged, OrderOversold, type OrderSnapshot } from './events';
import { ordersImported, ordersOversold } from './order-metrics';
import { isNewer, marketplaceMovedStock, stockPlan, type StockStep } from './order-lifecycle';
import { OrderStore, type StoredOrderState } from './orders.repository';

/** Whose order it is: the connection it came through. */
export interface OrderSource {
  connectionId: string;
  cooperativeId: string;
  marketplace: Marketplace;
}

export type ImportSource = 'webhook' | 'poll' | 'action';

export interface ImportResult {
  order: Order;
  outcome: 'created' | 'updated' | 'unchanged';
}

interface MappedLine extends MarketplaceOrderLine {
  skuId: string | null;
  productId: string | null;
  resolvedCode: string | null;
}

/**
 * The one path by which an order enters or changes: webhooks, polling and order actions all come
 * here. It is idempotent: the order is upserted by (connection, external id) under its row lock,
 * an older state never replaces a newer one, and the stock effect of each transition is applied
 * once, as ledger rows, in the same transaction as the order's new phase.
 */
@Injectable()
export class OrderImport {
  constructor(
    private readonly transactions: Transactions,
    private readonly store: OrderStore,
    private readonly products: ProductsService,
    private readonly listings: ListingsService,
    private readonly versions: ListingVersions,
    private readonly ledger: StockLedger,
    private readonly events: EventBus,
  ) {}

  async import(
    source: OrderSource,
    incoming: MarketplaceOrder,
    via: ImportSource,
    within?: EntityManager,
  ): Promise<ImportResult> {
    const lines = await this.mapLines(source, incoming.lines);
    const result = await this.transactions.run(async (manager) => {
      await this.ledger.lock(
        manager,
        lines.map((line) => line.skuId).filter((id): id is string => id !== null),
      );
      const created = await this.insertIfNew(manager, source, incoming, lines);
      const order =
        created ?? (await this.store.lock(manager, source.connectionId, incoming.externalOrderId));
      if (
        !created &&
        !isNewer(
          { status: order.status, updatedAt: order.marketplaceUpdatedAt },
          { status: incoming.status, updatedAt: incoming.updatedAt },
        )
      ) {
        return { order, outcome: 'unchanged' as const };
      }
      const wasOversold = order.oversold;
      const before = created ? null : { status: order.status };
      const orderLines = await this.store.lines(manager, order.id);
      const plan = stockPlan(created ? 'none' : order.stockPhase, incoming.status);
      for (const step of plan.steps) await this.applyStep(manager, order, orderLines, step, incoming);
      if (marketplaceMovedStock(before?.status ?? null, incoming.status)) {
        // what this connection's listings record as held no longer is: the next push corrects it
        const known = orderLines.filter((line) => line.productId !== null && line.skuCode !== null);
        await this.versions.forgetHeldStock(
          manager,
          source.connectionId,
          known.map((line) => line.productId as string),
          known.map((line) => line.skuCode as string),
        );
      }
      const short = orderLines.some(
        (line) => line.skuId !== null && line.reservedQuantity + line.fulfilledQuantity < line.quantity,
      );
      Object.assign(order, {
        status: incoming.status,
        marketplaceStatus: incoming.marketplaceStatus,
        marketplaceUpdatedAt: incoming.updatedAt,
        totalVnd: incoming.totalVnd,
        stockPhase: plan.phase,
        oversold: (plan.phase === 'reserved' || plan.phase === 'fulfilled') && short,
      });
      await this.store.saveState(manager, order);
      // a newer event in the same status (a changed total) is no step of the history
      if (before?.status !== order.status) await this.store.recordStatus(manager, order);
      if (order.oversold && !wasOversold) {
        ordersOversold.inc({ marketplace: source.marketplace });
        await this.events.publish(
          manager,
          new OrderOversold(order.id, order.cooperativeId, order.marketplace, order.externalOrderId),
        );
      }
      const snapshot = (status: Order['status']): OrderSnapshot => ({
        orderId: order.id,
        cooperativeId: order.cooperativeId,
        marketplace: order.marketplace,
        placedAt: order.placedAt,
        status,
        lines: orderLines.map((line) => ({
          productId: line.productId,
          quantity: line.quantity,
          unitPriceVnd: line.unitPriceVnd,
        })),
      });
      await this.events.publish(
        manager,
        new OrderChanged(before ? snapshot(before.status) : null, snapshot(order.status)),
      );
      return { order, outcome: created ? ('created' as const) : ('updated' as const) };
    }, within);
    ordersImported.inc({ marketplace: source.marketplace, source: via, outcome: result.outcome });
    return result;
  }

  /** The stored state of some of a connection's orders, to skip what polling finds unchanged. */
  async storedStates(
    connectionId: string,
    externalOrderIds: string[],
  ): Promise<Map<string, StoredOrderState>> {
    if (externalOrderIds.length === 0) return new Map();
    return this.transactions.run((manager) =>
      this.store.storedStates(manager, connectionId, externalOrderIds),
    );
  }

  /**
   * Each line's SKU: through the listing's variant ids first (the marketplace's own id cannot be
   * mistyped), then by our SKU code. A line that maps to nothing stays on the order, flagged.
   */
  private async mapLines(source: OrderSource, lines: MarketplaceOrderLine[]): Promise<MappedLine[]> {
    const variantIds = lines.map((line) => line.variantId).filter((id): id is string => id !== null);
    const codesByVariant = await this.listings.skuCodesByVariant(source.connectionId, variantIds);
    const codes = lines.map(
      (line) => (line.variantId !== null ? codesByVariant.get(line.variantId) : undefined) ?? line.skuCode,
    );
    const skus = await this.products.skusByCode(
      source.cooperativeId,
      codes.filter((code): code is string => code !== null),
    );
    return lines.map((line, index) => {
      const code = codes[index];
      const sku = code === null ? undefined : skus.get(code);
      return {
        ...line,
        skuId: sku?.id ?? null,
        productId: sku?.productId ?? null,
        resolvedCode: sku?.code ?? line.skuCode,
      };
    });
  }

  /** The order and its lines, unless the connection already has it (undefined then). */
  private async insertIfNew(
    manager: EntityManager,
    source: OrderSource,
    incoming: MarketplaceOrder,
    lines: MappedLine[],
  ): Promise<Order | undefined> {
    return this.store.insertIfNew(
      manager,
      {
        cooperativeId: source.cooperativeId,
        connectionId: source.connectionId,
        marketplace: source.marketplace,
        externalOrderId: incoming.externalOrderId,
        status: incoming.status,
        marketplaceStatus: incoming.marketplaceStatus,
        marketplaceUpdatedAt: incoming.updatedAt,
        placedAt: incoming.placedAt,
        totalVnd: incoming.totalVnd,
        unknownLines: lines.filter((line) => line.skuId === null).length,
      },
      lines.map((line) => ({
        skuId: line.skuId,
        productId: line.productId,
        skuCode: line.resolvedCode,
        variantId: line.variantId,
        quantity: line.quantity,
        unitPriceVnd: line.unitPriceVnd,
      })),
    );
  }

  private async applyStep(
    manager: EntityManager,
    order: Order,
    lines: OrderLine[],
    step: StockStep,
    incoming: MarketplaceOrder,
  ): Promise<void> {
    const cause = {
      kind: 'order' as const,
      reason: `${order.marketplace} order ${order.externalOrderId} ${incoming.status}: ${step}`,
      orderId: order.id,
    };
    for (const line of lines) {
      if (line.skuId === null) continue;
      const before = { reserved: line.reservedQuantity, fulfilled: line.fulfilledQuantity };
      if (step === 'reserve') {
        const lacking = line.quantity - line.reservedQuantity - line.fulfilledQuantity;
        line.reservedQuantity += await this.ledger.reserveUpTo(manager, line.skuId, lacking, cause);
      } else if (step === 'fulfil' && line.reservedQuantity > 0) {
        const units = line.reservedQuantity;
        await this.mustApply(manager, line.skuId, { onHandDelta: -units, reservedDelta: -units }, cause);
        line.fulfilledQuantity += units;
        line.reservedQuantity = 0;
      } else if (step === 'release' && line.reservedQuantity > 0) {
        await this.mustApply(manager, line.skuId, { reservedDelta: -line.reservedQuantity }, cause);
        line.reservedQuantity = 0;
      } else if (step === 'restock' && line.fulfilledQuantity > 0) {
        await this.mustApply(manager, line.skuId, { onHandDelta: line.fulfilledQuantity }, cause);
        line.fulfilledQuantity = 0;
      }
      if (line.reservedQuantity !== before.reserved || line.fulfilledQuantity !== before.fulfilled) {
        await this.store.saveLineHoldings(manager, line);
      }
    }
  }

  /** A step that only moves units this order holds cannot break on-hand ≥ reserved ≥ 0. */
  private async mustApply(
    manager: EntityManager,
    skuId: string,
    change: Parameters<StockLedger['apply']>[2],
    cause: Parameters<StockLedger['apply']>[3],
  ): Promise<void> {
    const applied = await this.ledger.apply(manager, skuId, change, cause);
    if (!applied) {
      throw new Error(`stock ledger refused ${JSON.stringify(change)} for SKU ${skuId} (${cause.reason})`);
    }
  }
}
