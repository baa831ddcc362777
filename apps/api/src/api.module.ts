import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { register } from 'prom-client';
import { Environment } from '../../../config/environment';
import { AuthModule } from '@ocop/auth';
import { CatalogueModule } from '@ocop/catalogue';
import { ChannelsModule } from '@ocop/channels';
import { CommonModule } from '@ocop/common';
import { OcopModule } from '@ocop/ocop';
import { MetricsModule } from '@ocop/metrics';
import { NotificationsModule } from '@ocop/notifications';
import { OrdersModule } from '@ocop/orders';
import { DatabaseModule } from '@ocop/database';
import { QueueModule } from '@ocop/jobs';
import { SyncModule } from '@ocop/sync';
import { ErrorShapeFilter } from './error-shape.filter';
import { HealthController, MetricsController, SyncGauges } from './operations';
import { SyncHealthController } from './sync-health.controller';

@Module({})
export class ApiModule {
  static forRoot(env: Environment): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        CommonModule.forRoot(env, 'api'),
        DatabaseModule,
        QueueModule.forRole('serving'),
        PrometheusModule.register({
          path: '/metrics',
          controller: MetricsController,
          // One process may build the app more than once (tests); default metrics register once.
          defaultMetrics: { enabled: !register.getSingleMetric('process_cpu_user_seconds_total') },
        }),
        AuthModule,
        CatalogueModule,
        OcopModule,
        ChannelsModule,
        SyncModule,
        OrdersModule,
        MetricsModule,
        // writes the notices of what the API publishes (a refused credentials check) in its transaction
        NotificationsModule,
      ],
      controllers: [HealthController, SyncHealthController],
      providers: [{ provide: APP_FILTER, useClass: ErrorShapeFilter }, SyncGauges],
    };
  }
}
