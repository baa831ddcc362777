import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@ocop/auth';
import { ApiCaller, ApiErrors, ConnectorConfig, ParseIdPipe } from '@ocop/common';
import { CertificatesService } from './certificates.service';
import { AssessmentListQuery, CertificateListQuery, RecordAssessmentBody, RevokeBody } from './dto';
import { AssessmentPage, AssessmentResponse, OcopReferenceResponse } from './responses';

@ApiTags('OCOP assessments and certificates')
@ApiCaller()
@Controller('v1')
export class OcopController {
  constructor(private readonly certificates: CertificatesService) {}

  @Post('products/:id/ocop-assessments')
  @Roles('admin', 'officer')
  @ApiOperation({ summary: 'Record an OCOP council decision on a product (admin, officer)' })
  @ApiCreatedResponse({ type: AssessmentResponse })
  @ApiErrors(400, 403, 404, { 422: 'The stars do not fit the level and date' }, 413, 415)
  record(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Body() body: RecordAssessmentBody,
  ): Promise<AssessmentResponse> {
    return this.certificates.record(who.scope, id, body, who.actor);
  }

  @Get('products/:id/ocop-assessments')
  @ApiOperation({ summary: 'A product’s OCOP assessments, newest decision first' })
  @ApiOkResponse({ type: AssessmentPage })
  @ApiErrors(400, 404)
  listForProduct(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Query() query: AssessmentListQuery,
  ): Promise<AssessmentPage> {
    return this.certificates.listForProduct(who.scope, id, query);
  }

  @Post('ocop-certificates/:id/revoke')
  @HttpCode(200)
  @Roles('admin', 'officer')
  @ApiOperation({ summary: 'Revoke an active certificate, with the reason (admin, officer)' })
  @ApiOkResponse({ type: AssessmentResponse })
  @ApiErrors(400, 403, 404, { 409: 'The certificate is not active' }, 413, 415)
  revoke(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Body() body: RevokeBody,
  ): Promise<AssessmentResponse> {
    return this.certificates.revoke(who.scope, id, body.reason, who.actor);
  }

  @Get('ocop-certificates')
  @ApiOperation({ summary: 'List OCOP certificates, filtered by status, stars, expiry and producer' })
  @ApiOkResponse({ type: AssessmentPage })
  @ApiErrors(400)
  list(@CurrentPrincipal() who: Principal, @Query() query: CertificateListQuery): Promise<AssessmentPage> {
    return this.certificates.list(who.scope, query);
  }

  @Get('ocop-certificates/:id')
  @ApiOperation({ summary: 'Get an OCOP certificate or assessment' })
  @ApiOkResponse({ type: AssessmentResponse })
  @ApiErrors(404)
  get(@CurrentPrincipal() who: Principal, @Param('id', ParseIdPipe) id: string): Promise<AssessmentResponse> {
    return this.certificates.get(who.scope, id);
  }
}

@ApiTags('Reference data')
@ApiCaller()
@Controller('v1/reference')
export class OcopReferenceController {
  constructor(private readonly config: ConnectorConfig) {}

  @Get('ocop')
  @ApiOperation({
    summary:
      'The OCOP rating rules’ figures: score parts and their maxima, star bands, the council level by decision date, validity',
  })
  @ApiOkResponse({ type: OcopReferenceResponse })
  ocop(): OcopReferenceResponse {
    const { scoreParts, starBands, levelRules, levels, validityMonths, expiryNoticeDays } =
      this.config.reference.ocop;
    return { scoreParts, starBands, levelRules, levels, validityMonths, expiryNoticeDays };
  }
}
