import { isRecord } from '../adapter-support';
import {
  amountField,
  idField,
  listField,
  quantityField,
  recordField,
  statusFrom,
  unixSecondsField,
  UnreadableOrder,
} from '../order-support';
import { CancelReason, MarketplaceOrder, OrderChange, OrderStatus, WebhookEvent } from '../port';

/** MARKETPLACES.md, Sendo-style orders: at most 50 rows a page, status windows of at most 3 days. */
export const SENDO_ORDER_PAGE_SIZE = 50;
export const SENDO_WINDOW_DAYS = 3;
export const SENDO_CONFIRMED = 3;
export const SENDO_CANCELLED = 13;

/** Sendo's order status codes (MARKETPLACES.md, "Status mapping to the connector"). */
const SENDO_ORDER_STATUSES: Readonly<Record<string, OrderStatus>> = {
  2: 'pending',
  3: 'confirmed',
  6: 'shipped',
  21: 'shipped',
  7: 'delivered',
  8: 'delivered',
  10: 'delivered',
  13: 'cancelled',
  22: 'returned',
};

/** Throws UnreadableOrder('unknown_status') for a code the table does not know. */
export function sendoOrderStatus(code: unknown): OrderStatus {
  return statusFrom(SENDO_ORDER_STATUSES, code);
}

/**
 * Sendo's `cancel_order_reason` is free text a buyer sees, so it goes in Vietnamese, the seller's
 * own words for each of the connector's reasons.
 */
export const SENDO_CANCEL_REASONS: Readonly<Record<CancelReason, string>> = {
  out_of_stock: 'Hết hàng',
  seller_request: 'Người bán hủy đơn',
  buyer_request: 'Người mua yêu cầu hủy đơn',
};

const VN_OFFSET_MS = 7 * 3600_000;
const DAY_MS = 86_400_000;

/** Index of the calendar day in Asia/Ho_Chi_Minh (UTC+07:00, no daylight saving) holding `ms`. */
function vietnamDayIndex(ms: number): number {
  return Math.floor((ms + VN_OFFSET_MS) / DAY_MS);
}

function dayText(dayIndex: number): string {
  return new Date(dayIndex * DAY_MS).toISOString().slice(0, 10).replace(/-/g, '/');
}

/** `yyyy/MM/dd` of the Vietnam calendar day holding the instant: Sendo's dates are days there. */
export function sendoDay(instant: Date): string {
  return dayText(vietnamDayIndex(instant.getTime()));
}

export interface SendoWindow {
  from: string;
  to: string;
}

/**
 * The status-date windows that cover every day from `since`'s day to today, oldest first. Sendo
 * counts both ends (3 calendar days inclusive: 11/01–11/03), so consecutive windows start 3 days
 * apart. The last window is kept 3 days long even past today: it costs nothing and still catches a
 * change stamped just after midnight by a Sendo clock running ahead of ours.
 */
export function sendoStatusWindows(since: Date, now: Date): SendoWindow[] {
  const first = vietnamDayIndex(since.getTime());
  const today = Math.max(first, vietnamDayIndex(now.getTime()));
  const windows: SendoWindow[] = [];
  for (let day = first; day <= today; day += SENDO_WINDOW_DAYS) {
    windows.push({ from: dayText(day), to: dayText(day + SENDO_WINDOW_DAYS - 1) });
  }
  return windows;
}

export interface SendoSearchBody {
  page_size: number;
  order_status_date_from: string;
  order_status_date_to: string;
  token?: string;
}

export function sendoSearchBody(window: SendoWindow, token: string | null): SendoSearchBody {
  return {
    page_size: SENDO_ORDER_PAGE_SIZE,
    order_status_date_from: window.from,
    order_status_date_to: window.to,
    ...(token === null ? {} : { token }),
  };
}

/** One search answer `{data: [{order_number, order_status, updated_at}], next_token}`. */
export function sendoSearchPage(result: unknown): { changes: OrderChange[]; nextToken: string | null } {
  if (!isRecord(result)) throw new UnreadableOrder('the search answer carries no result');
  const changes = listField(result, 'data').map(sendoChange);
  const token = result.next_token;
  return { changes, nextToken: typeof token === 'string' && token !== '' ? token : null };
}

/** A search row or a push's `data`: number, status and time only (no lines). */
export function sendoChange(row: Record<string, unknown>): OrderChange {
  return {
    externalOrderId: idField(row, 'order_number'),
    status: sendoOrderStatus(row.order_status),
    updatedAt: unixSecondsField(row, 'updated_at'),
  };
}

/**
 * Whether a row belongs to "changed at or after `since`". A window starts at the beginning of
 * `since`'s day, so earlier rows of that day come back and are dropped; Sendo stamps whole seconds,
 * so `since` is cut to its second first — a change at 12:00:00.400 reads 12:00:00 and must still
 * count for a `since` of 12:00:00.300.
 */
export function sendoChangedSince(change: OrderChange, since: Date): boolean {
  return change.updatedAt.getTime() >= Math.floor(since.getTime() / 1000) * 1000;
}

/**
 * The order detail `{sales_order: {...}, sku_details: [{sku, quantity, price}]}`. Sendo knows our SKU
 * codes as `sku` and gives no variant id of its own. `updated_at` (unix s) is not named on
 * MARKETPLACES.md's detail line ("...") but the order's status time needs it, and the search rows
 * and pushes carry the same field.
 */
export function sendoOrder(result: unknown): MarketplaceOrder {
  if (!isRecord(result)) throw new UnreadableOrder('the order answer carries no result');
  const order = recordField(result, 'sales_order');
  return {
    externalOrderId: idField(order, 'order_number'),
    status: sendoOrderStatus(order.order_status),
    marketplaceStatus: String(order.order_status),
    placedAt: unixSecondsField(order, 'order_date_time_stamp'),
    updatedAt: unixSecondsField(order, 'updated_at'),
    totalVnd: amountField(order, 'total_amount'),
    lines: listField(result, 'sku_details').map((line) => ({
      skuCode: idField(line, 'sku'),
      variantId: null,
      quantity: quantityField(line, 'quantity'),
      unitPriceVnd: amountField(line, 'price'),
    })),
  };
}

/**
 * A push `{type, shop_id, data: {order_number, order_status, updated_at}}`. It has no event id:
 * number, status and time together are the event (MARKETPLACES.md), the same on every retry.
 */
export function sendoWebhookEvent(body: Record<string, unknown>): WebhookEvent {
  if (body.type !== 'SALESORDER.CREATE' && body.type !== 'SALESORDER.UPDATE') {
    throw new UnreadableOrder(`unknown webhook type ${String(body.type)}`);
  }
  const data = recordField(body, 'data');
  const change = sendoChange(data);
  return {
    shopId: idField(body, 'shop_id'),
    eventId: `${change.externalOrderId}:${String(data.order_status)}:${String(data.updated_at)}`,
    change,
  };
}

/** `PUT /api/partner/salesorder`: confirm (3) or cancel (13) with the reason text. */
export function sendoOrderAction(
  orderNumber: string,
  action: { confirm: true } | { cancel: CancelReason },
): { order_number: string; order_status: number; cancel_order_reason?: string } {
  return 'confirm' in action
    ? { order_number: orderNumber, order_status: SENDO_CONFIRMED }
    : {
        order_number: orderNumber,
        order_status: SENDO_CANCELLED,
        cancel_order_reason: SENDO_CANCEL_REASONS[action.cancel],
      };
}
