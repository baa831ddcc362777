import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '@ocop/auth';
import { ApiCaller, ApiErrors, ParseIdPipe } from '@ocop/common';
import { NoticeListQuery } from './dto';
import { NoticesService } from './notices.service';
import { NoticePage, UnreadCountResponse } from './responses';

const PEOPLE_ONLY = { 403: 'An API key has no notices: they are a signed-in person’s' } as const;
const PEOPLE_ONLY_WRITE = {
  403: 'An API key has no notices (they are a signed-in person’s), or the session’s write lacks its X-CSRF-Token',
} as const;

@ApiTags('Notifications')
@ApiCaller()
@Controller('v1/notifications')
export class NotificationsController {
  constructor(private readonly notices: NoticesService) {}

  @Get()
  @ApiOperation({ summary: 'The caller’s notices, newest first; ?unread=true for the unread ones only' })
  @ApiOkResponse({ type: NoticePage })
  @ApiErrors(400, PEOPLE_ONLY)
  list(@CurrentPrincipal() who: Principal, @Query() query: NoticeListQuery): Promise<NoticePage> {
    return this.notices.list(who, query.unread === 'true', query);
  }

  @Get('unread-count')
  @ApiOperation({ summary: 'How many of the caller’s notices are unread (the bell)' })
  @ApiOkResponse({ type: UnreadCountResponse })
  @ApiErrors(PEOPLE_ONLY)
  async unreadCount(@CurrentPrincipal() who: Principal): Promise<UnreadCountResponse> {
    return { count: await this.notices.unreadCount(who) };
  }

  @Post(':id/read')
  @HttpCode(204)
  @ApiOperation({ summary: 'Mark one of the caller’s notices read (again: no change)' })
  @ApiNoContentResponse({ description: 'Read; the first reading’s time stays' })
  @ApiErrors(404, PEOPLE_ONLY_WRITE)
  async read(@CurrentPrincipal() who: Principal, @Param('id', ParseIdPipe) id: string): Promise<void> {
    await this.notices.read(who, id);
  }
}
