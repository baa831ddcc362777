import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@ocop/auth';
import { ApiCaller, ApiErrors, ParseIdPipe } from '@ocop/common';
import { CancelOrderBody, OrderFilterQuery, OrderListQuery } from './dto';
import { OrdersService } from './orders.service';
import { OrderDetailResponse, OrderPage, OrderSummaryResponse } from './responses';

@ApiTags('Orders')
@ApiCaller()
@Controller('v1/orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Get()
  @ApiOperation({ summary: 'List orders, filtered by producer, marketplace, status, days placed and stock' })
  @ApiOkResponse({ type: OrderPage })
  @ApiErrors(400)
  list(@CurrentPrincipal() who: Principal, @Query() query: OrderListQuery): Promise<OrderPage> {
    return this.orders.list(who.scope, query);
  }

  // before ':id', which would take "summary" for an id
  @Get('summary')
  @ApiOperation({
    summary: 'Extension: how many orders the list’s filters select, and their total',
  })
  @ApiOkResponse({ type: OrderSummaryResponse })
  @ApiErrors(400)
  summary(
    @CurrentPrincipal() who: Principal,
    @Query() query: OrderFilterQuery,
  ): Promise<OrderSummaryResponse> {
    return this.orders.summary(who.scope, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get an order with its lines and its status history' })
  @ApiOkResponse({ type: OrderDetailResponse })
  @ApiErrors(404)
  get(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseIdPipe) id: string,
  ): Promise<OrderDetailResponse> {
    return this.orders.get(who.scope, id);
  }

  @Post(':id/confirm')
  @HttpCode(202)
  @Roles('admin', 'cooperative')
  @ApiOperation({ summary: 'Extension: confirm a pending order on its marketplace (pushed by the worker)' })
  @ApiAcceptedResponse({ type: OrderDetailResponse, description: 'The order, its confirmation requested' })
  @ApiErrors(403, 404, { 409: 'The order’s status no longer allows it' })
  confirm(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseIdPipe) id: string,
  ): Promise<OrderDetailResponse> {
    return this.orders.confirm(who.scope, id, who.actor);
  }

  @Post(':id/cancel')
  @HttpCode(202)
  @Roles('admin', 'cooperative')
  @ApiOperation({
    summary: 'Extension: cancel a pending or confirmed order on its marketplace (pushed by the worker)',
  })
  @ApiAcceptedResponse({ type: OrderDetailResponse, description: 'The order, its cancellation requested' })
  @ApiErrors(400, 403, 404, { 409: 'The order’s status no longer allows it' }, 413, 415)
  cancel(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Body() body: CancelOrderBody,
  ): Promise<OrderDetailResponse> {
    return this.orders.cancel(who.scope, id, body, who.actor);
  }
}
