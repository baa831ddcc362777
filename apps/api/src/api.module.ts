import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { register } from 'prom-client';
import { Environment } from '../../../config/environment';
import { AuthModule } from '@ocop/auth';
import { CatalogueModule } from '@ocop/catalogue';
import { CommonModule } from '@ocop/common';
import { DatabaseModule } from '@ocop/database';
import { QueueModule } from '@ocop/sync';
import { ErrorShapeFilter } from './error-shape.filter';
import { HealthController, MetricsController } from './operations';

@Module({})
export class ApiModule {
  static forRoot(env: Environment): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        CommonModule.forRoot(env, 'api'),
        DatabaseModule,
        QueueModule,
        PrometheusModule.register({
          path: '/metrics',
          controller: MetricsController,
          // One process may build the app more than once (tests); default metrics register once.
          defaultMetrics: { enabled: !register.getSingleMetric('process_cpu_user_seconds_total') },
        }),
        AuthModule,
        CatalogueModule,
      ],
      controllers: [HealthController],
      providers: [{ provide: APP_FILTER, useClass: ErrorShapeFilter }],
    };
  }
}
