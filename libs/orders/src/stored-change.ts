import type { MarketplaceOrder, OrderChange } from '@ocop/marketplaces';

type StoredOrder = Omit<MarketplaceOrder, 'placedAt' | 'updatedAt'> & { placedAt: string; updatedAt: string };

/** An OrderChange as the inbox keeps it in jsonb: instants as ISO strings. */
export interface StoredOrderChange {
  externalOrderId: string;
  status: OrderChange['status'];
  updatedAt: string;
  order?: StoredOrder;
}

export function storeChange(change: OrderChange): StoredOrderChange {
  return {
    externalOrderId: change.externalOrderId,
    status: change.status,
    updatedAt: change.updatedAt.toISOString(),
    ...(change.order
      ? {
          order: {
            ...change.order,
            placedAt: change.order.placedAt.toISOString(),
            updatedAt: change.order.updatedAt.toISOString(),
          },
        }
      : {}),
  };
}

export function readChange(stored: StoredOrderChange): OrderChange {
  return {
    externalOrderId: stored.externalOrderId,
    status: stored.status,
    updatedAt: new Date(stored.updatedAt),
    ...(stored.order
      ? {
          order: {
            ...stored.order,
            placedAt: new Date(stored.order.placedAt),
            updatedAt: new Date(stored.order.updatedAt),
          },
        }
      : {}),
  };
}
