import {
  applyDecorators,
  Controller,
  Get,
  Inject,
  Injectable,
  OnModuleDestroy,
  OnModuleInit,
  Res,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import {
  ApiExcludeController,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { PrometheusController } from '@willsoto/nestjs-prometheus';
import type { FastifyReply } from 'fastify';
import type Redis from 'ioredis';
import { Counter, Gauge, Histogram, register } from 'prom-client';
import { DataSource } from 'typeorm';
import { Public } from '@ocop/auth';
import { ApiErrors, ErrorContent, within } from '@ocop/common';
import { ChannelHealth } from '@ocop/channels';
import { DeadWebhooks } from '@ocop/orders';
import { ALL_QUEUES, REDIS } from '@ocop/jobs';

const CHECK_TIMEOUT_MS = 1500;

async function probe(check: () => Promise<unknown>): Promise<'up' | 'down'> {
  return within(Promise.resolve().then(check), CHECK_TIMEOUT_MS, 'a health check').then(
    () => 'up',
    () => 'down',
  );
}

const CHECK_STATES = ['up', 'down'] as const;

export class HealthChecksResponse {
  @ApiProperty({ enum: CHECK_STATES, enumName: 'CheckState' }) database: 'up' | 'down';
  @ApiProperty({ enum: CHECK_STATES, enumName: 'CheckState' }) redis: 'up' | 'down';
}

export class LiveResponse {
  @ApiProperty({ enum: ['ok'] }) status: 'ok';
}

export class ReadyResponse {
  @ApiProperty({ enum: ['ok'] }) status: 'ok';
  @ApiProperty({ type: HealthChecksResponse }) checks: HealthChecksResponse;
}

/** A 503 of the probes: the error shape beside the checks. */
export class NotReadyResponse {
  @ApiProperty({ enum: ['error'] }) status: 'error';
  @ApiProperty({ type: HealthChecksResponse }) checks: HealthChecksResponse;
  @ApiProperty({ type: ErrorContent }) error: ErrorContent;
}

/** Both probes: ready, or not with the error shape beside the checks. */
function ApiReadiness() {
  return applyDecorators(
    ApiOkResponse({ type: ReadyResponse }),
    ApiServiceUnavailableResponse({
      type: NotReadyResponse,
      description: 'PostgreSQL or Redis cannot be reached: `error` says which, in the error shape',
    }),
  );
}

/**
 * The probes (API.md "Operations"): `/health/live` says the process serves requests (an
 * orchestrator restarts it when not); `/health/ready` says it can do its work, with PostgreSQL
 * and Redis reachable (a load balancer stops sending it traffic when not); `/health` is ready. A 503
 * keeps the API.md error shape beside the checks, so both machines (status) and people
 * (error.message) read it. @nestjs/terminus is not used: two probes with a timeout and this exact
 * answer shape are shorter written out than mapped from terminus's own shape.
 */
@ApiTags('Operations')
@ApiErrors(429)
@Controller('health')
@Public()
export class HealthController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process serves requests', security: [] })
  @ApiOkResponse({ type: LiveResponse })
  live(): LiveResponse {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: PostgreSQL and Redis can be reached', security: [] })
  @ApiReadiness()
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<ReadyResponse | NotReadyResponse> {
    const [database, redis] = await Promise.all([
      probe(() => this.dataSource.query('SELECT 1')),
      probe(() => this.redis.ping()),
    ]);
    const checks = { database, redis };
    const down = Object.entries(checks).filter(([, state]) => state === 'down');
    if (down.length === 0) return { status: 'ok', checks };
    reply.status(503);
    return {
      status: 'error',
      checks,
      error: {
        code: 'service_unavailable',
        message: `Not reachable: ${down.map(([name]) => name).join(', ')}`,
        details: down.map(([name]) => ({ check: name, status: 'down' })),
      },
    };
  }

  @Get()
  @ApiOperation({ summary: 'Readiness, as /health/ready', security: [] })
  @ApiReadiness()
  async health(@Res({ passthrough: true }) reply: FastifyReply): Promise<ReadyResponse | NotReadyResponse> {
    return this.ready(reply);
  }
}

/** Prometheus scrape endpoint; public like /health, as scrapers carry no API key. */
@ApiExcludeController()
@Public()
@Controller()
export class MetricsController extends PrometheusController {
  @Get()
  override async index(@Res({ passthrough: true }) response: FastifyReply) {
    return super.index(response);
  }
}

function singleton<T>(name: string, create: () => T): T {
  return (register.getSingleMetric(name) as T | undefined) ?? create();
}

/** HTTP request counters and latency histograms, labelled by route pattern (not raw URL). */
export const httpMetrics = {
  requests: singleton(
    'http_requests_total',
    () =>
      new Counter({
        name: 'http_requests_total',
        help: 'HTTP requests served, by method, route and status',
        labelNames: ['method', 'route', 'status'],
      }),
  ),
  duration: singleton(
    'http_request_duration_seconds',
    () =>
      new Histogram({
        name: 'http_request_duration_seconds',
        help: 'HTTP request latency in seconds, by method and route',
        labelNames: ['method', 'route'],
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      }),
  ),
};

/**
 * Gauges read when Prometheus scrapes: listings lagging per marketplace and how long the oldest
 * has waited (from the channels context's listing health: the dashboard's sync view reads the
 * same figures), dead stored webhooks per marketplace, and jobs per queue and state (from Redis).
 */
@Injectable()
export class SyncGauges implements OnModuleInit, OnModuleDestroy {
  /**
   * The gauges live in prom-client's one registry, so an app built after another in the same
   * process (tests) takes over their collection, and hands it back when it closes.
   */
  private static readonly live: SyncGauges[] = [];
  private queues: Queue[] = [];

  constructor(
    private readonly channelHealth: ChannelHealth,
    private readonly deadWebhooks: DeadWebhooks,
    private readonly moduleRef: ModuleRef,
  ) {}

  onModuleDestroy(): void {
    SyncGauges.live.splice(SyncGauges.live.indexOf(this), 1);
  }

  onModuleInit(): void {
    this.queues = ALL_QUEUES.map((name) => this.moduleRef.get<Queue>(getQueueToken(name), { strict: false }));
    SyncGauges.live.push(this);
    const source = () => SyncGauges.live[SyncGauges.live.length - 1];
    singleton(
      'sync_lagging_listings',
      () =>
        new Gauge({
          name: 'sync_lagging_listings',
          help: 'Listings whose marketplace state is behind the desired state, by marketplace',
          labelNames: ['marketplace'],
          async collect(this: Gauge) {
            this.reset();
            for (const row of await source().channelHealth.byMarketplace())
              this.set({ marketplace: row.marketplace }, row.behind);
          },
        }),
    );
    // each gauge reads for itself: prom-client collects the gauges of a scrape side by side, so a
    // value one gauge set for the other arrived after the other was written (a scrape late)
    singleton(
      'sync_lag_seconds',
      () =>
        new Gauge({
          name: 'sync_lag_seconds',
          help: 'How long the longest-waiting lagging listing has waited, by marketplace',
          labelNames: ['marketplace'],
          async collect(this: Gauge) {
            this.reset();
            for (const row of await source().channelHealth.byMarketplace())
              this.set({ marketplace: row.marketplace }, row.oldestLagSeconds);
          },
        }),
    );
    singleton(
      'webhook_inbox_dead_rows',
      () =>
        new Gauge({
          name: 'webhook_inbox_dead_rows',
          help: 'Stored webhooks that failed too often and wait for an admin to retry them, by marketplace',
          labelNames: ['marketplace'],
          async collect(this: Gauge) {
            this.reset();
            for (const [marketplace, n] of Object.entries(await source().deadWebhooks.countByMarketplace())) {
              this.set({ marketplace }, n);
            }
          },
        }),
    );
    singleton(
      'queue_jobs',
      () =>
        new Gauge({
          name: 'queue_jobs',
          help: 'BullMQ jobs by queue and state',
          labelNames: ['queue', 'state'],
          async collect(this: Gauge) {
            this.reset();
            // Redis away: the depths are left out (a scrape still answers, with the database's figures)
            for (const queue of source().queues) {
              const counts = await queue
                .getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed')
                .catch(() => undefined);
              if (!counts) return;
              for (const [state, n] of Object.entries(counts)) this.set({ queue: queue.name, state }, n);
            }
          },
        }),
    );
  }
}
