import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Scope } from '@ocop/common';

export const ROLES = ['admin', 'officer', 'cooperative'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling, as established from the API key by the guard. */
export interface Principal {
  readonly keyId: string;
  readonly role: Role;
  readonly cooperativeId?: string;
  readonly scope: Scope;
}

export const IS_PUBLIC = 'ocop:public';
export const OWN_RATE_LIMIT = 'ocop:ownRateLimit';
export const ALLOWED_ROLES = 'ocop:roles';

/** The route needs no API key (health, metrics, marketplace webhooks with their own signatures). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

/**
 * The route limits its callers itself, so the per-address limit of requests without a key does not
 * apply (marketplace webhooks: many shops' pushes come from one marketplace address, and each
 * shop's are limited per connection once their signature is checked).
 */
export const OwnRateLimit = (): MethodDecorator & ClassDecorator => SetMetadata(OWN_RATE_LIMIT, true);

/** Only these roles may take the action; others get 403. Without it every role may (reads). */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator =>
  SetMetadata(ALLOWED_ROLES, roles);

export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  const request = context.switchToHttp().getRequest<{ principal?: Principal }>();
  if (!request.principal) throw new Error('CurrentPrincipal used on a public route');
  return request.principal;
});
