import { DynamicModule, Global, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import {
  Environment,
  marketplaceOrigins,
  passwordScryptLn,
  publicBaseUrl,
} from '../../../config/environment';
import { loadReferenceData, ReferenceData } from '../../../config/reference-data';
import { Clock } from './clock';
import { createLogger } from './logger';

/** Settings every context reads: the validated environment and the reference data. */
export class ConnectorConfig {
  /** where marketplace calls may go, by marketplace; a production process without them fails here */
  readonly marketplaceOrigins: ReturnType<typeof marketplaceOrigins>;
  /** this API's address as marketplaces reach it, without a trailing slash */
  readonly publicBaseUrl: string;
  /** log2 of scrypt's N for new password hashes; a production process below 15 fails here */
  readonly passwordScryptLn: number;

  constructor(
    readonly env: Environment,
    readonly reference: ReferenceData,
  ) {
    this.marketplaceOrigins = marketplaceOrigins(env);
    this.publicBaseUrl = publicBaseUrl(env);
    this.passwordScryptLn = passwordScryptLn(env);
  }
}

export const LOGGER = Symbol('LOGGER');
export type { Logger };

@Global()
@Module({})
export class CommonModule {
  static forRoot(env: Environment, processName: string): DynamicModule {
    const config = new ConnectorConfig(env, loadReferenceData());
    return {
      module: CommonModule,
      providers: [
        { provide: ConnectorConfig, useValue: config },
        { provide: LOGGER, useValue: createLogger(env.LOG_LEVEL, processName) },
        Clock,
      ],
      exports: [ConnectorConfig, LOGGER, Clock],
    };
  }
}
