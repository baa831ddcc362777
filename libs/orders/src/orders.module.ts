import { Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogueModule } from '@ocop/catalogue';
import { RateLimitsModule } from '@ocop/auth';
import { ChannelsModule, ConnectionTransferred } from '@ocop/channels';
import { EventBus } from '@ocop/database';
import { orderEntities } from './entities';
import { OrderActionProcessor, OrderActions } from './order-actions';
import { DeadWebhooks, InboxRetention } from './dead-webhooks';
import { InboxRelay } from './inbox-relay';
import { IntakeActivity } from './intake-activity';
import { OrderImport } from './order-import';
import { OrderReads } from './order-reads';
import { OrderPollStore } from './order-polls.repository';
import { OrderStore } from './orders.repository';
import {
  InboxProcessor,
  OrderIntake,
  OrderPollProcessor,
  OrderUpkeep,
  OrderUpkeepSchedule,
} from './order-jobs';
import { OrdersController } from './orders.controller';
import { OrdersService } from './orders.service';
import { InboxWriter } from './inbox-writer';
import { WebhookInbox } from './webhook-inbox';
import { WebhookInboxStore } from './webhook-inbox.repository';
import { WebhooksController } from './webhooks.controller';

/** Webhooks into the inbox, the Orders API and order actions: what the API process serves. */
@Module({
  imports: [TypeOrmModule.forFeature(orderEntities), CatalogueModule, ChannelsModule, RateLimitsModule],
  controllers: [WebhooksController, OrdersController],
  providers: [
    WebhookInbox,
    InboxWriter,
    OrdersService,
    OrderActions,
    OrderImport,
    OrderStore,
    OrderPollStore,
    WebhookInboxStore,
    IntakeActivity,
    DeadWebhooks,
  ],
  exports: [
    WebhookInbox,
    OrdersService,
    OrderActions,
    OrderImport,
    IntakeActivity,
    DeadWebhooks,
    // the worker's order processors (OrdersWorkerModule) read and write these tables too
    OrderStore,
    OrderPollStore,
    WebhookInboxStore,
  ],
})
export class OrdersModule implements OnModuleInit {
  constructor(
    private readonly events: EventBus,
    private readonly polls: OrderPollStore,
  ) {}

  /**
   * A shop handed to another cooperative is read again from FIRST_POLL_LOOKBACK_MS back once its new
   * owner's credentials work: the cursor was moved by whoever held it before, perhaps with another
   * shop's credentials, and the owner's orders that were refused meanwhile must not be skipped.
   */
  onModuleInit(): void {
    this.events.on(ConnectionTransferred, 'in-transaction', ({ connectionId }, manager) =>
      this.polls.forget(manager, connectionId),
    );
  }
}

/** The order processors; only the worker imports this module. */
@Module({
  imports: [OrdersModule, ChannelsModule],
  providers: [
    OrderIntake,
    OrderReads,
    InboxRelay,
    InboxProcessor,
    InboxRetention,
    OrderUpkeep,
    OrderUpkeepSchedule,
    OrderPollProcessor,
    OrderActionProcessor,
  ],
})
export class OrdersWorkerModule {}
