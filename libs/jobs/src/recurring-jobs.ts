import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { Queue, RepeatOptions } from 'bullmq';

interface Recurring {
  queue: Queue;
  id: string;
  repeat: Omit<RepeatOptions, 'key'>;
  template: { name: string; opts?: Record<string, unknown> };
}

const KEEP_EVERY_MS = 10_000;

/**
 * The repeatable jobs (reconciler, retention sweep, nightly expiry). BullMQ keeps their schedules in
 * Redis, which keeps nothing on disk here: a flushed or restarted Redis would forget them, and with
 * them the reconciler that heals everything else. So the worker writes them again every few
 * seconds (an idempotent upsert).
 */
@Injectable()
export class RecurringJobs implements OnApplicationShutdown {
  private readonly jobs: Recurring[] = [];
  private timer: NodeJS.Timeout | undefined;

  register(job: Recurring): void {
    this.jobs.push(job);
  }

  async keep(): Promise<void> {
    await this.upsertAll();
    this.timer ??= setInterval(() => void this.upsertAll().catch(() => undefined), KEEP_EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private async upsertAll(): Promise<void> {
    for (const job of this.jobs) await job.queue.upsertJobScheduler(job.id, job.repeat, job.template);
  }
}
