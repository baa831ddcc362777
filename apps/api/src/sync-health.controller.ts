import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Roles } from '@ocop/auth';
import { ChannelHealth, ListingProblemResponse, MarketplaceListingHealthResponse } from '@ocop/channels';
import { ApiCaller, ApiErrors, ParseIdPipe } from '@ocop/common';
import {
  DeadWebhookResponse,
  DeadWebhooks,
  IntakeActivity,
  PollingResponse,
  WebhookCountsResponse,
} from '@ocop/orders';

export class MarketplaceSyncHealthResponse extends MarketplaceListingHealthResponse {
  @ApiProperty({ type: WebhookCountsResponse, description: 'webhooks stored in the window' })
  webhooks: WebhookCountsResponse;
  @ApiProperty({ type: PollingResponse, description: 'the latest poll of each connection' })
  polling: PollingResponse;
  @ApiProperty({ type: 'integer', description: 'dead webhooks of this marketplace, whenever received' })
  deadWebhooks: number;
}

export class DeadWebhooksResponse {
  @ApiProperty({ type: 'integer' }) total: number;
  @ApiProperty({ type: [DeadWebhookResponse], description: 'the latest 100 at most' })
  items: DeadWebhookResponse[];
}

export class SyncHealthResponse {
  @ApiProperty({ type: 'integer', description: 'how far back the webhook counts look' }) windowHours: number;
  @ApiProperty({ type: [MarketplaceSyncHealthResponse] }) marketplaces: MarketplaceSyncHealthResponse[];
  @ApiProperty({ type: [ListingProblemResponse], description: 'listings in error, 100 at most' })
  errors: ListingProblemResponse[];
  @ApiProperty({ type: DeadWebhooksResponse }) deadWebhooks: DeadWebhooksResponse;
  @ApiProperty({ example: '/admin/queues', description: 'where the queue dashboard is' })
  queueDashboard: string;
}

/**
 * Extension for the dashboard's admin view: what the queue dashboard cannot say — listings the
 * marketplaces refused or have not caught up with, whether orders still arrive by webhook and
 * by polling, and stored webhooks set aside as dead — per marketplace. Each figure comes from the
 * context that owns it.
 */
@ApiTags('Operations')
@ApiCaller()
@ApiErrors(403)
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
  @ApiOkResponse({ type: SyncHealthResponse })
  async syncHealth(): Promise<SyncHealthResponse> {
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
  @ApiOkResponse({ type: DeadWebhookResponse, description: 'The stored webhook, waiting again' })
  @ApiErrors(404, { 409: 'The stored webhook is not dead' })
  retryWebhook(@Param('id', ParseIdPipe) id: string): Promise<DeadWebhookResponse> {
    return this.deadWebhooks.retry(id);
  }
}
