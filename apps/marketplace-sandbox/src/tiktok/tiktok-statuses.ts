import { ConnectorStatus, StatusCode } from '../shared/model';

/** TikTok Shop order statuses as the API reads them. */
export const TIKTOK_ORDER_STATUSES = [
  'UNPAID',
  'ON_HOLD',
  'AWAITING_SHIPMENT',
  'AWAITING_COLLECTION',
  'PARTIALLY_SHIPPING',
  'IN_TRANSIT',
  'DELIVERED',
  'COMPLETED',
  'CANCELLED',
] as const;
export type TiktokOrderStatus = (typeof TIKTOK_ORDER_STATUSES)[number];

/**
 * A finished return is not an order status on TikTok: the order stays DELIVERED and a type-12 push
 * says RETURN_OR_REFUND_REQUEST_COMPLETE. The sandbox holds it as this code so that the store's
 * lifecycle (returned after delivered) applies; reads show DELIVERED.
 */
export const RETURN_COMPLETE = 'RETURN_OR_REFUND_REQUEST_COMPLETE';

/** Every code the sandbox may hold on an order (the control API's `code` accepts these). */
export const TIKTOK_CODES: readonly string[] = [...TIKTOK_ORDER_STATUSES, RETURN_COMPLETE];

/** The code the control API's connector word moves an order to (spec, "Status mapping"). */
export const TIKTOK_CODE_FOR: Record<ConnectorStatus, string> = {
  pending: 'AWAITING_SHIPMENT',
  confirmed: 'AWAITING_COLLECTION',
  shipped: 'IN_TRANSIT',
  delivered: 'DELIVERED',
  cancelled: 'CANCELLED',
  returned: RETURN_COMPLETE,
};

/** The connector's word for each code, the push's `CANCEL` included. */
const STATUS_OF: Record<string, ConnectorStatus> = {
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
  [RETURN_COMPLETE]: 'returned',
};

export function tiktokStatusOf(code: StatusCode): ConnectorStatus {
  return STATUS_OF[String(code)] ?? 'pending';
}

/** The status an order read shows for a held code. */
export function apiOrderStatus(code: StatusCode): TiktokOrderStatus {
  return code === RETURN_COMPLETE ? 'DELIVERED' : (String(code) as TiktokOrderStatus);
}

/** The status a push names: TikTok pushes a cancelled order as CANCEL. */
export function pushOrderStatus(code: StatusCode): string {
  const status = apiOrderStatus(code);
  return status === 'CANCELLED' ? 'CANCEL' : status;
}
