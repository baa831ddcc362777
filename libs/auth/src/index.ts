export * from './auth.module';
export * from './api-keys.service';
export * from './principal';
export {
  UsersService,
  INVITE_VALID_DAYS,
  type CreatedUser,
  type Invitation,
  type Audience,
  type Addressee,
} from './users.service';
export { type UserView } from './people.entities';
export { RateLimits, RateLimitsModule, type RateBucket } from './rate-limits';
export * from './responses';
