import { Controller, Get, Param, Query, UseInterceptors } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@ocop/auth';
import { ApiCaller, ApiErrors, ParseIdPipe } from '@ocop/common';
import { Report, ReportFormatInterceptor } from './report-format';
import { ProducersByGrowthQuery, ProvinceQuery, SalesQuery, UpliftQuery, WindowQuery } from './dto';
import { growthTable, producersByGrowthTable, provinceTable, salesTable, upliftTable } from './report-tables';
import {
  ApiReport,
  CooperativeSalesResponse,
  OcopUpliftResponse,
  ProducersByGrowthResponse,
  ProvinceReportResponse,
  SalesGrowthResponse,
  SalesSeriesResponse,
} from './responses';
import { SalesMetrics } from './sales-metrics';

@ApiTags('Sales metrics')
@ApiCaller()
@ApiErrors({
  400: 'A query value is not valid (format json|csv|xlsx, lang vi|en), or the window runs backwards or spans more than 3,660 days',
})
@UseInterceptors(ReportFormatInterceptor)
@Controller('v1/metrics')
export class MetricsController {
  constructor(private readonly metrics: SalesMetrics) {}

  @Get('cooperatives/:id/sales')
  @Report(salesTable)
  @ApiOperation({ summary: 'A producer’s sales per period and marketplace (default by day, one year)' })
  @ApiReport(CooperativeSalesResponse)
  @ApiErrors(404)
  sales(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Query() query: SalesQuery,
  ): Promise<CooperativeSalesResponse> {
    return this.metrics.sales(who.scope, id, query);
  }

  @Get('cooperatives/:id/growth')
  @Report(growthTable)
  @ApiOperation({ summary: 'A producer’s revenue in a window against the same number of days before it' })
  @ApiReport(SalesGrowthResponse)
  @ApiErrors(404)
  growth(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Query() query: WindowQuery,
  ): Promise<SalesGrowthResponse> {
    return this.metrics.growth(who.scope, id, query);
  }

  @Get('province/sales')
  @Roles('admin', 'officer')
  @Report(salesTable)
  @ApiOperation({
    summary: 'Extension: the province’s sales per period and marketplace (default by month, one year)',
  })
  @ApiReport(SalesSeriesResponse)
  @ApiErrors(403)
  provinceSales(@Query() query: SalesQuery): Promise<SalesSeriesResponse> {
    return this.metrics.provinceSales(query);
  }

  @Get('growth')
  @Roles('admin', 'officer')
  @Report(producersByGrowthTable)
  @ApiOperation({
    summary:
      'Extension: producers by growth against the same-length window before (default the last 90 days)',
  })
  @ApiReport(ProducersByGrowthResponse)
  @ApiErrors(403)
  producersByGrowth(@Query() query: ProducersByGrowthQuery): Promise<ProducersByGrowthResponse> {
    return this.metrics.producersByGrowth(query);
  }

  @Get('ocop-uplift')
  @Roles('admin', 'officer')
  @Report(upliftTable)
  @ApiOperation({
    summary:
      'Revenue before and after each certificate’s decision date; certificates whose after-window has not ended are left out',
  })
  @ApiReport(OcopUpliftResponse)
  @ApiErrors(403)
  uplift(@Query() query: UpliftQuery): Promise<OcopUpliftResponse> {
    return this.metrics.ocopUplift(query);
  }

  @Get('province')
  @Roles('admin', 'officer')
  @Report(provinceTable)
  @ApiOperation({
    summary:
      'The province on asOf; extension: revenueWindow (the 365 days ending asOf) and cooperatives per district',
  })
  @ApiReport(ProvinceReportResponse)
  @ApiErrors(403)
  province(@Query() query: ProvinceQuery): Promise<ProvinceReportResponse> {
    return this.metrics.province(query);
  }
}
