import { isRecord } from '../adapter-support';
import {
  idField,
  listField,
  recordField,
  statusFrom,
  UnreadableOrder,
  unixSecondsField,
} from '../order-support';
import { MarketplaceOrder, MarketplaceOrderLine, OrderChange, OrderStatus, WebhookEvent } from '../port';

/** docs/marketplace-tiktok.md, "Orders": page sizes of a search and of a detail read. */
export const TIKTOK_ORDER_PAGE_SIZE = 100;
export const TIKTOK_ORDER_IDS_PER_READ = 50;

/** The return status a type-12 push carries when a return is finished. */
export const TIKTOK_RETURN_COMPLETE = 'RETURN_OR_REFUND_REQUEST_COMPLETE';

/** TikTok's order statuses and the connector's word for each; pushes say CANCEL where reads say CANCELLED. */
const TIKTOK_ORDER_STATUSES: Readonly<Record<string, OrderStatus>> = {
  UNPAID: 'pending',
  ON_HOLD: 'pending',
  AWAITING_SHIPMENT: 'pending',
  AWAITING_COLLECTION: 'confirmed',
  PARTIALLY_SHIPPING: 'shipped',
  IN_TRANSIT: 'shipped',
  DELIVERED: 'delivered',
  COMPLETED: 'delivered',
  CANCELLED: 'cancelled',
  CANCEL: 'cancelled',
};

export function tiktokOrderStatus(word: unknown): OrderStatus {
  return statusFrom(TIKTOK_ORDER_STATUSES, word);
}

/** Money is a decimal string ("85000", "85000.00"); VND has no minor unit, so it is rounded. */
function moneyField(record: Record<string, unknown>, field: string): number {
  const value = record[field];
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !/^\d+(\.\d+)?$/.test(text)) {
    throw new UnreadableOrder(`${field} is not an amount`);
  }
  return Math.round(Number(text));
}

/**
 * Each TikTok line item is one unit: units of the same SKU at the same price fold into one line whose
 * quantity is their count (a SKU sold at two prices, say a discount on some units, stays two lines
 * so the total holds). Lines keep the order of their first unit.
 */
export function tiktokOrderLines(lineItems: Record<string, unknown>[]): MarketplaceOrderLine[] {
  const lines = new Map<string, MarketplaceOrderLine>();
  for (const item of lineItems) {
    const variantId = idField(item, 'sku_id');
    const unitPriceVnd = moneyField(item, 'sale_price');
    const sellerSku = item.seller_sku;
    const key = `${variantId} ${unitPriceVnd}`;
    const line = lines.get(key);
    if (line) line.quantity += 1;
    else
      lines.set(key, {
        skuCode: typeof sellerSku === 'string' && sellerSku.trim() !== '' ? sellerSku : null,
        variantId,
        quantity: 1,
        unitPriceVnd,
      });
  }
  return [...lines.values()];
}

/** `{id, status, create_time, update_time, payment: {total_amount}, line_items: [...]}` (Unix seconds). */
export function tiktokOrder(raw: unknown): MarketplaceOrder {
  if (!isRecord(raw)) throw new UnreadableOrder('an order is not an object');
  const lines = tiktokOrderLines(listField(raw, 'line_items'));
  if (lines.length === 0) throw new UnreadableOrder('line_items is empty');
  return {
    externalOrderId: idField(raw, 'id'),
    status: tiktokOrderStatus(raw.status),
    marketplaceStatus: String(raw.status),
    placedAt: unixSecondsField(raw, 'create_time'),
    updatedAt: unixSecondsField(raw, 'update_time'),
    totalVnd: moneyField(recordField(raw, 'payment'), 'total_amount'),
    lines,
  };
}

export function tiktokChange(order: MarketplaceOrder): OrderChange {
  return { externalOrderId: order.externalOrderId, status: order.status, updatedAt: order.updatedAt, order };
}

/** `data: {orders, next_page_token, total_count}`; the token is "" on the last page. */
export function tiktokOrderPage(data: unknown): { orders: MarketplaceOrder[]; nextPageToken: string | null } {
  if (!isRecord(data)) throw new UnreadableOrder('the order search carries no data');
  const token = data.next_page_token;
  return {
    orders: listField(data, 'orders').map(tiktokOrder),
    nextPageToken: typeof token === 'string' && token !== '' ? token : null,
  };
}

/**
 * The search body for "changed at or after `since`": `update_time_ge` is inclusive and in whole
 * seconds, so the second of `since` is asked again (its changes may come twice; imports are
 * idempotent) rather than skipped.
 */
export function tiktokSearchBody(since: Date): { update_time_ge: number } {
  return { update_time_ge: Math.max(0, Math.floor(since.getTime() / 1000)) };
}

/**
 * A push. Type 1 says an order's status changed (`CANCEL` for a cancelled one); type 12 with
 * RETURN_OR_REFUND_REQUEST_COMPLETE says its return finished, which is the connector's `returned`.
 * Neither carries lines: the change names the order and the importer reads it. The
 * `tts_notification_id` is the event and stays the same on redeliveries.
 */
export function tiktokWebhookEvent(body: Record<string, unknown>): WebhookEvent {
  const data = recordField(body, 'data');
  let status: OrderStatus;
  if (body.type === 1) {
    status = tiktokOrderStatus(data.order_status);
  } else if (body.type === 12) {
    if (data.return_status !== TIKTOK_RETURN_COMPLETE) {
      throw new UnreadableOrder(`unknown return status ${String(data.return_status)}`, 'unknown_status');
    }
    status = 'returned';
  } else {
    throw new UnreadableOrder(`unknown push type ${String(body.type)}`);
  }
  return {
    shopId: idField(body, 'shop_id'),
    eventId: idField(body, 'tts_notification_id'),
    change: {
      externalOrderId: idField(data, 'order_id'),
      status,
      updatedAt: unixSecondsField(data, 'update_time'),
    },
  };
}

/**
 * The package a confirm ships: TikTok's first fulfilment step acts on a package, not an order
 * (`packages: [{id}]`); null when the order has none yet.
 */
export function tiktokPackageId(raw: unknown): string | null {
  if (!isRecord(raw) || !Array.isArray(raw.packages)) return null;
  const first: unknown = raw.packages[0];
  return isRecord(first) && typeof first.id === 'string' && first.id !== '' ? first.id : null;
}

/** The orders of a detail read (`data.orders`), raw: a confirm needs their packages. */
export function tiktokOrdersRead(data: unknown): Record<string, unknown>[] {
  if (!isRecord(data)) throw new UnreadableOrder('the order read carries no data');
  return listField(data, 'orders');
}
