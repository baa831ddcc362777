import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from './principal';

@ApiTags('API keys')
@ApiBearerAuth()
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
  me(@CurrentPrincipal() who: Principal) {
    return { role: who.role, cooperativeId: who.cooperativeId ?? null };
  }
}
