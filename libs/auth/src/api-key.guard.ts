import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Forbidden, RateLimited, Unauthorized } from '@ocop/common';
import { ApiKeysService } from './api-keys.service';
import { ALLOWED_ROLES, IS_PUBLIC, OWN_RATE_LIMIT, Principal, Role } from './principal';
import { RateLimits } from './rate-limits';

/**
 * The one guard of the API: authenticates the bearer key, refuses roles a route does not allow
 * (403), and attaches the principal whose scope every service applies to its queries. It also
 * spends the request from its rate limit: the key's, or for requests without a valid key (public
 * routes, wrong or missing keys — guessing keys among them) the client address's.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeysService,
    private readonly limits: RateLimits,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const request = context.switchToHttp().getRequest<{
      headers: Record<string, string | undefined>;
      ip: string;
      principal?: Principal;
    }>();
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) {
      if (!this.reflector.getAllAndOverride<boolean>(OWN_RATE_LIMIT, targets)) {
        await this.spend('address', request.ip);
      }
      return true;
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    if (!match) {
      await this.spend('address', request.ip);
      throw new Unauthorized('Send an API key as "Authorization: Bearer <key>"');
    }
    const principal = await this.keys.authenticate(match[1]);
    if (!principal) {
      await this.spend('address', request.ip);
      throw new Unauthorized('This API key is not valid or has been revoked');
    }
    await this.spend('key', principal.keyId);
    request.principal = principal;
    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ALLOWED_ROLES, targets);
    if (allowed && !allowed.includes(principal.role)) {
      throw new Forbidden(`A ${principal.role} key may not do this`);
    }
    return true;
  }

  private async spend(bucket: 'key' | 'address', id: string): Promise<void> {
    const decision = await this.limits.spend(bucket, id);
    if (!decision.allowed) {
      throw new RateLimited(
        bucket === 'key'
          ? 'This API key sent too many requests; try again later'
          : 'Too many requests from this address; try again later',
        decision.retryAfterSeconds,
      );
    }
  }
}
