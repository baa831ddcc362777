import { Controller, Get, Inject, Injectable, OnModuleInit, Res } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { ApiExcludeController } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { PrometheusController } from '@willsoto/nestjs-prometheus';
import type { FastifyReply } from 'fastify';
import type Redis from 'ioredis';
import { Counter, Gauge, Histogram, register } from 'prom-client';
import { DataSource } from 'typeorm';
import { Public } from '@ocop/auth';
import { ChannelHealth } from '@ocop/channels';
import { ALL_QUEUES, REDIS } from '@ocop/sync';

const CHECK_TIMEOUT_MS = 1500;

async function probe(check: () => Promise<unknown>): Promise<'up' | 'down'> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), CHECK_TIMEOUT_MS);
      }),
    ]);
    return 'up';
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}

/**
 * GET /health (API.md "Operations"). A 503 keeps the API.md error shape beside the checks, so both
 * load balancers (status) and people (error.message) read it.
 */
@ApiExcludeController()
@Controller('health')
@Public()
export class HealthController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  @Get()
  async health(@Res({ passthrough: true }) reply: FastifyReply) {
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
 * same figures), and jobs per queue and state (from Redis).
 */
@Injectable()
export class SyncGauges implements OnModuleInit {
  constructor(
    private readonly channelHealth: ChannelHealth,
    private readonly moduleRef: ModuleRef,
  ) {}

  onModuleInit(): void {
    const channelHealth = this.channelHealth;
    const queues = ALL_QUEUES.map((name) =>
      this.moduleRef.get<Queue>(getQueueToken(name), { strict: false }),
    );
    const lagging = singleton(
      'sync_lagging_listings',
      () =>
        new Gauge({
          name: 'sync_lagging_listings',
          help: 'Listings whose marketplace state is behind the desired state, by marketplace',
          labelNames: ['marketplace'],
        }),
    );
    const oldest = singleton(
      'sync_lag_seconds',
      () =>
        new Gauge({
          name: 'sync_lag_seconds',
          help: 'How long the longest-waiting lagging listing has waited, by marketplace',
          labelNames: ['marketplace'],
        }),
    );
    const depth = singleton(
      'queue_jobs',
      () =>
        new Gauge({
          name: 'queue_jobs',
          help: 'BullMQ jobs by queue and state',
          labelNames: ['queue', 'state'],
        }),
    );
    Object.assign(lagging, {
      async collect() {
        lagging.reset();
        for (const row of await channelHealth.byMarketplace())
          lagging.set({ marketplace: row.marketplace }, row.behind);
      },
    });
    // each gauge reads for itself: prom-client collects the gauges of a scrape side by side, so a
    // value one gauge set for the other arrived after the other was written (a scrape late)
    Object.assign(oldest, {
      async collect() {
        oldest.reset();
        for (const row of await channelHealth.byMarketplace())
          oldest.set({ marketplace: row.marketplace }, row.oldestLagSeconds);
      },
    });
    Object.assign(depth, {
      async collect() {
        depth.reset();
        for (const queue of queues) {
          const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed');
          for (const [state, n] of Object.entries(counts)) depth.set({ queue: queue.name, state }, n);
        }
      },
    });
  }
}
