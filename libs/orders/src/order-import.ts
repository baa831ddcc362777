import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ProductsService, StockLedger, type CausedStockMove, type LockedStock } from '@ocop/catalogue';
import { ListingsService, ListingVersions } from '@ocop/channels';
import { EventBus, Transactions } from '@ocop/database';
import type { Marketplace, MarketplaceOrder, MarketplaceOrderLine } from '@ocop/marketplaces';
import type { Order, OrderLine } from './entities';
import { OrderOversold, OrdersChanged, type OrderSnapshot } from './events';
import { ordersImported, ordersOversold } from './order-metrics';
import { isNewer, marketplaceMovedStock, stockPlan, type StockPlan, type StockStep } from './order-lifecycle';
import { OrderStore, type NewOrder, type StoredOrderState } from './orders.repository';

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

/** One order of a batch as it stands while the batch is applied. */
interface Pending {
  incoming: MarketplaceOrder;
  order: Order;
  created: boolean;
  lines: OrderLine[];
  plan: StockPlan;
  before: { status: Order['status'] } | null;
  wasOversold: boolean;
}

/**
 * The one path by which orders enter or change: webhooks, polling and order actions all come here,
 * one order or a batch of a connection's orders at a time. It is idempotent: orders are upserted
 * by (connection, external id) under their row locks, an older state never replaces a newer one,
 * and the stock effect of each transition is applied once, as ledger rows, in the same transaction
 * as the order's new phase. A batch costs a constant number of statements whatever its size:
 * multi-row inserts and updates, the ledger's moves decided together over the locked SKUs (in the
 * batch's order: the earlier order gets the last units), the roll-ups added once, each product's
 * listings bumped once.
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

  async import(source: OrderSource, incoming: MarketplaceOrder, via: ImportSource): Promise<ImportResult> {
    const [result] = await this.importMany(source, [incoming], via);
    return result;
  }

  /**
   * Imports a batch of one connection's orders in one transaction of its own, with `alongside`
   * (what else the import settles, e.g. the inbox rows) in it, and answers a result per order
   * given. An order named twice is imported once, in its newest state. Any failure rolls the whole
   * batch back: the caller decides whether to try its orders one by one. The lines' SKUs are looked
   * up before the transaction opens: looked up inside it, each batch held one pooled connection
   * while it waited for a second, and as many batches as the pool has connections stalled them all.
   */
  async importMany(
    source: OrderSource,
    given: MarketplaceOrder[],
    via: ImportSource,
    alongside?: (manager: EntityManager) => Promise<void>,
  ): Promise<ImportResult[]> {
    const newest = new Map<string, MarketplaceOrder>();
    for (const order of given) {
      const held = newest.get(order.externalOrderId);
      if (!held || isNewer({ status: held.status, updatedAt: held.updatedAt }, order)) {
        newest.set(order.externalOrderId, order);
      }
    }
    const incoming = [...newest.values()];
    const mapped = await this.mapLines(
      source,
      incoming.map((order) => order.lines),
    );
    const results = await this.transactions.run(async (manager) => {
      const locked = await this.ledger.lock(
        manager,
        mapped
          .flat()
          .map((line) => line.skuId)
          .filter((id): id is string => id !== null),
      );
      const created = await this.store.insertNew(
        manager,
        // inserted in external id order: two batches sharing new orders cannot wait on each other
        incoming
          .map((order, index) => ({ order, lines: mapped[index] }))
          .sort((a, b) => (a.order.externalOrderId < b.order.externalOrderId ? -1 : 1))
          .map(({ order, lines }) => ({
            order: this.newOrder(source, order, lines),
            lines: lines.map((line) => ({
              skuId: line.skuId,
              productId: line.productId,
              skuCode: line.resolvedCode,
              variantId: line.variantId,
              quantity: line.quantity,
              unitPriceVnd: line.unitPriceVnd,
            })),
          })),
      );
      const existing = new Map(
        (
          await this.store.lockMany(
            manager,
            source.connectionId,
            incoming.filter((order) => !created.has(order.externalOrderId)).map((o) => o.externalOrderId),
          )
        ).map((order) => [order.externalOrderId, order]),
      );
      const outcome = new Map<string, ImportResult>();
      const moving: Pending[] = [];
      for (const order of incoming) {
        const fresh = created.get(order.externalOrderId)?.order;
        const stored = fresh ?? existing.get(order.externalOrderId);
        if (!stored) throw new Error(`order ${order.externalOrderId} was neither created nor found`);
        if (!fresh && !isNewer({ status: stored.status, updatedAt: stored.marketplaceUpdatedAt }, order)) {
          outcome.set(order.externalOrderId, { order: stored, outcome: 'unchanged' });
          continue;
        }
        moving.push({
          incoming: order,
          order: stored,
          created: fresh !== undefined,
          lines: [],
          plan: stockPlan(fresh ? 'none' : stored.stockPhase, order.status),
          before: fresh ? null : { status: stored.status },
          wasOversold: stored.oversold,
        });
      }
      // a new order's lines came back from their insert: only known orders' are read
      const lines = await this.store.linesOfOrders(
        manager,
        moving.filter((p) => !p.created).map((p) => p.order.id),
      );
      for (const pending of moving) {
        pending.lines = pending.created
          ? (created.get(pending.incoming.externalOrderId)?.lines ?? [])
          : lines.filter((line) => line.orderId === pending.order.id);
      }
      const changedLines = await this.applySteps(manager, moving, locked);
      await this.store.saveLineHoldings(manager, changedLines);
      await this.forgetHeldStock(manager, source, moving);
      for (const pending of moving) {
        const { order, incoming: next, plan } = pending;
        const short = pending.lines.some(
          (line) => line.skuId !== null && line.reservedQuantity + line.fulfilledQuantity < line.quantity,
        );
        Object.assign(order, {
          status: next.status,
          marketplaceStatus: next.marketplaceStatus,
          marketplaceUpdatedAt: next.updatedAt,
          totalVnd: next.totalVnd,
          stockPhase: plan.phase,
          oversold: (plan.phase === 'reserved' || plan.phase === 'fulfilled') && short,
        });
        outcome.set(next.externalOrderId, { order, outcome: pending.created ? 'created' : 'updated' });
      }
      await this.store.saveStates(
        manager,
        // a newer event in the same status (a changed total) is no step of the history
        moving.map((p) => ({ ...p.order, moved: p.before?.status !== p.order.status })),
      );
      for (const { order, wasOversold } of moving) {
        if (!order.oversold || wasOversold) continue;
        ordersOversold.inc({ marketplace: source.marketplace });
        await this.events.publish(
          manager,
          new OrderOversold(order.id, order.cooperativeId, order.marketplace, order.externalOrderId),
        );
      }
      if (moving.length > 0) {
        await this.events.publish(
          manager,
          new OrdersChanged(
            moving.map(({ order, lines: orderLines, before }) => {
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
              return { before: before ? snapshot(before.status) : null, after: snapshot(order.status) };
            }),
          ),
        );
      }
      await alongside?.(manager);
      return given.map((order) => outcome.get(order.externalOrderId) as ImportResult);
    });
    for (const result of new Set(results)) {
      ordersImported.inc({ marketplace: source.marketplace, source: via, outcome: result.outcome });
    }
    return results;
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
   * The stock steps of every moving order, applied through the ledger in rounds: each order's
   * first step (reserve, release or restock) in the batch's order, then the fulfilments that follow
   * a reserve. A fulfilment moves on-hand and reserved alike, so the last units are decided as if
   * the orders had come one by one. Answers the lines whose holdings changed.
   */
  private async applySteps(
    manager: EntityManager,
    moving: Pending[],
    locked: LockedStock,
  ): Promise<OrderLine[]> {
    const changed = new Set<OrderLine>();
    const rounds = Math.max(0, ...moving.map((p) => p.plan.steps.length));
    for (let round = 0; round < rounds; round++) {
      const moves: (CausedStockMove & { line: OrderLine; step: StockStep; units: number })[] = [];
      for (const { order, lines, plan, incoming } of moving) {
        const step = plan.steps[round];
        if (!step) continue;
        const cause = {
          kind: 'order' as const,
          reason: `${order.marketplace} order ${order.externalOrderId} ${incoming.status}: ${step}`,
          orderId: order.id,
        };
        for (const line of lines) {
          if (line.skuId === null) continue;
          const skuId = line.skuId;
          const move = (change: CausedStockMove['change'], units: number) =>
            moves.push({ skuId, change, cause, line, step, units });
          if (step === 'reserve') {
            const lacking = line.quantity - line.reservedQuantity - line.fulfilledQuantity;
            if (lacking > 0) move({ reserveUpTo: lacking }, lacking);
          } else if (step === 'fulfil' && line.reservedQuantity > 0) {
            const units = line.reservedQuantity;
            move({ onHandDelta: -units, reservedDelta: -units }, units);
          } else if (step === 'release' && line.reservedQuantity > 0) {
            move({ onHandDelta: 0, reservedDelta: -line.reservedQuantity }, line.reservedQuantity);
          } else if (step === 'restock' && line.fulfilledQuantity > 0) {
            move({ onHandDelta: line.fulfilledQuantity, reservedDelta: 0 }, line.fulfilledQuantity);
          }
        }
      }
      const outcomes = await this.ledger.moveInOrder(manager, moves, locked);
      moves.forEach(({ line, step, units, skuId, cause }, index) => {
        const outcome = outcomes[index];
        // a step that only moves units this order holds cannot break on-hand ≥ reserved ≥ 0
        if (outcome === null) {
          throw new Error(`stock ledger refused ${step} of ${units} for SKU ${skuId} (${cause.reason})`);
        }
        if (step === 'reserve') line.reservedQuantity += outcome;
        else if (step === 'fulfil') {
          line.fulfilledQuantity += units;
          line.reservedQuantity = 0;
        } else if (step === 'release') line.reservedQuantity = 0;
        else line.fulfilledQuantity = 0;
        if (step !== 'reserve' || outcome > 0) changed.add(line);
      });
    }
    return [...changed];
  }

  /**
   * What this connection's listings record as held no longer is where the marketplace moved its
   * own stock (a new order, a cancellation): the next push corrects it. One call for the batch.
   */
  private async forgetHeldStock(
    manager: EntityManager,
    source: OrderSource,
    moving: Pending[],
  ): Promise<void> {
    const known = moving
      .filter((p) => marketplaceMovedStock(p.before?.status ?? null, p.incoming.status))
      .flatMap((p) => p.lines)
      .filter((line) => line.productId !== null && line.skuCode !== null);
    await this.versions.forgetHeldStock(
      manager,
      source.connectionId,
      known.map((line) => line.productId as string),
      known.map((line) => line.skuCode as string),
    );
  }

  /**
   * Each line's SKU: through the listing's variant ids first (the marketplace's own id cannot be
   * mistyped), then by our SKU code. A line that maps to nothing stays on the order, flagged. One
   * look-up of each kind for the whole batch.
   */
  private async mapLines(source: OrderSource, orders: MarketplaceOrderLine[][]): Promise<MappedLine[][]> {
    const all = orders.flat();
    const variantIds = all.map((line) => line.variantId).filter((id): id is string => id !== null);
    const codesByVariant = await this.listings.skuCodesByVariant(source.connectionId, [
      ...new Set(variantIds),
    ]);
    const codeOf = (line: MarketplaceOrderLine) =>
      (line.variantId !== null ? codesByVariant.get(line.variantId) : undefined) ?? line.skuCode;
    const skus = await this.products.skusByCode(source.cooperativeId, [
      ...new Set(all.map(codeOf).filter((code): code is string => code !== null)),
    ]);
    return orders.map((lines) =>
      lines.map((line) => {
        const code = codeOf(line);
        const sku = code === null ? undefined : skus.get(code);
        return {
          ...line,
          skuId: sku?.id ?? null,
          productId: sku?.productId ?? null,
          resolvedCode: sku?.code ?? line.skuCode,
        };
      }),
    );
  }

  private newOrder(source: OrderSource, incoming: MarketplaceOrder, lines: MappedLine[]): NewOrder {
    return {
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
    };
  }
}
