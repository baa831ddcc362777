import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@ocop/auth';
import { ParseIdPipe } from '@ocop/common';
import { ChannelHealth } from './channel-health';
import { ConnectionsService } from './connections.service';
import {
  ConnectionListQuery,
  CreateConnectionBody,
  CreateListingBody,
  ListingListQuery,
  TransferConnectionBody,
  UpdateConnectionBody,
} from './dto';
import { ListingsService } from './listings.service';

@ApiTags('Marketplace connections and listings')
@ApiBearerAuth()
@Controller('v1')
export class ChannelsController {
  constructor(
    private readonly connections: ConnectionsService,
    private readonly listings: ListingsService,
    private readonly health: ChannelHealth,
  ) {}

  @Post('cooperatives/:id/connections')
  @Roles('admin', 'cooperative')
  connect(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Body() body: CreateConnectionBody,
  ) {
    return this.connections.create(who.scope, id, body);
  }

  @Get('cooperatives/:id/connections')
  connectionsOf(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Query() query: ConnectionListQuery,
  ) {
    return this.connections.list(who.scope, id, query);
  }

  @Get('cooperatives/:id/channel-health')
  @ApiOperation({
    summary:
      'Extension: a producer’s listings by health (synced, lagging, pending, error with the marketplace’s message) and its connections',
  })
  channelHealth(@CurrentPrincipal() who: Principal, @Param('id', ParseIdPipe) id: string) {
    return this.health.ofCooperative(who.scope, id);
  }

  @Get('connections/:id')
  connection(@CurrentPrincipal() who: Principal, @Param('id', ParseIdPipe) id: string) {
    return this.connections.get(who.scope, id);
  }

  @Patch('connections/:id')
  @Roles('admin', 'cooperative')
  updateConnection(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Body() body: UpdateConnectionBody,
  ) {
    return this.connections.update(who.scope, id, body);
  }

  @Post('connections/:id/transfer')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({
    summary:
      'Hands the shop to another cooperative (admin); it is used again once the new owner sends its credentials',
  })
  transferConnection(@Param('id', ParseIdPipe) id: string, @Body() body: TransferConnectionBody) {
    return this.connections.transfer(id, body);
  }

  /** Extension of API.md: publish every listing of the connection again (the marketplace lost them). */
  @Post('connections/:id/republish')
  @HttpCode(202)
  @Roles('admin', 'cooperative')
  async republish(@CurrentPrincipal() who: Principal, @Param('id', ParseIdPipe) id: string) {
    return { connectionId: id, listings: await this.listings.republishAll(who.scope, id) };
  }

  @Post('listings')
  @HttpCode(202)
  @Roles('admin', 'cooperative')
  publish(@CurrentPrincipal() who: Principal, @Body() body: CreateListingBody) {
    return this.listings.create(who.scope, body);
  }

  @Get('listings')
  findListings(@CurrentPrincipal() who: Principal, @Query() query: ListingListQuery) {
    return this.listings.list(who.scope, query);
  }

  @Get('listings/:id')
  listing(@CurrentPrincipal() who: Principal, @Param('id', ParseIdPipe) id: string) {
    return this.listings.get(who.scope, id);
  }

  @Post('listings/:id/resync')
  @HttpCode(202)
  @Roles('admin', 'cooperative')
  resync(@CurrentPrincipal() who: Principal, @Param('id', ParseIdPipe) id: string) {
    return this.listings.resync(who.scope, id);
  }

  @Delete('listings/:id')
  @HttpCode(202)
  @Roles('admin', 'cooperative')
  delist(@CurrentPrincipal() who: Principal, @Param('id', ParseIdPipe) id: string) {
    return this.listings.delist(who.scope, id);
  }
}
