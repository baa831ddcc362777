import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConnectorConfig } from '@ocop/common';
import { dataSourceOptions } from './data-source';
import { EventBus } from './events';
import { IdempotencyStore } from './idempotency';
import { Outbox } from './outbox';
import { Transactions } from './transactions';

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [ConnectorConfig],
      useFactory: (config: ConnectorConfig) => ({
        ...dataSourceOptions(config.env.DATABASE_URL, [], {
          statementTimeoutMs: config.env.DATABASE_STATEMENT_TIMEOUT_MS,
          connectTimeoutMs: config.env.DATABASE_CONNECT_TIMEOUT_MS,
          poolSize: config.env.DATABASE_POOL_SIZE,
        }),
        autoLoadEntities: true,
        retryAttempts: 2,
        retryDelay: 500,
      }),
    }),
  ],
  providers: [Transactions, IdempotencyStore, Outbox, EventBus],
  exports: [Transactions, IdempotencyStore, Outbox, EventBus],
})
export class DatabaseModule {}
