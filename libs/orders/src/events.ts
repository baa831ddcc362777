import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
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

export type OrderChangeListener = (
  manager: EntityManager,
  before: OrderSnapshot | null,
  after: OrderSnapshot,
) => Promise<void>;

/**
 * Announces each change of an order inside the transaction that makes it, so a context that
 * keeps figures derived from orders (the sales roll-ups) changes them atomically with the order.
 */
@Injectable()
export class OrderChanges {
  private readonly listeners: OrderChangeListener[] = [];

  subscribe(listener: OrderChangeListener): void {
    this.listeners.push(listener);
  }

  async publish(manager: EntityManager, before: OrderSnapshot | null, after: OrderSnapshot): Promise<void> {
    for (const listener of this.listeners) await listener(manager, before, after);
  }
}
