import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiCaller } from '@ocop/common';
import { CurrentPrincipal, type Principal } from './principal';
import { MeResponse } from './responses';
import { UsersService } from './users.service';

@ApiTags('People and sign-in')
@ApiCaller()
@Controller('v1/me')
export class MeController {
  constructor(private readonly users: UsersService) {}

  /**
   * The web app and the dashboard ask who is calling before they choose which pages to show: a
   * key or a person, the role and, for a cooperative, its producer (never a key, hash or cookie).
   * For a session it also answers the CSRF token its writes must send.
   */
  @Get()
  @ApiOperation({
    summary:
      'Who is calling: kind key or user, the role, the cooperativeId of a cooperative; for a session the person and the csrfToken',
  })
  @ApiOkResponse({ type: MeResponse })
  async me(@CurrentPrincipal() who: Principal): Promise<MeResponse> {
    const answer: MeResponse = {
      kind: who.actor.kind,
      role: who.role,
      cooperativeId: who.cooperativeId ?? null,
    };
    if (!who.session) return answer;
    return { ...answer, user: await this.users.get(who.actor.id), csrfToken: who.session.csrfToken };
  }
}
