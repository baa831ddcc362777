import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import type { Actor } from '@ocop/auth';
import { Inject, Injectable } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import { ConnectionsService, MARKETPLACE_ADAPTERS, type MarketplaceAdapters } from '@ocop/channels';
import { CANCEL_REASONS, MarketplaceError, type CancelReason, type ShopAccess } from '@ocop/marketplaces';
import { LOGGER, type Logger, within } from '@ocop/common';
import { AFTER_COMMIT_WAIT_MS } from '@ocop/database';
import { QUEUES } from '@ocop/jobs';
import { OrderImport } from './order-import';
import { OrderStore } from './orders.repository';

export type OrderAction = 'confirm' | 'cancel';

export const actionJobId = (orderId: string) => `action-${orderId}`;

/**
 * The seller's confirm and cancel, pushed to the marketplace by the worker: recorded on the order
 * first (so a lost job is visible and redone), then one job per order.
 */
@Injectable()
export class OrderActions {
  constructor(
    private readonly orders: OrderStore,
    @InjectQueue(QUEUES.orderActions) private readonly queue: Queue,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** `actor`: who asks, named on the status change the action brings. */
  async request(
    orderId: string,
    action: OrderAction,
    reason: CancelReason | null,
    actor: Actor | null,
  ): Promise<void> {
    await this.orders.requestAction(orderId, action, reason, actor);
    // The request is recorded on the order: when Redis is away, the upkeep sweep enqueues it later.
    await within(this.enqueue([orderId]), AFTER_COMMIT_WAIT_MS, 'enqueueing the action').catch(
      (error: unknown) =>
        this.logger.warn({ err: String(error), orderId }, 'order action not enqueued; the upkeep will'),
    );
  }

  /** The one way action jobs are enqueued (also by the upkeep sweep for requests whose job was lost). */
  async enqueue(orderIds: string[]): Promise<void> {
    await this.queue.addBulk(
      orderIds.map((orderId) => ({
        name: 'action',
        data: { orderId },
        opts: {
          jobId: actionJobId(orderId),
          attempts: 8,
          backoff: { type: 'exponential', delay: 2000 },
          removeOnComplete: true,
          removeOnFail: true,
        },
      })),
    );
  }
}

/**
 * Pushes a requested action, then reads the order back from the marketplace through the normal
 * import, so its status (and stock effect) follows what the marketplace now says.
 */
@Processor(QUEUES.orderActions, { concurrency: 4 })
export class OrderActionProcessor extends WorkerHost {
  constructor(
    private readonly orders: OrderStore,
    private readonly connections: ConnectionsService,
    @Inject(MARKETPLACE_ADAPTERS) private readonly adapters: MarketplaceAdapters,
    private readonly imports: OrderImport,
  ) {
    super();
  }

  async process(job: Job<{ orderId: string }>): Promise<string> {
    const order = await this.orders.byId(job.data.orderId);
    if (!order?.requestedAction) return 'nothing requested';
    const adapter = this.adapters[order.marketplace];
    let shop: ShopAccess | undefined;
    try {
      // inside: a connection that may not be called any more refuses the action like its marketplace would
      shop = await this.connections.access(order.connectionId);
      if (order.requestedAction === 'confirm') {
        await adapter.confirmOrder(shop, order.externalOrderId);
      } else {
        const reason = (CANCEL_REASONS as readonly string[]).includes(order.requestedReason ?? '')
          ? (order.requestedReason as CancelReason)
          : 'seller_request';
        await adapter.cancelOrder(shop, order.externalOrderId, reason);
      }
    } catch (error) {
      if (!(error instanceof MarketplaceError) || error.kind === 'retryable') throw error;
      // only an adapter call answers 'auth', so the shop was read by then
      if (error.kind === 'auth' && shop) await this.connections.markAuthFailed(shop, error.message);
      // the marketplace refused: say so on the order, and stop asking
      await this.orders.refuseAction(
        order.id,
        order.requestedAction,
        `${order.requestedAction} refused by ${order.marketplace}: ${error.message}`,
      );
      return 'refused';
    }
    await this.orders.clearAction(order.id, order.requestedAction);
    const now = await adapter.fetchOrder(shop, order.externalOrderId);
    await this.imports.import(
      {
        connectionId: order.connectionId,
        cooperativeId: order.cooperativeId,
        marketplace: order.marketplace,
      },
      now,
      'action',
    );
    return 'done';
  }
}
