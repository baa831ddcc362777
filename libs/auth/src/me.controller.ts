import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiCaller } from '@ocop/common';
import { CurrentPrincipal, type Principal } from './principal';
import { MeResponse } from './responses';

@ApiTags('API keys')
@ApiCaller()
@Controller('v1/me')
export class MeController {
  /**
   * The dashboard asks who a key belongs to before it chooses which pages to show; the answer
   * names the role and, for a cooperative key, its producer (never the key or its hash).
   */
  @Get()
  @ApiOperation({
    summary: 'Extension: the role of the calling key and, for a cooperative key, its cooperativeId',
  })
  @ApiOkResponse({ type: MeResponse })
  me(@CurrentPrincipal() who: Principal): MeResponse {
    return { role: who.role, cooperativeId: who.cooperativeId ?? null };
  }
}
