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
import {
  CancelReason,
  MarketplaceError,
  MarketplaceOrder,
  MarketplaceOrderLine,
  OrderStatus,
  WebhookEvent,
} from '../port';
import { shopeeVariantId } from './shopee-mapping';

/** docs/marketplace-shopee.md: order windows of at most 15 days, pages of 100, detail batches of 50. */
export const SHOPEE_ORDER_WINDOW_SECONDS = 15 * 86_400;
export const SHOPEE_ORDER_PAGE_SIZE = 100;
export const SHOPEE_ORDER_DETAIL_BATCH = 50;
/** get_order_detail leaves the lines and total out unless asked. */
export const SHOPEE_ORDER_DETAIL_FIELDS = 'total_amount,item_list';

/** The connector status of each Shopee order status, IN_CANCEL aside (it changes nothing). */
const SHOPEE_ORDER_STATUSES: Readonly<Record<string, OrderStatus | 'unchanged'>> = {
  UNPAID: 'pending',
  READY_TO_SHIP: 'pending',
  PROCESSED: 'confirmed',
  RETRY_SHIP: 'confirmed',
  SHIPPED: 'shipped',
  TO_CONFIRM_RECEIVE: 'delivered',
  COMPLETED: 'delivered',
  CANCELLED: 'cancelled',
  TO_RETURN: 'returned',
  IN_CANCEL: 'unchanged',
};

/**
 * The connector status of a Shopee status; 'unchanged' for IN_CANCEL, a buyer's request to cancel
 * the seller may still refuse, which leaves the order where the connector holds it.
 */
export function shopeeOrderStatus(word: unknown): OrderStatus | 'unchanged' {
  return statusFrom(SHOPEE_ORDER_STATUSES, word);
}

/**
 * Shopee's cancel_reason for ours. Shopee offers a seller no reason for its own decision (its
 * reasons are stock, the buyer's request, an undeliverable area and cash on delivery): none is
 * sent in its place, which would tell the buyer something untrue.
 */
export const SHOPEE_CANCEL_REASONS: Readonly<Record<CancelReason, string | null>> = {
  out_of_stock: 'OUT_OF_STOCK',
  buyer_request: 'CUSTOMER_REQUEST',
  seller_request: null,
};

/** The cancel_reason for ours, or a permanent refusal (`cancel_reason_unsupported`) when Shopee has none. */
export function shopeeCancelReason(reason: CancelReason): string {
  const word = SHOPEE_CANCEL_REASONS[reason];
  if (word === null) {
    throw new MarketplaceError(
      'permanent',
      `shopee: Shopee has no cancel reason for "${reason}"; cancel it as out of stock or at the buyer's request`,
      { code: 'cancel_reason_unsupported', marketplace: 'shopee' },
    );
  }
  return word;
}

/**
 * The get_order_list windows that cover [since, now]: Shopee refuses a window over 15 days, so a
 * longer stretch is searched as consecutive windows (inclusive Unix seconds, no second twice).
 */
export function shopeeUpdateWindows(since: Date, now: Date): { timeFrom: number; timeTo: number }[] {
  const windows: { timeFrom: number; timeTo: number }[] = [];
  const end = Math.floor(now.getTime() / 1000);
  for (let from = Math.floor(since.getTime() / 1000); from <= end; from += SHOPEE_ORDER_WINDOW_SECONDS + 1) {
    windows.push({ timeFrom: from, timeTo: Math.min(end, from + SHOPEE_ORDER_WINDOW_SECONDS) });
  }
  return windows;
}

/** `response: {more, next_cursor, order_list: [{order_sn}]}`; the cursor is null on the last page. */
export function shopeeOrderListPage(response: unknown): { orderSns: string[]; nextCursor: string | null } {
  if (!isRecord(response)) throw new UnreadableOrder('the order list carries no response');
  const more = response.more === true;
  const cursor = response.next_cursor;
  if (more && (typeof cursor !== 'string' || cursor === ''))
    throw new UnreadableOrder('the order list says more but gives no next_cursor');
  return {
    orderSns: listField(response, 'order_list').map((row) => idField(row, 'order_sn')),
    nextCursor: more ? (cursor as string) : null,
  };
}

/**
 * The lines of an order. Shopee gives one row per model with a quantity, but the same model may
 * come in several rows (a bundle deal, a gift): rows of one model fold into one line whose price is
 * the average the buyer paid, in whole dong. The SKU code is the model's SKU, else the item's.
 */
function shopeeLines(order: Record<string, unknown>): MarketplaceOrderLine[] {
  const folded = new Map<string, { line: MarketplaceOrderLine; paid: number }>();
  for (const row of listField(order, 'item_list')) {
    const variantId = shopeeVariantId(idField(row, 'item_id'), modelIdOf(row));
    const quantity = quantityField(row, 'model_quantity_purchased');
    const price = amountField(row, 'model_discounted_price');
    const sku = [row.model_sku, row.item_sku].find(
      (value): value is string => typeof value === 'string' && value.trim() !== '',
    );
    const held = folded.get(variantId);
    if (held) {
      held.line.quantity += quantity;
      held.paid += price * quantity;
      held.line.unitPriceVnd = Math.round(held.paid / held.line.quantity);
    } else {
      folded.set(variantId, {
        line: { skuCode: sku ?? null, variantId, quantity, unitPriceVnd: price },
        paid: price * quantity,
      });
    }
  }
  return [...folded.values()].map(({ line }) => line);
}

/** model_id: a whole number, 0 for an item without variants (which idField would take for missing). */
function modelIdOf(row: Record<string, unknown>): string {
  const value = row.model_id;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  if (typeof value === 'string' && /^\d{1,18}$/.test(value)) return value;
  throw new UnreadableOrder('model_id is missing');
}

/**
 * One entry of get_order_detail's `response.order_list`, read with SHOPEE_ORDER_DETAIL_FIELDS.
 * An IN_CANCEL order keeps `heldStatus`, the status the connector holds for it (pending for an
 * order it has not met before: a buyer may ask to cancel only before shipping).
 */
export function shopeeOrder(raw: unknown, heldStatus: OrderStatus = 'pending'): MarketplaceOrder {
  if (!isRecord(raw)) throw new UnreadableOrder('an order is not an object');
  const status = shopeeOrderStatus(raw.order_status);
  if (!('item_list' in raw) || !('total_amount' in raw))
    throw new UnreadableOrder(`ask get_order_detail for ${SHOPEE_ORDER_DETAIL_FIELDS}`);
  return {
    externalOrderId: idField(raw, 'order_sn'),
    status: status === 'unchanged' ? heldStatus : status,
    marketplaceStatus: String(raw.order_status),
    placedAt: unixSecondsField(raw, 'create_time'),
    updatedAt: unixSecondsField(raw, 'update_time'),
    totalVnd: amountField(raw, 'total_amount'),
    lines: shopeeLines(raw),
  };
}

/**
 * A push `{shop_id, code: 3, timestamp, data: {ordersn, status, update_time}}` as the port's event.
 * It has no event id: the shop, the order, its status and the update time together are the event
 * (a redelivery repeats all four). The status is only what the push claims; the order is read with
 * get_order_detail before anything is imported. IN_CANCEL (a buyer's request the seller may still
 * refuse) is stored like any push but reads as `pending`: Shopee lets a buyer ask only before
 * shipping, and the adapter's reads leave an IN_CANCEL order out, so its push changes nothing.
 */
export function shopeeWebhookEvent(body: Record<string, unknown>): WebhookEvent {
  if (body.code !== 3) throw new UnreadableOrder(`not an order status push (code ${String(body.code)})`);
  const data = recordField(body, 'data');
  const externalOrderId = idField(data, 'ordersn');
  const updatedAt = unixSecondsField(data, 'update_time');
  const status = shopeeOrderStatus(data.status);
  const shopId = idField(body, 'shop_id');
  return {
    shopId,
    eventId: `${shopId}:${externalOrderId}:${String(data.status)}:${updatedAt.getTime() / 1000}`,
    change: { externalOrderId, status: status === 'unchanged' ? 'pending' : status, updatedAt },
  };
}
