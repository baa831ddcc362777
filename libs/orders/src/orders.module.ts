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
import { OrderStore } from './orders.repository';
import {
  forgetOrderCursor,
  InboxProcessor,
  OrderIntake,
  OrderPollProcessor,
  OrderUpkeep,
  OrderUpkeepSchedule,
} from './order-jobs';
import { OrdersController } from './orders.controller';
import { OrdersService } from './orders.service';
import { WebhookInbox } from './webhook-inbox';
import { WebhooksController } from './webhooks.controller';

/** Webhooks into the inbox, the Orders API and order actions: what the API process serves. */
@Module({
  imports: [TypeOrmModule.forFeature(orderEntities), CatalogueModule, ChannelsModule, RateLimitsModule],
  controllers: [WebhooksController, OrdersController],
  providers: [
    WebhookInbox,
    OrdersService,
    OrderActions,
    OrderImport,
    OrderStore,
    IntakeActivity,
    DeadWebhooks,
  ],
  exports: [WebhookInbox, OrdersService, OrderActions, OrderImport, IntakeActivity, DeadWebhooks],
})
export class OrdersModule implements OnModuleInit {
  constructor(private readonly events: EventBus) {}

  onModuleInit(): void {
    this.events.on(ConnectionTransferred, 'in-transaction', ({ connectionId }, manager) =>
      forgetOrderCursor(manager, connectionId),
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
