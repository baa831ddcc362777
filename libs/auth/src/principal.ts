import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Scope } from '@ocop/common';

export const ROLES = ['admin', 'officer', 'cooperative'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Who made a change, as it is recorded beside the change (the stock ledger's `actor`): an API key
 * (named by its label, or its prefix when it has none) or a person (by name), as named at that moment.
 */
export interface Actor {
  readonly kind: 'key' | 'user';
  readonly id: string;
  readonly name: string;
}

/**
 * The actor recorded in a row's three columns (`<who>_kind`, `<who>_id`, `<who>_name`), or null
 * when the row has none: the connector wrote it, or it was written before authors were recorded.
 */
export function recordedActor(
  kind: Actor['kind'] | null,
  id: string | null,
  name: string | null,
): Actor | null {
  return kind && id && name !== null ? { kind, id, name } : null;
}

/** `actor` as the three values of its columns, kind, id and name (all null for none), for SQL. */
export function actorParams(
  actor: Actor | null | undefined,
): [Actor['kind'] | null, string | null, string | null] {
  return [actor?.kind ?? null, actor?.id ?? null, actor?.name ?? null];
}

/** Who is calling, as established by the guard from an API key or a session cookie. */
export interface Principal {
  readonly actor: Actor;
  readonly role: Role;
  readonly cooperativeId?: string;
  readonly scope: Scope;
  /** Only for a request authenticated by a session cookie. */
  readonly session?: {
    readonly id: string;
    /** what a cookie-authenticated write must send as X-CSRF-Token */
    readonly csrfToken: string;
  };
}

export const IS_PUBLIC = 'ocop:public';
export const OWN_RATE_LIMIT = 'ocop:ownRateLimit';
export const ALLOWED_ROLES = 'ocop:roles';

/** The route needs no API key or session (health, metrics, webhooks with their own signatures, sign-in). */
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
