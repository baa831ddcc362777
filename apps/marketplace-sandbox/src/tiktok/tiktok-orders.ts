import { Order } from '../shared/model';
import { apiOrderStatus } from './tiktok-statuses';

/**
 * TikTok ids are long digit strings. The sandbox numbers orders "57" + 16 digits and derives the
 * ids that belong to one order from its digits, so that a package, a line item, a cancellation or
 * a return leads back to its order without another index.
 */
const ORDER_PREFIX = '57';
const PACKAGE_PREFIX = '11';
const LINE_ITEM_PREFIX = '58';
const CANCELLATION_PREFIX = '49';
const RETURN_PREFIX = '48';
const DIGITS = 16;

export function tiktokOrderId(counter: number): string {
  return ORDER_PREFIX + String(counter).padStart(DIGITS, '0');
}

const digitsOf = (orderId: string) => orderId.slice(ORDER_PREFIX.length);

export const packageIdOf = (orderId: string) => PACKAGE_PREFIX + digitsOf(orderId);
export const cancellationIdOf = (orderId: string) => CANCELLATION_PREFIX + digitsOf(orderId);
export const returnIdOf = (orderId: string) => RETURN_PREFIX + digitsOf(orderId);

/** The order a package id belongs to, or null when it is not a sandbox package id. */
export function orderIdOfPackage(packageId: string): string | null {
  const pattern = new RegExp(`^${PACKAGE_PREFIX}\\d{${DIGITS}}$`);
  return pattern.test(packageId) ? ORDER_PREFIX + packageId.slice(PACKAGE_PREFIX.length) : null;
}

const unixSeconds = (ms: number) => Math.floor(ms / 1000);

/**
 * An order as TikTok reads it (search and detail alike). Each line item is one unit: a line of
 * quantity 3 is three line items with the same sku_id, numbered on across the order.
 */
export function tiktokOrderView(order: Order) {
  const packageId = packageIdOf(order.orderId);
  let unit = 0;
  const lineItems = order.lines.flatMap((line) =>
    Array.from({ length: line.quantity }, () => ({
      id: LINE_ITEM_PREFIX + digitsOf(order.orderId) + String(++unit).padStart(3, '0'),
      sku_id: line.variantId,
      seller_sku: line.sku,
      product_id: line.productId,
      sale_price: String(line.price),
      original_price: String(line.price),
      currency: 'VND',
      display_status: apiOrderStatus(order.status),
      package_id: packageId,
    })),
  );
  return {
    id: order.orderId,
    status: apiOrderStatus(order.status),
    create_time: unixSeconds(order.placedAt),
    update_time: unixSeconds(order.updatedAt),
    is_on_hold_order: false,
    payment: {
      currency: 'VND',
      sub_total: String(order.total),
      total_amount: String(order.total),
    },
    line_items: lineItems,
    packages: [{ id: packageId }],
    ...(order.cancelReason === undefined ? {} : { cancel_reason: order.cancelReason }),
  };
}
