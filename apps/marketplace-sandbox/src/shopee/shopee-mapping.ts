import { ConnectorStatus, StatusCode } from '../shared/model';

/** Shopee-style order statuses (MARKETPLACES-GLOBAL.md, "Shopee-style"). */
export const SHOPEE_ORDER_STATUSES = [
  'UNPAID',
  'READY_TO_SHIP',
  'PROCESSED',
  'RETRY_SHIP',
  'SHIPPED',
  'TO_CONFIRM_RECEIVE',
  'COMPLETED',
  'IN_CANCEL',
  'CANCELLED',
  'TO_RETURN',
] as const;
export type ShopeeOrderStatus = (typeof SHOPEE_ORDER_STATUSES)[number];

/** Where the control API moves an order for each connector word (spec, last section). */
export const SHOPEE_CODE_FOR: Record<ConnectorStatus, ShopeeOrderStatus> = {
  pending: 'READY_TO_SHIP',
  confirmed: 'PROCESSED',
  shipped: 'SHIPPED',
  delivered: 'TO_CONFIRM_RECEIVE',
  cancelled: 'CANCELLED',
  returned: 'TO_RETURN',
};

/**
 * The connector word of each status. The connector leaves its status unchanged on IN_CANCEL (a
 * buyer's request the seller may still refuse); the sandbox's lifecycle ranks it with the pending
 * ones, so it is reachable from UNPAID and READY_TO_SHIP and may still end CANCELLED.
 */
const STATUS_OF: Record<ShopeeOrderStatus, ConnectorStatus> = {
  UNPAID: 'pending',
  READY_TO_SHIP: 'pending',
  IN_CANCEL: 'pending',
  PROCESSED: 'confirmed',
  RETRY_SHIP: 'confirmed',
  SHIPPED: 'shipped',
  TO_CONFIRM_RECEIVE: 'delivered',
  COMPLETED: 'delivered',
  CANCELLED: 'cancelled',
  TO_RETURN: 'returned',
};

export function isShopeeOrderStatus(value: unknown): value is ShopeeOrderStatus {
  return typeof value === 'string' && (SHOPEE_ORDER_STATUSES as readonly string[]).includes(value);
}

export function shopeeStatusOf(code: StatusCode): ConnectorStatus {
  return isShopeeOrderStatus(code) ? STATUS_OF[code] : 'pending';
}

/** Statuses an order may still be cancelled from by the seller: anything before SHIPPED. */
export const SHOPEE_CANCELLABLE: readonly ShopeeOrderStatus[] = [
  'UNPAID',
  'READY_TO_SHIP',
  'PROCESSED',
  'RETRY_SHIP',
  'IN_CANCEL',
];

/** Item statuses; the sandbox uses NORMAL, UNLIST and SELLER_DELETE. */
export type ShopeeItemStatus = 'NORMAL' | 'UNLIST' | 'SELLER_DELETE';

/** Kilograms (the style's unit, a float) to the grams the control API reports. */
export function kilogramsToGrams(kilograms: number): number {
  return Math.round(kilograms * 1_000_000) / 1000;
}

export function gramsToKilograms(grams: number): number {
  return Math.round(grams * 1000) / 1_000_000;
}

/**
 * A variant's id in the shared store: "<item_id>:<model_id>", model 0 for an item without
 * variants. Shopee's model ids repeat (every plain item has model 0), the store's must not.
 */
export function variantIdOf(itemId: number, modelId: number): string {
  return `${itemId}:${modelId}`;
}

export function modelIdOf(variantId: string): number {
  const modelId = Number(variantId.split(':')[1]);
  return Number.isInteger(modelId) ? modelId : 0;
}

/**
 * JSON with a space after every `:` and `,`, as Python's json.dumps writes it. Pushes are sent
 * this way so that a receiver which parses the body and serialises it again before checking the
 * signature fails on every push, as it would on the real marketplace, not only on some.
 */
export function spacedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(spacedJson).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(
      ([, field]) => field !== undefined,
    );
    return `{${entries.map(([key, field]) => `${JSON.stringify(key)}: ${spacedJson(field)}`).join(', ')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
