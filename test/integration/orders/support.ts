import { randomUUID } from 'node:crypto';
import { EVERYTHING } from '@ocop/common';
import type { Marketplace, MarketplaceOrder, OrderStatus } from '@ocop/marketplaces';
import type { OrderView } from '@ocop/orders';
import type { Services } from '../../support/services';

export const STATUSES: OrderStatus[] = [
  'pending',
  'confirmed',
  'shipped',
  'delivered',
  'cancelled',
  'returned',
];

/** Each marketplace's own word for a status, as docs/marketplaces.md ("Order statuses") lists them. */
export const MARKETPLACE_WORDS: Record<Marketplace, Record<OrderStatus, string>> = {
  sendo: { pending: '2', confirmed: '3', shipped: '6', delivered: '7', cancelled: '13', returned: '22' },
  voso: {
    pending: 'CHO_DUYET',
    confirmed: 'DA_DUYET',
    shipped: 'DANG_GIAO',
    delivered: 'DA_GIAO',
    cancelled: 'HUY',
    returned: 'TRA_HANG',
  },
  postmart: {
    pending: 'pending',
    confirmed: 'confirmed',
    shipped: 'shipped',
    delivered: 'delivered',
    cancelled: 'cancelled',
    returned: 'returned',
  },
  shopee: {
    pending: 'READY_TO_SHIP',
    confirmed: 'PROCESSED',
    shipped: 'SHIPPED',
    delivered: 'COMPLETED',
    cancelled: 'CANCELLED',
    returned: 'TO_RETURN',
  },
  tiktok: {
    pending: 'AWAITING_SHIPMENT',
    confirmed: 'AWAITING_COLLECTION',
    shipped: 'IN_TRANSIT',
    delivered: 'DELIVERED',
    cancelled: 'CANCELLED',
    returned: 'RETURN_OR_REFUND_REQUEST_COMPLETE',
  },
  lazada: {
    pending: 'pending',
    confirmed: 'ready_to_ship',
    shipped: 'shipped',
    delivered: 'delivered',
    cancelled: 'canceled',
    returned: 'returned',
  },
};

/** Where the cases' marketplace clocks start; event `n` of a case happens `n` minutes later. */
export const PLACED_AT = new Date('2026-03-10T02:00:00.000Z');
export const minute = (n: number) => new Date(PLACED_AT.getTime() + n * 60_000);

export interface LineInput {
  /** our SKU code as the marketplace names it (null: it names none) */
  code?: string | null;
  /** the marketplace's own variant id */
  variantId?: string | null;
  quantity: number;
  unitPriceVnd?: number;
}

/** An order as a marketplace's API answers it (what the import is handed). */
export function marketplaceOrder(
  marketplace: Marketplace,
  externalOrderId: string,
  status: OrderStatus,
  updatedAt: Date,
  lines: LineInput[],
  options: { totalVnd?: number; placedAt?: Date } = {},
): MarketplaceOrder {
  return {
    externalOrderId,
    status,
    marketplaceStatus: MARKETPLACE_WORDS[marketplace][status],
    placedAt: options.placedAt ?? PLACED_AT,
    updatedAt,
    // what the buyer pays, as the marketplace states it: by default the lines' sum
    totalVnd:
      options.totalVnd ??
      lines.reduce((sum, line) => sum + line.quantity * (line.unitPriceVnd ?? 120_000), 0),
    lines: lines.map((line) => ({
      skuCode: line.code ?? null,
      variantId: line.variantId ?? null,
      quantity: line.quantity,
      unitPriceVnd: line.unitPriceVnd ?? 120_000,
    })),
  };
}

export const newOrderId = (marketplace: Marketplace) => `${marketplace.toUpperCase()}-${randomUUID()}`;

/**
 * What a ledger row did, read off its figures as docs/api.md ("Orders", "Stock") defines the steps:
 * reserve holds units (reserved up), fulfil takes them out (on-hand and reserved down alike),
 * release gives a hold back (reserved down), restock brings units back (on-hand up).
 */
export type Step = 'reserve' | 'fulfil' | 'release' | 'restock';
function stepOf(row: { on_hand_delta: number; reserved_delta: number }): Step {
  const { on_hand_delta: onHand, reserved_delta: reserved } = row;
  if (onHand === 0 && reserved > 0) return 'reserve';
  if (onHand < 0 && reserved === onHand) return 'fulfil';
  if (onHand === 0 && reserved < 0) return 'release';
  if (onHand > 0 && reserved === 0) return 'restock';
  throw new Error(`a ledger row no order step explains: ${JSON.stringify(row)}`);
}

export interface LedgerRow {
  skuId: string;
  cooperativeId: string;
  kind: string;
  reason: string;
  orderId: string | null;
  step: Step;
  onHandDelta: number;
  reservedDelta: number;
  onHandAfter: number;
  reservedAfter: number;
  /** who made the change: null for what the connector did itself */
  actor: { kind: string; id: string; name: string } | null;
}

/** Reads back what the import did, from the tables and the Orders service. */
export function readers(services: Services) {
  const query = <T>(sql: string, params: unknown[]): Promise<T[]> => services.dataSource.query(sql, params);
  return {
    async stockOf(skuId: string): Promise<{ onHand: number; reserved: number }> {
      const [row] = await query<{ on_hand: number; reserved: number }>(
        `SELECT on_hand, reserved FROM skus WHERE id = $1`,
        [skuId],
      );
      return { onHand: row.on_hand, reserved: row.reserved };
    },
    /** The order's ledger rows (rows of one import may share a millisecond: compare them as a set). */
    async ledgerOf(orderId: string): Promise<LedgerRow[]> {
      const rows = await query<{
        sku_id: string;
        cooperative_id: string;
        kind: string;
        reason: string;
        order_id: string | null;
        on_hand_delta: number;
        reserved_delta: number;
        on_hand_after: number;
        reserved_after: number;
        actor_kind: string | null;
        actor_id: string | null;
        actor_name: string | null;
      }>(
        `SELECT sku_id, cooperative_id, kind, reason, order_id, on_hand_delta, reserved_delta,
                on_hand_after, reserved_after, actor_kind, actor_id, actor_name
         FROM stock_movements WHERE order_id = $1 ORDER BY created_at`,
        [orderId],
      );
      return rows.map((row) => ({
        skuId: row.sku_id,
        cooperativeId: row.cooperative_id,
        kind: row.kind,
        reason: row.reason,
        orderId: row.order_id,
        step: stepOf(row),
        onHandDelta: row.on_hand_delta,
        reservedDelta: row.reserved_delta,
        onHandAfter: row.on_hand_after,
        reservedAfter: row.reserved_after,
        actor:
          row.actor_kind === null
            ? null
            : { kind: row.actor_kind, id: row.actor_id as string, name: row.actor_name as string },
      }));
    },
    /** Every ledger row of a SKU, whatever its cause, with who made it (null: the connector). */
    async movementsOfSku(
      skuId: string,
    ): Promise<{ kind: string; orderId: string | null; actorName: string | null }[]> {
      const rows = await query<{ kind: string; order_id: string | null; actor_name: string | null }>(
        `SELECT kind, order_id, actor_name FROM stock_movements WHERE sku_id = $1`,
        [skuId],
      );
      return rows.map((row) => ({ kind: row.kind, orderId: row.order_id, actorName: row.actor_name }));
    },
    /** The order as the Orders API shows it, found by its connection and marketplace id. */
    async orderOf(connectionId: string, externalOrderId: string): Promise<OrderView | undefined> {
      const [row] = await query<{ id: string }>(
        `SELECT id FROM orders WHERE connection_id = $1 AND external_order_id = $2`,
        [connectionId, externalOrderId],
      );
      return row ? services.orders.get(EVERYTHING, row.id) : undefined;
    },
    async ordersNamed(externalOrderId: string): Promise<{ id: string; connectionId: string }[]> {
      const rows = await query<{ id: string; connection_id: string }>(
        `SELECT id, connection_id FROM orders WHERE external_order_id = $1`,
        [externalOrderId],
      );
      return rows.map((row) => ({ id: row.id, connectionId: row.connection_id }));
    },
  };
}
