import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@ocop/auth';
import { ChannelHealth } from '@ocop/channels';
import { IntakeActivity } from '@ocop/orders';

/**
 * Extension for the dashboard's admin view: what the queue dashboard cannot say — listings the
 * marketplaces refused or have not caught up with, and whether orders still arrive by webhook and
 * by polling — per marketplace. Each figure comes from the context that owns it.
 */
@ApiTags('Operations')
@ApiBearerAuth()
@Controller('v1/operations')
@Roles('admin')
export class SyncHealthController {
  constructor(
    private readonly channels: ChannelHealth,
    private readonly intake: IntakeActivity,
  ) {}

  @Get('sync-health')
  @ApiOperation({
    summary:
      'Extension (admins): listings by health and oldest lag per marketplace, listings in error, webhooks of the last 24 h and the latest polls',
  })
  async syncHealth() {
    const [listings, problems, intake] = await Promise.all([
      this.channels.byMarketplace(),
      this.channels.problems(),
      this.intake.byMarketplace(),
    ]);
    return {
      windowHours: intake.windowHours,
      marketplaces: listings.map((entry) => ({
        ...entry,
        ...intake.marketplaces.find((m) => m.marketplace === entry.marketplace)!,
      })),
      errors: problems,
      queueDashboard: '/admin/queues',
    };
  }
}
