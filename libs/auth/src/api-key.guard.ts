import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Forbidden, Unauthorized } from '@ocop/common';
import { ApiKeysService } from './api-keys.service';
import { ALLOWED_ROLES, IS_PUBLIC, Principal, Role } from './principal';

/**
 * The one guard of the API: authenticates the bearer key, refuses roles a route does not allow
 * (403), and attaches the principal whose scope every service applies to its queries.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeysService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context
      .switchToHttp()
      .getRequest<{ headers: Record<string, string | undefined>; principal?: Principal }>();
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    if (!match) throw new Unauthorized('Send an API key as "Authorization: Bearer <key>"');
    const principal = await this.keys.authenticate(match[1]);
    if (!principal) throw new Unauthorized('This API key is not valid or has been revoked');
    request.principal = principal;
    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ALLOWED_ROLES, targets);
    if (allowed && !allowed.includes(principal.role)) {
      throw new Forbidden(`A ${principal.role} key may not do this`);
    }
    return true;
  }
}
