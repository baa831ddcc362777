import { isRecord } from '../adapter-support';
import {
  idField,
  isoField,
  listField,
  recordField,
  statusFrom,
  UnreadableOrder,
  unixSecondsField,
} from '../order-support';
import { CancelReason, MarketplaceOrder, MarketplaceOrderLine, OrderStatus, WebhookEvent } from '../port';

/** docs/marketplace-lazada.md, "Orders": rows a page, the deepest offset, orders per items call. */
export const LAZADA_ORDER_PAGE_SIZE = 100;
export const LAZADA_MAX_ORDER_OFFSET = 5000;
export const LAZADA_ORDERS_PER_ITEMS_CALL = 50;

/**
 * Item statuses to the connector's, in lifecycle order (the order of the keys matters: it ranks the
 * items of one connector status when the lowest live item is picked). `shipped_back_failed` is not
 * in the published mapping; the parcel is still with the carrier, so it reads as shipped.
 */
const LAZADA_ITEM_STATUSES: Readonly<Record<string, OrderStatus>> = {
  unpaid: 'pending',
  pending: 'pending',
  packed: 'confirmed',
  repacked: 'confirmed',
  ready_to_ship_pending: 'confirmed',
  ready_to_ship: 'confirmed',
  shipped: 'shipped',
  failed_delivery: 'shipped',
  shipped_back: 'shipped',
  shipped_back_failed: 'shipped',
  delivered: 'delivered',
  returned: 'returned',
  shipped_back_success: 'returned',
  canceled: 'cancelled',
  lost_by_3pl: 'cancelled',
  damaged_by_3pl: 'cancelled',
  package_scrapped: 'cancelled',
};
const LIFECYCLE = Object.keys(LAZADA_ITEM_STATUSES);
const STATUS_RANK: Readonly<Record<OrderStatus, number>> = {
  pending: 0,
  confirmed: 1,
  shipped: 2,
  delivered: 3,
  returned: 4,
  cancelled: 5,
};

/** The connector status of one item status word. */
export function lazadaItemStatus(word: unknown): OrderStatus {
  return statusFrom(LAZADA_ITEM_STATUSES, word);
}

/**
 * An order's status from its items': the lowest live item decides (live: not cancelled); an order
 * whose items are all cancelled is cancelled. `marketplaceStatus` is that item's word.
 */
export function lazadaOrderStatus(words: readonly unknown[]): {
  status: OrderStatus;
  marketplaceStatus: string;
} {
  if (words.length === 0) throw new UnreadableOrder('the order has no items');
  const ranked = words.map((word) => {
    const status = lazadaItemStatus(word);
    return { word: String(word), status, rank: STATUS_RANK[status] * 100 + LIFECYCLE.indexOf(String(word)) };
  });
  const live = ranked.filter((item) => item.status !== 'cancelled');
  const lowest = (live.length > 0 ? live : ranked).reduce((a, b) => (b.rank < a.rank ? b : a));
  return { status: lowest.status, marketplaceStatus: lowest.word };
}

/**
 * Lazada's order times, `2026-11-28 15:56:13 +0700` (an ISO-8601 instant with its zone is read
 * too). A time without a zone would be read in the server's zone, so it is refused.
 */
export function lazadaTimeField(record: Record<string, unknown>, field: string): Date {
  const value = record[field];
  const match =
    typeof value === 'string'
      ? /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) ([+-]\d{2})(\d{2})$/.exec(value)
      : null;
  if (!match) return isoField(record, field);
  return isoField({ [field]: `${match[1]}T${match[2]}${match[3]}:${match[4]}` }, field);
}

/**
 * The `update_after` for "changed at or after `since`": Lazada's is inclusive and takes whole
 * seconds with an offset, so the instant is cut down to its second (a search may meet an order
 * again; it never misses one) and written in Vietnam time.
 */
export function lazadaUpdateAfter(since: Date): string {
  const vietnam = new Date(Math.floor(since.getTime() / 1000) * 1000 + 7 * 3600_000);
  return `${vietnam.toISOString().slice(0, 19)}+07:00`;
}

/** A money figure Lazada may send as a number or a decimal string ("85000.00"). */
function moneyField(record: Record<string, unknown>, field: string): number {
  const value = record[field];
  const amount = typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value;
  if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0) {
    throw new UnreadableOrder(`${field} is not an amount`);
  }
  return Math.round(amount);
}

/**
 * Lazada lists one item per unit: the units of one SKU at one price fold into a line with their
 * count as the quantity. Only live units count while any is live (a partly cancelled order sold
 * the rest); an order cancelled whole keeps every unit, so it still shows what was ordered. The
 * unit price is `item_price`, the seller's price before the buyer's vouchers.
 */
export function lazadaOrderLines(items: readonly Record<string, unknown>[]): MarketplaceOrderLine[] {
  const live = items.filter((item) => lazadaItemStatus(item.status) !== 'cancelled');
  const counted = live.length > 0 ? live : items;
  const lines = new Map<string, MarketplaceOrderLine>();
  for (const item of counted) {
    const skuCode = idField(item, 'sku');
    const variantId = idField(item, 'sku_id');
    const unitPriceVnd = moneyField(item, 'item_price');
    const key = JSON.stringify([variantId, skuCode, unitPriceVnd]);
    const line = lines.get(key);
    if (line) line.quantity += 1;
    else lines.set(key, { skuCode, variantId, quantity: 1, unitPriceVnd });
  }
  return [...lines.values()];
}

/**
 * A full order from its row in `/orders/get` (`{order_id, created_at, updated_at, …}`) and its
 * entry in `/orders/items/get` (`{order_id, order_items: […]}`). Lazada gives the order no status:
 * it is its items'.
 */
export function lazadaOrder(row: unknown, itemsEntry: unknown): MarketplaceOrder {
  if (!isRecord(row) || !isRecord(itemsEntry)) throw new UnreadableOrder('an order is not an object');
  const externalOrderId = idField(row, 'order_id');
  if (idField(itemsEntry, 'order_id') !== externalOrderId) {
    throw new UnreadableOrder(`the items read are not those of order ${externalOrderId}`);
  }
  const items = listField(itemsEntry, 'order_items');
  const lines = lazadaOrderLines(items);
  return {
    externalOrderId,
    ...lazadaOrderStatus(items.map((item) => item.status)),
    placedAt: lazadaTimeField(row, 'created_at'),
    updatedAt: lazadaTimeField(row, 'updated_at'),
    totalVnd: lines.reduce((sum, line) => sum + line.quantity * line.unitPriceVnd, 0),
    lines,
  };
}

/** `data: {count, countTotal, orders: [row]}` → the rows, for `lazadaOrder` with their items. */
export function lazadaOrderRows(data: unknown): { rows: Record<string, unknown>[]; countTotal: number } {
  if (!isRecord(data)) throw new UnreadableOrder('the order list carries no data');
  const total = data.countTotal;
  const rows = Array.isArray(data.orders) ? listField(data, 'orders') : [];
  return { rows, countTotal: typeof total === 'number' && Number.isSafeInteger(total) ? total : rows.length };
}

/** `data: [{order_id, order_items}]` by order id; ids Lazada did not answer for are absent. */
export function lazadaItemsByOrder(data: unknown): Map<string, Record<string, unknown>> {
  if (!Array.isArray(data) || !data.every(isRecord))
    throw new UnreadableOrder('the order items are not a list');
  return new Map(data.map((entry) => [idField(entry, 'order_id'), entry]));
}

/**
 * The reason names cancel/validate offers that each connector reason picks (the call takes the
 * `reason_id` found under that name). Only "Out of Stock" also zeroes the SKU's stock on Lazada.
 */
export const LAZADA_CANCEL_REASON_NAMES: Readonly<Record<CancelReason, string>> = {
  out_of_stock: 'Out of Stock',
  seller_request: 'Wrong Price or Pricing Error',
  buyer_request: 'Customer requested cancellation',
};

/**
 * A push `{seller_id, message_type: 0, data: {order_status, status_update_time, trade_order_id,
 * trade_order_line_id}, timestamp, site}`. It speaks of one item: its status is that item's, not
 * the order's, so the importer reads the order before acting. There is no event id; the line, its
 * status and the time of the change are the event.
 */
export function lazadaPushEvent(body: Record<string, unknown>): WebhookEvent {
  if (body.message_type !== 0) throw new UnreadableOrder(`unknown message_type ${String(body.message_type)}`);
  const data = recordField(body, 'data');
  const externalOrderId = idField(data, 'trade_order_id');
  const line = idField(data, 'trade_order_line_id');
  const status = lazadaItemStatus(data.order_status);
  const updatedAt = unixSecondsField(data, 'status_update_time');
  return {
    shopId: idField(body, 'seller_id'),
    eventId: `${line}:${String(data.order_status)}:${updatedAt.getTime() / 1000}`,
    change: { externalOrderId, status, updatedAt },
  };
}
