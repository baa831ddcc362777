import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@ocop/auth';
import { ApiCaller, ApiErrors, ParseIdPipe } from '@ocop/common';
import { ChannelHealth } from './channel-health';
import { ConnectionsService } from './connections.service';
import {
  ConnectionListQuery,
  CreateConnectionBody,
  CreateListingBody,
  CreateListingsBody,
  ListingListQuery,
  TransferConnectionBody,
  UpdateConnectionBody,
} from './dto';
import { ListingsService } from './listings.service';
import {
  BulkListingResponse,
  ChannelHealthResponse,
  ConnectionCheckResponse,
  ConnectionPage,
  ConnectionResponse,
  ListingPage,
  ListingResponse,
  RepublishResponse,
} from './responses';

@ApiTags('Marketplace connections and listings')
@ApiCaller()
@Controller('v1')
export class ChannelsController {
  constructor(
    private readonly connections: ConnectionsService,
    private readonly listings: ListingsService,
    private readonly health: ChannelHealth,
  ) {}

  @Post('cooperatives/:id/connections')
  @Roles('admin', 'cooperative')
  @ApiOperation({
    summary: 'Connect a marketplace shop; the marketplace checks the credentials (admin, its cooperative)',
  })
  @ApiCreatedResponse({ type: ConnectionResponse })
  @ApiErrors(
    400,
    403,
    404,
    { 409: 'The shop is already connected, to this cooperative (details name the connectionId) or another' },
    413,
    415,
    { 422: 'The marketplace refused the credentials, or says they are for another shop' },
    { 503: 'The marketplace could not check the credentials now' },
  )
  connect(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Body() body: CreateConnectionBody,
  ): Promise<ConnectionResponse> {
    return this.connections.create(who.scope, id, body, who.actor);
  }

  @Get('cooperatives/:id/connections')
  @ApiOperation({ summary: 'A producer’s marketplace connections' })
  @ApiOkResponse({ type: ConnectionPage })
  @ApiErrors(400, 404)
  connectionsOf(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Query() query: ConnectionListQuery,
  ): Promise<ConnectionPage> {
    return this.connections.list(who.scope, id, query);
  }

  @Get('cooperatives/:id/channel-health')
  @ApiOperation({
    summary:
      'Extension: a producer’s listings by health (synced, lagging, pending, error with the marketplace’s message) and its connections',
  })
  @ApiOkResponse({ type: ChannelHealthResponse })
  @ApiErrors(404)
  channelHealth(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseIdPipe) id: string,
  ): Promise<ChannelHealthResponse> {
    return this.health.ofCooperative(who.scope, id);
  }

  @Get('connections/:id')
  @ApiOperation({ summary: 'Get a marketplace connection (never its credentials)' })
  @ApiOkResponse({ type: ConnectionResponse })
  @ApiErrors(404)
  connection(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseIdPipe) id: string,
  ): Promise<ConnectionResponse> {
    return this.connections.get(who.scope, id);
  }

  @Patch('connections/:id')
  @Roles('admin', 'cooperative')
  @ApiOperation({
    summary: 'Pause, resume, or change a connection’s credentials and settings (admin, its cooperative)',
  })
  @ApiOkResponse({ type: ConnectionResponse })
  @ApiErrors(
    400,
    403,
    404,
    413,
    415,
    { 422: 'The marketplace refused the credentials, or the connection’s address is not allowed' },
    { 503: 'The marketplace could not check the credentials now' },
  )
  updateConnection(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Body() body: UpdateConnectionBody,
  ): Promise<ConnectionResponse> {
    return this.connections.update(who.scope, id, body, who.actor);
  }

  @Post('connections/:id/transfer')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({
    summary:
      'Hands the shop to another cooperative (admin); it is used again once the new owner sends its credentials',
  })
  @ApiOkResponse({ type: ConnectionResponse })
  @ApiErrors(
    400,
    403,
    { 404: 'No such connection or cooperative' },
    { 409: 'The connection still has listings that are not delisted' },
    413,
    415,
  )
  transferConnection(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Body() body: TransferConnectionBody,
  ): Promise<ConnectionResponse> {
    return this.connections.transfer(id, body, who.actor);
  }

  /** Extension of API.md: "check connection" on demand, without sending the credentials again. */
  @Post('connections/:id/check')
  @HttpCode(200)
  @Roles('admin', 'cooperative')
  @ApiOperation({
    summary:
      'Extension: ask the marketplace whether the stored credentials still work; sets the status to match (admin, its cooperative)',
  })
  @ApiOkResponse({ type: ConnectionCheckResponse })
  @ApiErrors(403, 404, { 503: 'The marketplace could not check the credentials now' })
  check(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseIdPipe) id: string,
  ): Promise<ConnectionCheckResponse> {
    return this.connections.check(who.scope, id, who.actor);
  }

  /** Extension of API.md: publish every listing of the connection again (the marketplace lost them). */
  @Post('connections/:id/republish')
  @HttpCode(202)
  @Roles('admin', 'cooperative')
  @ApiOperation({
    summary: 'Extension: publish every listing of the connection again (admin, its cooperative)',
  })
  @ApiAcceptedResponse({ type: RepublishResponse })
  @ApiErrors(403, 404)
  async republish(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseIdPipe) id: string,
  ): Promise<RepublishResponse> {
    return { connectionId: id, listings: await this.listings.republishAll(who.scope, id) };
  }

  @Post('listings')
  @HttpCode(202)
  @Roles('admin', 'cooperative')
  @ApiOperation({
    summary: 'List a product on a connection; the worker publishes it (admin, its cooperative)',
  })
  @ApiAcceptedResponse({ type: ListingResponse, description: 'The listing, pending' })
  @ApiErrors(
    400,
    403,
    { 404: 'No such product or connection' },
    { 409: 'The product is already listed on this connection' },
    413,
    415,
    { 422: 'The connection belongs to another cooperative than the product' },
  )
  publish(@CurrentPrincipal() who: Principal, @Body() body: CreateListingBody): Promise<ListingResponse> {
    return this.listings.create(who.scope, body, who.actor);
  }

  /** Extension of API.md: the web app's "Đăng bán lên…" for the selected products, in one call. */
  @Post('listings/bulk')
  @HttpCode(200)
  @Roles('admin', 'cooperative')
  @ApiOperation({
    summary:
      'Extension: list up to 200 products on one connection; each product listed or refused alone (admin, its cooperative)',
  })
  @ApiOkResponse({ type: BulkListingResponse })
  @ApiErrors(400, 403, { 404: 'No such connection' }, 413, 415)
  publishMany(
    @CurrentPrincipal() who: Principal,
    @Body() body: CreateListingsBody,
  ): Promise<BulkListingResponse> {
    return this.listings.createMany(who.scope, body, who.actor);
  }

  @Get('listings')
  @ApiOperation({ summary: 'List listings, by product, connection, status or marketplace' })
  @ApiOkResponse({ type: ListingPage })
  @ApiErrors(400)
  findListings(@CurrentPrincipal() who: Principal, @Query() query: ListingListQuery): Promise<ListingPage> {
    return this.listings.list(who.scope, query);
  }

  @Get('listings/:id')
  @ApiOperation({ summary: 'Get a listing and how far it is in step with its marketplace' })
  @ApiOkResponse({ type: ListingResponse })
  @ApiErrors(404)
  listing(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseIdPipe) id: string,
  ): Promise<ListingResponse> {
    return this.listings.get(who.scope, id);
  }

  @Post('listings/:id/resync')
  @HttpCode(202)
  @Roles('admin', 'cooperative')
  @ApiOperation({ summary: 'Push a listing again, lifting an error (admin, its cooperative)' })
  @ApiAcceptedResponse({ type: ListingResponse })
  @ApiErrors(403, 404, { 409: 'The listing is delisted; list the product again' })
  resync(@CurrentPrincipal() who: Principal, @Param('id', ParseIdPipe) id: string): Promise<ListingResponse> {
    return this.listings.resync(who.scope, id);
  }

  @Delete('listings/:id')
  @HttpCode(202)
  @Roles('admin', 'cooperative')
  @ApiOperation({ summary: 'Take a listing down from its marketplace (admin, its cooperative)' })
  @ApiAcceptedResponse({ type: ListingResponse })
  @ApiErrors(403, 404)
  delist(@CurrentPrincipal() who: Principal, @Param('id', ParseIdPipe) id: string): Promise<ListingResponse> {
    return this.listings.delist(who.scope, id, who.actor);
  }
}
