export * from './auth.module';
export * from './api-keys.service';
export * from './principal';
export * from './request-budget';
