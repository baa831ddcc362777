import { Body, Controller, Get, Headers, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ConnectorConfig, ParseIdPipe, ValidationFailed } from '@ocop/common';
import { CurrentPrincipal, Roles, type Principal } from '@ocop/auth';
import { CooperativesService } from './cooperatives.service';
import {
  CooperativeListQuery,
  CreateCooperativeBody,
  CreateProductBody,
  MovementListQuery,
  ProductListQuery,
  SkuInput,
  StockAdjustmentBody,
  StockTakeBody,
  UpdateCooperativeBody,
  UpdateProductBody,
  UpdateSkuBody,
} from './dto';
import { ProductsService } from './products.service';

@ApiTags('Cooperatives')
@ApiBearerAuth()
@Controller('v1/cooperatives')
export class CooperativesController {
  constructor(private readonly cooperatives: CooperativesService) {}

  @Post()
  @Roles('admin')
  create(@Body() body: CreateCooperativeBody) {
    return this.cooperatives.create(body);
  }

  @Get()
  list(@CurrentPrincipal() who: Principal, @Query() query: CooperativeListQuery) {
    return this.cooperatives.list(who.scope, query);
  }

  @Get(':id')
  get(@CurrentPrincipal() who: Principal, @Param('id', ParseIdPipe) id: string) {
    return this.cooperatives.get(who.scope, id);
  }

  @Patch(':id')
  @Roles('admin', 'cooperative')
  update(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Body() body: UpdateCooperativeBody,
  ) {
    return this.cooperatives.update(who.scope, id, body);
  }
}

@ApiTags('Products and stock')
@ApiBearerAuth()
@Controller('v1')
export class ProductsController {
  constructor(private readonly products: ProductsService) {}

  @Post('products')
  @Roles('admin', 'cooperative')
  create(@CurrentPrincipal() who: Principal, @Body() body: CreateProductBody) {
    return this.products.create(who.scope, body);
  }

  @Get('products')
  list(@CurrentPrincipal() who: Principal, @Query() query: ProductListQuery) {
    return this.products.list(who.scope, query);
  }

  @Get('products/:id')
  get(@CurrentPrincipal() who: Principal, @Param('id', ParseIdPipe) id: string) {
    return this.products.get(who.scope, id);
  }

  @Patch('products/:id')
  @Roles('admin', 'cooperative')
  update(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Body() body: UpdateProductBody,
  ) {
    return this.products.update(who.scope, id, body);
  }

  @Post('products/:id/skus')
  @Roles('admin', 'cooperative')
  addSku(@CurrentPrincipal() who: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: SkuInput) {
    return this.products.addSku(who.scope, id, body);
  }

  @Patch('skus/:id')
  @Roles('admin', 'cooperative')
  updateSku(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Body() body: UpdateSkuBody,
  ) {
    return this.products.updateSku(who.scope, id, body);
  }

  @Post('skus/:id/stock-adjustments')
  @Roles('admin', 'cooperative')
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'a repeat with the same key and body replays the first answer',
  })
  async adjustStock(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Body() body: StockAdjustmentBody,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    if (idempotencyKey !== undefined && !/^[\x21-\x7e]{1,255}$/.test(idempotencyKey)) {
      throw new ValidationFailed([
        { field: 'Idempotency-Key', message: 'must be 1 to 255 visible ASCII characters' },
      ]);
    }
    const answer = await this.products.adjustStock(who.scope, id, body, idempotencyKey);
    reply.status(answer.status);
    return answer.body;
  }

  @Put('skus/:id/stock')
  @Roles('admin', 'cooperative')
  takeStock(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Body() body: StockTakeBody,
  ) {
    return this.products.takeStock(who.scope, id, body);
  }

  @Get('skus/:id/stock-movements')
  movements(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Query() query: MovementListQuery,
  ) {
    return this.products.movements(who.scope, id, query);
  }
}

@ApiTags('Reference data')
@ApiBearerAuth()
@Controller('v1/reference')
export class ReferenceController {
  constructor(private readonly config: ConnectorConfig) {}

  @Get('categories')
  categories() {
    const groups = new Map(this.config.reference.ocop.groups.map((g) => [g.slug, g]));
    return {
      items: this.config.reference.categories.map((c) => ({
        slug: c.slug,
        nameVi: c.nameVi,
        nameEn: c.name,
        ocopGroup: c.ocopGroup,
        ocopGroupNameVi: groups.get(c.ocopGroup)?.nameVi ?? null,
      })),
      nextCursor: null,
    };
  }
}
