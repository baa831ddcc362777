import { Controller, Get, Param, Query, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@ocop/auth';
import { ParseIdPipe } from '@ocop/common';
import { CsvReport, CsvReportInterceptor } from './csv-report';
import { ProducersByGrowthQuery, ProvinceQuery, SalesQuery, UpliftQuery, WindowQuery } from './dto';
import { growthTable, producersByGrowthTable, provinceTable, salesTable, upliftTable } from './report-tables';
import { SalesMetrics } from './sales-metrics';

@ApiTags('Sales metrics')
@ApiBearerAuth()
@ApiProduces('application/json', 'text/csv')
@UseInterceptors(CsvReportInterceptor)
@Controller('v1/metrics')
export class MetricsController {
  constructor(private readonly metrics: SalesMetrics) {}

  @Get('cooperatives/:id/sales')
  @CsvReport(salesTable)
  sales(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Query() query: SalesQuery,
  ) {
    return this.metrics.sales(who.scope, id, query);
  }

  @Get('cooperatives/:id/growth')
  @CsvReport(growthTable)
  growth(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Query() query: WindowQuery,
  ) {
    return this.metrics.growth(who.scope, id, query);
  }

  @Get('province/sales')
  @Roles('admin', 'officer')
  @CsvReport(salesTable)
  @ApiOperation({
    summary: 'Extension: the province’s sales per period and marketplace (default by month, one year)',
  })
  provinceSales(@Query() query: SalesQuery) {
    return this.metrics.provinceSales(query);
  }

  @Get('growth')
  @Roles('admin', 'officer')
  @CsvReport(producersByGrowthTable)
  @ApiOperation({
    summary:
      'Extension: producers by growth against the same-length window before (default the last 90 days)',
  })
  producersByGrowth(@Query() query: ProducersByGrowthQuery) {
    return this.metrics.producersByGrowth(query);
  }

  @Get('ocop-uplift')
  @Roles('admin', 'officer')
  @CsvReport(upliftTable)
  @ApiOperation({
    summary:
      'Revenue before and after each certificate’s decision date; certificates whose after-window has not ended are left out',
  })
  uplift(@Query() query: UpliftQuery) {
    return this.metrics.ocopUplift(query);
  }

  @Get('province')
  @Roles('admin', 'officer')
  @CsvReport(provinceTable)
  @ApiOperation({
    summary:
      'The province on asOf; extension: revenueWindow (the 365 days ending asOf) and cooperatives per district',
  })
  province(@Query() query: ProvinceQuery) {
    return this.metrics.province(query);
  }
}
