import { Body, Controller, Get, Headers, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiCaller, ApiErrors, ConnectorConfig, ParseIdPipe, ValidationFailed } from '@ocop/common';
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
import {
  CategoryPage,
  CooperativePage,
  CooperativeResponse,
  ProductPage,
  ProductResponse,
  SkuResponse,
  StockMovementPage,
} from './responses';

@ApiTags('Cooperatives')
@ApiCaller()
@Controller('v1/cooperatives')
export class CooperativesController {
  constructor(private readonly cooperatives: CooperativesService) {}

  @Post()
  @Roles('admin')
  @ApiOperation({ summary: 'Register a producer (admin)' })
  @ApiCreatedResponse({ type: CooperativeResponse })
  @ApiErrors(400, 403, 413, 415)
  create(@Body() body: CreateCooperativeBody): Promise<CooperativeResponse> {
    return this.cooperatives.create(body);
  }

  @Get()
  @ApiOperation({ summary: 'List producers (a cooperative caller sees only its own)' })
  @ApiOkResponse({ type: CooperativePage })
  @ApiErrors(400)
  list(@CurrentPrincipal() who: Principal, @Query() query: CooperativeListQuery): Promise<CooperativePage> {
    return this.cooperatives.list(who.scope, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a producer' })
  @ApiOkResponse({ type: CooperativeResponse })
  @ApiErrors(404)
  get(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseIdPipe) id: string,
  ): Promise<CooperativeResponse> {
    return this.cooperatives.get(who.scope, id);
  }

  @Patch(':id')
  @Roles('admin', 'cooperative')
  @ApiOperation({ summary: 'Change a producer’s details (admin, the cooperative itself)' })
  @ApiOkResponse({ type: CooperativeResponse })
  @ApiErrors(400, 403, 404, 413, 415)
  update(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Body() body: UpdateCooperativeBody,
  ): Promise<CooperativeResponse> {
    return this.cooperatives.update(who.scope, id, body);
  }
}

@ApiTags('Products and stock')
@ApiCaller()
@Controller('v1')
export class ProductsController {
  constructor(private readonly products: ProductsService) {}

  @Post('products')
  @Roles('admin', 'cooperative')
  @ApiOperation({ summary: 'Create a product with its SKUs (admin, its cooperative)' })
  @ApiCreatedResponse({ type: ProductResponse })
  @ApiErrors(
    400,
    403,
    { 404: 'No such cooperative' },
    { 409: 'A SKU code repeated or already used in the cooperative' },
    413,
    415,
  )
  create(@CurrentPrincipal() who: Principal, @Body() body: CreateProductBody): Promise<ProductResponse> {
    return this.products.create(who.scope, body, who.actor);
  }

  @Get('products')
  @ApiOperation({ summary: 'List products, searched and filtered' })
  @ApiOkResponse({ type: ProductPage })
  @ApiErrors(400)
  list(@CurrentPrincipal() who: Principal, @Query() query: ProductListQuery): Promise<ProductPage> {
    return this.products.list(who.scope, query);
  }

  @Get('products/:id')
  @ApiOperation({ summary: 'Get a product with its SKUs and OCOP badge' })
  @ApiOkResponse({ type: ProductResponse })
  @ApiErrors(404)
  get(@CurrentPrincipal() who: Principal, @Param('id', ParseIdPipe) id: string): Promise<ProductResponse> {
    return this.products.get(who.scope, id);
  }

  @Patch('products/:id')
  @Roles('admin', 'cooperative')
  @ApiOperation({ summary: 'Change or archive a product (admin, its cooperative)' })
  @ApiOkResponse({ type: ProductResponse })
  @ApiErrors(400, 403, 404, 413, 415)
  update(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Body() body: UpdateProductBody,
  ): Promise<ProductResponse> {
    return this.products.update(who.scope, id, body, who.actor);
  }

  @Post('products/:id/skus')
  @Roles('admin', 'cooperative')
  @ApiOperation({ summary: 'Add a SKU to a product (admin, its cooperative)' })
  @ApiCreatedResponse({ type: SkuResponse })
  @ApiErrors(400, 403, 404, { 409: 'The SKU code is already used in the cooperative' }, 413, 415)
  addSku(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Body() body: SkuInput,
  ): Promise<SkuResponse> {
    return this.products.addSku(who.scope, id, body, who.actor);
  }

  @Patch('skus/:id')
  @Roles('admin', 'cooperative')
  @ApiOperation({
    summary: 'Change a SKU’s pack name, price, weight or safety stock (admin, its cooperative)',
  })
  @ApiOkResponse({ type: SkuResponse })
  @ApiErrors(400, 403, 404, 413, 415)
  updateSku(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Body() body: UpdateSkuBody,
  ): Promise<SkuResponse> {
    return this.products.updateSku(who.scope, id, body, who.actor);
  }

  @Post('skus/:id/stock-adjustments')
  @Roles('admin', 'cooperative')
  @ApiOperation({
    summary: 'Add or remove stock with a reason; idempotent with Idempotency-Key (admin, its cooperative)',
  })
  @ApiCreatedResponse({
    type: SkuResponse,
    description: 'The SKU after the adjustment (a replay answers the first answer again)',
  })
  @ApiErrors(
    400,
    403,
    404,
    { 409: 'On hand would fall below reserved, or the Idempotency-Key was used with another body' },
    413,
    415,
  )
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
  ): Promise<SkuResponse> {
    if (idempotencyKey !== undefined && !/^[\x21-\x7e]{1,255}$/.test(idempotencyKey)) {
      throw new ValidationFailed([
        { field: 'Idempotency-Key', message: 'must be 1 to 255 visible ASCII characters' },
      ]);
    }
    const answer = await this.products.adjustStock(who.scope, id, body, who.actor, idempotencyKey);
    reply.status(answer.status);
    return answer.body;
  }

  @Put('skus/:id/stock')
  @Roles('admin', 'cooperative')
  @ApiOperation({ summary: 'Record a stock take: the counted on-hand figure (admin, its cooperative)' })
  @ApiOkResponse({ type: SkuResponse })
  @ApiErrors(400, 403, 404, { 409: 'The counted figure is below what orders have reserved' }, 413, 415)
  takeStock(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Body() body: StockTakeBody,
  ): Promise<SkuResponse> {
    return this.products.takeStock(who.scope, id, body, who.actor);
  }

  @Get('skus/:id/stock-movements')
  @ApiOperation({ summary: 'A SKU’s stock ledger, newest first' })
  @ApiOkResponse({ type: StockMovementPage })
  @ApiErrors(400, 404)
  movements(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Query() query: MovementListQuery,
  ): Promise<StockMovementPage> {
    return this.products.movements(who.scope, id, query);
  }
}

@ApiTags('Reference data')
@ApiCaller()
@Controller('v1/reference')
export class ReferenceController {
  constructor(private readonly config: ConnectorConfig) {}

  @Get('categories')
  @ApiOperation({ summary: 'The product categories and their OCOP groups' })
  @ApiOkResponse({ type: CategoryPage })
  categories(): CategoryPage {
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
