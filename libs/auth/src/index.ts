export * from './auth.module';
export * from './api-keys.service';
export * from './principal';
export { RateLimits, RateLimitsModule, type RateBucket } from './rate-limits';
export * from './responses';
