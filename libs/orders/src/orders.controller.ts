import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@ocop/auth';
import { ParseIdPipe } from '@ocop/common';
import { CancelOrderBody, OrderListQuery } from './dto';
import { OrdersService } from './orders.service';

@ApiTags('Orders')
@ApiBearerAuth()
@Controller('v1/orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Get()
  list(@CurrentPrincipal() who: Principal, @Query() query: OrderListQuery) {
    return this.orders.list(who.scope, query);
  }

  @Get(':id')
  get(@CurrentPrincipal() who: Principal, @Param('id', ParseIdPipe) id: string) {
    return this.orders.get(who.scope, id);
  }

  @Post(':id/confirm')
  @HttpCode(202)
  @Roles('admin', 'cooperative')
  @ApiOperation({ summary: 'Extension: confirm a pending order on its marketplace (pushed by the worker)' })
  confirm(@CurrentPrincipal() who: Principal, @Param('id', ParseIdPipe) id: string) {
    return this.orders.confirm(who.scope, id);
  }

  @Post(':id/cancel')
  @HttpCode(202)
  @Roles('admin', 'cooperative')
  @ApiOperation({
    summary: 'Extension: cancel a pending or confirmed order on its marketplace (pushed by the worker)',
  })
  cancel(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Body() body: CancelOrderBody,
  ) {
    return this.orders.cancel(who.scope, id, body);
  }
}
