import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@ocop/auth';
import { ParseIdPipe } from '@ocop/common';
import { CertificatesService } from './certificates.service';
import { AssessmentListQuery, CertificateListQuery, RecordAssessmentBody, RevokeBody } from './dto';

@ApiTags('OCOP assessments and certificates')
@ApiBearerAuth()
@Controller('v1')
export class OcopController {
  constructor(private readonly certificates: CertificatesService) {}

  @Post('products/:id/ocop-assessments')
  @Roles('admin', 'officer')
  record(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Body() body: RecordAssessmentBody,
  ) {
    return this.certificates.record(who.scope, id, body);
  }

  @Get('products/:id/ocop-assessments')
  listForProduct(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Query() query: AssessmentListQuery,
  ) {
    return this.certificates.listForProduct(who.scope, id, query);
  }

  @Post('ocop-certificates/:id/revoke')
  @HttpCode(200)
  @Roles('admin', 'officer')
  revoke(@CurrentPrincipal() who: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: RevokeBody) {
    return this.certificates.revoke(who.scope, id, body.reason);
  }

  @Get('ocop-certificates')
  list(@CurrentPrincipal() who: Principal, @Query() query: CertificateListQuery) {
    return this.certificates.list(who.scope, query);
  }

  @Get('ocop-certificates/:id')
  get(@CurrentPrincipal() who: Principal, @Param('id', ParseIdPipe) id: string) {
    return this.certificates.get(who.scope, id);
  }
}
