import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Forbidden, RateLimited, Unauthorized } from '@ocop/common';
import { ApiKeysService } from './api-keys.service';
import { sessionTokenOf } from './cookies';
import { ALLOWED_ROLES, IS_PUBLIC, OWN_RATE_LIMIT, Principal, Role } from './principal';
import { RateLimits } from './rate-limits';
import { csrfMatches, SessionsService } from './sessions.service';

/** Methods that change something: made with a cookie, they must prove they come from our page. */
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export const CSRF_HEADER = 'x-csrf-token';

interface GuardedRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  ip: string;
  principal?: Principal;
}

/**
 * The one guard of the API: authenticates the bearer key or, for a request without an
 * Authorization header, the session cookie; refuses a cookie-authenticated write without the
 * session's CSRF token (403); refuses roles a route does not allow (403); and attaches the
 * principal whose scope every service applies to its queries. It also spends the request from
 * its rate limit: the key's or the person's, or for requests without valid credentials (public
 * routes, wrong or missing keys and cookies — guessing among them) the client address's.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeysService,
    private readonly sessions: SessionsService,
    private readonly limits: RateLimits,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const request = context.switchToHttp().getRequest<GuardedRequest>();
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) {
      if (!this.reflector.getAllAndOverride<boolean>(OWN_RATE_LIMIT, targets)) {
        await this.spend('address', request.ip);
      }
      return true;
    }
    const principal = await this.authenticate(request);
    request.principal = principal;
    if (principal.session && WRITES.has(request.method.toUpperCase())) {
      const token = sessionTokenOf(request.headers.cookie)!;
      const presented = request.headers[CSRF_HEADER];
      if (!csrfMatches(token, typeof presented === 'string' ? presented : undefined)) {
        throw new Forbidden(
          'A change made with a session cookie must send the X-CSRF-Token header GET /v1/me answers',
        );
      }
    }
    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ALLOWED_ROLES, targets);
    if (allowed && !allowed.includes(principal.role)) {
      throw new Forbidden(`A ${principal.role} ${principal.actor.kind} may not do this`);
    }
    return true;
  }

  /**
   * An Authorization header decides alone (a key, even alongside a cookie, needs no CSRF token:
   * no other site can make a browser send one); without it, the session cookie.
   */
  private async authenticate(request: GuardedRequest): Promise<Principal> {
    const authorization = request.headers.authorization;
    if (authorization !== undefined) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(String(authorization));
      const principal = match ? await this.keys.authenticate(match[1]!) : undefined;
      if (!principal) {
        await this.spend('address', request.ip);
        throw new Unauthorized(
          match
            ? 'This API key is not valid or has been revoked'
            : 'Send an API key as "Authorization: Bearer <key>"',
        );
      }
      await this.spend('key', principal.actor.id);
      return principal;
    }
    const token = sessionTokenOf(request.headers.cookie);
    const principal = token ? await this.sessions.authenticate(token) : undefined;
    if (!principal) {
      await this.spend('address', request.ip);
      throw new Unauthorized(
        token
          ? 'This session has ended; sign in again (POST /v1/sessions)'
          : 'Send an API key as "Authorization: Bearer <key>", or sign in (POST /v1/sessions)',
      );
    }
    await this.spend('user', principal.actor.id);
    return principal;
  }

  private async spend(bucket: 'key' | 'user' | 'address', id: string): Promise<void> {
    const decision = await this.limits.spend(bucket, id);
    if (!decision.allowed) {
      const who = { key: 'This API key', user: 'This account', address: 'This address' }[bucket];
      throw new RateLimited(`${who} sent too many requests; try again later`, decision.retryAfterSeconds);
    }
  }
}
