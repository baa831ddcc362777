import { ConnectorStatus } from '../shared/model';

/**
 * Lazada-style order item statuses, in lifecycle order. Statuses belong to items (one per unit);
 * the order's own status in the shared store is the status of its lowest live item.
 */
export const LAZADA_ITEM_STATUSES = [
  'unpaid',
  'pending',
  'packed',
  'repacked',
  'ready_to_ship_pending',
  'ready_to_ship',
  'shipped',
  'failed_delivery',
  'shipped_back',
  'shipped_back_failed',
  'delivered',
  'returned',
  'shipped_back_success',
  'canceled',
  'lost_by_3pl',
  'damaged_by_3pl',
  'package_scrapped',
] as const;
export type LazadaItemStatus = (typeof LAZADA_ITEM_STATUSES)[number];

/**
 * The mapping table of MARKETPLACES-GLOBAL.md. `shipped_back_failed` is not in it: a package that
 * could not be brought back to the seller is still out with the carrier, so the sandbox calls it
 * shipped (a choice, documented in the README).
 */
export const LAZADA_CONNECTOR_STATUS: Record<LazadaItemStatus, ConnectorStatus> = {
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

/** Where the control API moves items for each connector status. */
export const LAZADA_CODE_FOR: Record<ConnectorStatus, LazadaItemStatus> = {
  pending: 'pending',
  confirmed: 'ready_to_ship',
  shipped: 'shipped',
  delivered: 'delivered',
  cancelled: 'canceled',
  returned: 'returned',
};

const CONNECTOR_RANK: Record<ConnectorStatus, number> = {
  pending: 0,
  confirmed: 1,
  shipped: 2,
  delivered: 3,
  returned: 4,
  cancelled: 5,
};

export function isLazadaItemStatus(value: unknown): value is LazadaItemStatus {
  return typeof value === 'string' && (LAZADA_ITEM_STATUSES as readonly string[]).includes(value);
}

export function isLive(status: LazadaItemStatus): boolean {
  return LAZADA_CONNECTOR_STATUS[status] !== 'cancelled';
}

function rank(status: LazadaItemStatus): number {
  return CONNECTOR_RANK[LAZADA_CONNECTOR_STATUS[status]] * 100 + LAZADA_ITEM_STATUSES.indexOf(status);
}

/** The order's status: its lowest live item's, or, when every item is dead, the lowest dead one's. */
export function orderStatusOf(items: readonly LazadaItemStatus[]): LazadaItemStatus {
  const live = items.filter(isLive);
  const pool = live.length > 0 ? live : items;
  return pool.reduce((lowest, status) => (rank(status) < rank(lowest) ? status : lowest), pool[0]);
}

/** Items a seller may pack, and the span in which a seller may cancel. */
export const PACKABLE: readonly LazadaItemStatus[] = ['pending'];
export const READY_TO_SHIP_FROM: readonly LazadaItemStatus[] = ['packed', 'repacked'];
export const CANCELLABLE: readonly LazadaItemStatus[] = [
  'unpaid',
  'pending',
  'packed',
  'repacked',
  'ready_to_ship_pending',
  'ready_to_ship',
];
