import { isRecord } from '../adapter-support';
import {
  amountField,
  idField,
  isoField,
  listField,
  quantityField,
  recordField,
  statusFrom,
  UnreadableOrder,
} from '../order-support';
import { CancelReason, MarketplaceOrder, OrderChange, OrderStatus, WebhookEvent } from '../port';

/** MARKETPLACES.md, Postmart-style: at most 100 orders a page, `updated_after` at most 15 days back. */
export const POSTMART_ORDER_PAGE_SIZE = 100;
export const POSTMART_LOOKBACK_MS = 15 * 86_400_000;
/**
 * How far inside the 15 days a clamped search starts. Postmart judges the 15 days on its clock, and
 * signed calls already require the two clocks within 5 minutes of each other; 10 minutes keeps a
 * clamped search from being refused when ours runs behind.
 */
export const POSTMART_LOOKBACK_MARGIN_MS = 10 * 60_000;

/** Postmart's status words are the connector's own, but only these six. */
const POSTMART_ORDER_STATUSES: Readonly<Record<string, OrderStatus>> = {
  pending: 'pending',
  confirmed: 'confirmed',
  shipped: 'shipped',
  delivered: 'delivered',
  cancelled: 'cancelled',
  returned: 'returned',
};

export function postmartOrderStatus(word: unknown): OrderStatus {
  return statusFrom(POSTMART_ORDER_STATUSES, word);
}

/** Postmart takes a `reason_code`, in its own lower-case style. */
export const POSTMART_CANCEL_REASONS: Readonly<Record<CancelReason, string>> = {
  out_of_stock: 'out_of_stock',
  seller_request: 'seller_request',
  buyer_request: 'buyer_request',
};

/**
 * The `updated_after` for "changed at or after `since`". Postmart's is strict, so it is sent 1 ms
 * earlier. It refuses more than 15 days back: an older `since` is clamped to now − 15 days (plus
 * the margin), and changes older than that can no longer be searched on Postmart at all — a
 * connection that has not polled for 15 days relies on the webhooks received meanwhile.
 */
export function postmartUpdatedAfter(since: Date, now: Date): { updatedAfter: string; clamped: boolean } {
  const earliest = now.getTime() - POSTMART_LOOKBACK_MS + POSTMART_LOOKBACK_MARGIN_MS;
  const wanted = since.getTime() - 1;
  return wanted < earliest
    ? { updatedAfter: new Date(earliest).toISOString(), clamped: true }
    : { updatedAfter: new Date(wanted).toISOString(), clamped: false };
}

/** `{order_id, status, placed_at, updated_at, total, lines: [{seller_sku, sku_id, quantity, unit_price}]}`. */
export function postmartOrder(raw: unknown): MarketplaceOrder {
  if (!isRecord(raw)) throw new UnreadableOrder('an order is not an object');
  return {
    externalOrderId: idField(raw, 'order_id'),
    status: postmartOrderStatus(raw.status),
    marketplaceStatus: String(raw.status),
    placedAt: isoField(raw, 'placed_at'),
    updatedAt: isoField(raw, 'updated_at'),
    totalVnd: amountField(raw, 'total'),
    lines: listField(raw, 'lines').map((line) => ({
      skuCode: idField(line, 'seller_sku'),
      variantId: idField(line, 'sku_id'),
      quantity: quantityField(line, 'quantity'),
      unitPriceVnd: amountField(line, 'unit_price'),
    })),
  };
}

export function postmartChange(order: MarketplaceOrder): OrderChange {
  return { externalOrderId: order.externalOrderId, status: order.status, updatedAt: order.updatedAt, order };
}

/** `data: {orders: [order], next_cursor}`; next_cursor is null on the last page. */
export function postmartOrderPage(data: unknown): { orders: MarketplaceOrder[]; nextCursor: string | null } {
  if (!isRecord(data)) throw new UnreadableOrder('the order list carries no data');
  const cursor = data.next_cursor;
  return {
    orders: listField(data, 'orders').map(postmartOrder),
    nextCursor: typeof cursor === 'string' && cursor !== '' ? cursor : null,
  };
}

/**
 * A push `{event, shop_id, occurred_at, order}`. Its `X-Postmart-Transaction` is one per delivery
 * (a duplicate delivery of the same event comes with another), so it cannot de-duplicate events:
 * the order's id, status and update time are the event.
 */
export function postmartWebhookEvent(body: Record<string, unknown>): WebhookEvent {
  if (body.event !== 'order.created' && body.event !== 'order.updated') {
    throw new UnreadableOrder(`unknown event ${String(body.event)}`);
  }
  const raw = recordField(body, 'order');
  const order = postmartOrder(raw);
  return {
    shopId: idField(body, 'shop_id'),
    eventId: `${order.externalOrderId}:${String(raw.status)}:${String(raw.updated_at)}`,
    change: postmartChange(order),
  };
}
