import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@ocop/auth';
import { ChannelHealth } from '@ocop/channels';
import { ParseIdPipe } from '@ocop/common';
import { DeadWebhooks, IntakeActivity } from '@ocop/orders';

/**
 * Extension for the dashboard's admin view: what the queue dashboard cannot say — listings the
 * marketplaces refused or have not caught up with, whether orders still arrive by webhook and
 * by polling, and stored webhooks set aside as dead — per marketplace. Each figure comes from the
 * context that owns it.
 */
@ApiTags('Operations')
@ApiBearerAuth()
@Controller('v1/operations')
@Roles('admin')
export class SyncHealthController {
  constructor(
    private readonly channels: ChannelHealth,
    private readonly intake: IntakeActivity,
    private readonly deadWebhooks: DeadWebhooks,
  ) {}

  @Get('sync-health')
  @ApiOperation({
    summary:
      'Extension (admins): listings by health and oldest lag per marketplace, listings in error, webhooks of the last 24 h, the latest polls and dead webhooks',
  })
  async syncHealth() {
    const [listings, problems, intake, deadCounts, dead] = await Promise.all([
      this.channels.byMarketplace(),
      this.channels.problems(),
      this.intake.byMarketplace(),
      this.deadWebhooks.countByMarketplace(),
      this.deadWebhooks.list(),
    ]);
    return {
      windowHours: intake.windowHours,
      marketplaces: listings.map((entry) => ({
        ...entry,
        ...intake.marketplaces.find((m) => m.marketplace === entry.marketplace)!,
        deadWebhooks: deadCounts[entry.marketplace],
      })),
      errors: problems,
      deadWebhooks: {
        total: Object.values(deadCounts).reduce((sum, n) => sum + n, 0),
        items: dead,
      },
      queueDashboard: '/admin/queues',
    };
  }

  @Post('inbox/:id/retry')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Admins: a dead stored webhook waits again with its attempts reset (404 unknown, 409 not dead)',
  })
  retryWebhook(@Param('id', ParseIdPipe) id: string) {
    return this.deadWebhooks.retry(id);
  }
}
