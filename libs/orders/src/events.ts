import type { Marketplace, OrderStatus } from '@ocop/marketplaces';

/** What another context may know of an order's state: enough to count its sales. */
export interface OrderSnapshot {
  orderId: string;
  cooperativeId: string;
  marketplace: Marketplace;
  placedAt: Date;
  status: OrderStatus;
  lines: { productId: string | null; quantity: number; unitPriceVnd: number }[];
}

/** One order's change: its state before (null when it was created) and after. */
export interface OrderChange {
  before: OrderSnapshot | null;
  after: OrderSnapshot;
}

/**
 * Orders were created or changed — a batch of imports, or one — published inside the transaction
 * that makes the changes, so a context that keeps figures derived from orders (the sales roll-ups)
 * changes them atomically with the orders, once per batch. Those figures are wrong for ever if an
 * import commits without them, so the bus refuses to publish it (and the import rolls back) in a
 * process that loaded no in-transaction handler — the mistake of forgetting MetricsModule fails
 * the first import instead of going unseen.
 */
export class OrdersChanged {
  static readonly mustBeHandled = 'in-transaction';

  constructor(readonly changes: OrderChange[]) {}
}

/**
 * An order became oversold: what it holds could not all be reserved. Published in the import's
 * transaction at the transition (an order already oversold is not announced again); the
 * notifications context tells the producer's people, once per order.
 */
export class OrderOversold {
  constructor(
    readonly orderId: string,
    readonly cooperativeId: string,
    readonly marketplace: Marketplace,
    readonly externalOrderId: string,
  ) {}
}

/**
 * A stored webhook was set aside as dead (it failed INBOX_MAX_ATTEMPTS times), published in the
 * transaction that records it; the notifications context tells the admins.
 */
export class WebhookWentDead {
  constructor(
    readonly inboxId: string,
    readonly marketplace: Marketplace,
    readonly connectionId: string,
    readonly at: Date,
  ) {}
}
