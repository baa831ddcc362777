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
import { CancelReason, MarketplaceOrder, OrderStatus, WebhookEvent } from '../port';

/** MARKETPLACES.md, Voso-style: at most 100 orders a page. */
export const VOSO_ORDER_PAGE_SIZE = 100;

/** Voso's status words (MARKETPLACES.md, "Status mapping to the connector"). */
const VOSO_ORDER_STATUSES: Readonly<Record<string, OrderStatus>> = {
  CHO_DUYET: 'pending',
  DA_DUYET: 'confirmed',
  CHO_XUAT_KHO: 'confirmed',
  DANG_GIAO: 'shipped',
  DA_GIAO: 'delivered',
  HUY: 'cancelled',
  TRA_HANG: 'returned',
};

/** Throws UnreadableOrder('unknown_status') for a word the table does not know. */
export function vosoOrderStatus(word: unknown): OrderStatus {
  return statusFrom(VOSO_ORDER_STATUSES, word);
}

/** Voso's `REASON` is free text shown to the buyer: the seller's words in Vietnamese. */
export const VOSO_CANCEL_REASONS: Readonly<Record<CancelReason, string>> = {
  out_of_stock: 'Hết hàng',
  seller_request: 'Người bán hủy đơn',
  buyer_request: 'Người mua yêu cầu hủy đơn',
};

/** An instant the way Voso writes its own: ISO with milliseconds in +07:00. */
export function vosoInstant(instant: Date): string {
  return new Date(instant.getTime() + 7 * 3600_000).toISOString().replace('Z', '+07:00');
}

/** `{ORDER_NUMBER, STATUS, CREATED_AT, UPDATED_AT, TOTAL_AMOUNT, ITEMS: [{PRODUCT_SKU, QUANTITY, PRICE}]}`. */
export function vosoOrder(raw: unknown): MarketplaceOrder {
  if (!isRecord(raw)) throw new UnreadableOrder('an order is not an object');
  return {
    externalOrderId: idField(raw, 'ORDER_NUMBER'),
    status: vosoOrderStatus(raw.STATUS),
    marketplaceStatus: String(raw.STATUS),
    placedAt: isoField(raw, 'CREATED_AT'),
    updatedAt: isoField(raw, 'UPDATED_AT'),
    totalVnd: amountField(raw, 'TOTAL_AMOUNT'),
    // Voso knows variants by PRODUCT_SKU, our SKU code: it has no variant id of its own
    lines: listField(raw, 'ITEMS').map((item) => ({
      skuCode: idField(item, 'PRODUCT_SKU'),
      variantId: null,
      quantity: quantityField(item, 'QUANTITY'),
      unitPriceVnd: amountField(item, 'PRICE'),
    })),
  };
}

export interface VosoOrderPage {
  orders: MarketplaceOrder[];
  /** the page's latest `UPDATED_AT`, exactly as Voso wrote it (null for an empty page) */
  latest: { text: string; ms: number } | null;
  total: number | null;
}

/** `data: {ITEMS: [order], TOTAL}`. */
export function vosoOrderPage(data: unknown): VosoOrderPage {
  if (!isRecord(data)) throw new UnreadableOrder('the order list carries no data');
  const items = listField(data, 'ITEMS');
  const orders = items.map(vosoOrder);
  let latest: VosoOrderPage['latest'] = null;
  orders.forEach((order, index) => {
    const ms = order.updatedAt.getTime();
    if (latest === null || ms > latest.ms) latest = { text: String(items[index].UPDATED_AT), ms };
  });
  return { orders, latest, total: typeof data.TOTAL === 'number' ? data.TOTAL : null };
}

/** Where the next order-list call reads from. */
export interface VosoCursor {
  /** the `updated_from` sent (inclusive) */
  updatedFrom: string;
  updatedFromMs: number;
  page: number;
}

export function vosoFirstCursor(since: Date): VosoCursor {
  return { updatedFrom: vosoInstant(since), updatedFromMs: since.getTime(), page: 1 };
}

/**
 * The call after a page, or null when the page was the last (short). Voso pages by offset over
 * orders sorted by `UPDATED_AT`, and an order that changes moves to the end: every row after it
 * shifts back one place, so the first row of the next page would slip into the page already read.
 * Instead of page numbers the walk re-reads from the latest `UPDATED_AT` seen (inclusive, so the
 * rows of that instant come again: duplicates, never gaps) — a changed order reappears at its new
 * time ahead. Only when a whole page shares one instant (bulk imports stamp many orders in the same
 * millisecond) does the walk step to the next page number of that same instant, or it would read
 * the same page forever. Within such a run, and only there, a row can still slip back one page if
 * another order of the same millisecond changes between two reads: the next search, which starts
 * at or before that instant, meets it again.
 */
export function vosoNextCursor(cursor: VosoCursor, page: VosoOrderPage, size: number): VosoCursor | null {
  if (page.orders.length < size || page.latest === null) return null;
  if (page.latest.ms > cursor.updatedFromMs) {
    return { updatedFrom: page.latest.text, updatedFromMs: page.latest.ms, page: 1 };
  }
  return { ...cursor, page: cursor.page + 1 };
}

/** A push `{EVENT_ID, EVENT_TYPE, SHOP_ID, DATA: <order>}`; EVENT_ID stays the same across retries. */
export function vosoWebhookEvent(body: Record<string, unknown>): WebhookEvent {
  if (body.EVENT_TYPE !== 'ORDER_CREATED' && body.EVENT_TYPE !== 'ORDER_STATUS_CHANGED') {
    throw new UnreadableOrder(`unknown EVENT_TYPE ${String(body.EVENT_TYPE)}`);
  }
  const order = vosoOrder(recordField(body, 'DATA'));
  return {
    shopId: idField(body, 'SHOP_ID'),
    eventId: idField(body, 'EVENT_ID'),
    change: {
      externalOrderId: order.externalOrderId,
      status: order.status,
      updatedAt: order.updatedAt,
      order,
    },
  };
}
