import { DynamicModule, Module } from '@nestjs/common';
import { Environment } from '../../../config/environment';
import { CommonModule } from '@ocop/common';
import { DatabaseModule } from '@ocop/database';
import { MetricsModule } from '@ocop/metrics';
import { NotificationsWorkerModule } from '@ocop/notifications';
import { OcopWorkerModule } from '@ocop/ocop';
import { OrdersWorkerModule } from '@ocop/orders';
import { JobsWorkerModule, QueueModule } from '@ocop/jobs';
import { SyncWorkerModule } from '@ocop/sync';

/** The worker process: BullMQ processors of every context, sharing one Redis and one PostgreSQL. */
@Module({})
export class WorkerModule {
  static forRoot(env: Environment): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        CommonModule.forRoot(env, 'worker'),
        DatabaseModule,
        QueueModule.forRole('working'),
        JobsWorkerModule,
        SyncWorkerModule,
        OcopWorkerModule,
        OrdersWorkerModule,
        // handles OrdersChanged in the transaction of every order the workers import (the sales
        // roll-ups); without it the bus refuses every import
        MetricsModule,
        // the nightly expiry notices and the notices' e-mails; its module writes the notices of what
        // the workers publish (auth_failed, oversold, dead webhooks) in their transactions
        NotificationsWorkerModule,
      ],
    };
  }
}
