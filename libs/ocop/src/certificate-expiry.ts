import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Injectable, Module, OnModuleInit } from '@nestjs/common';
import { Queue } from 'bullmq';
import { LOGGER, VIETNAM_TIME_ZONE, type Logger } from '@ocop/common';
import { QUEUES, RecurringJobs } from '@ocop/jobs';
import { CertificatesService } from './certificates.service';
import { OcopModule } from './ocop.module';

/** Just after midnight in Vietnam, when a certificate's last day has passed. */
export const NIGHTLY_EXPIRY = { pattern: '5 0 * * *', tz: VIETNAM_TIME_ZONE } as const;

@Processor(QUEUES.ocopCertificates)
export class CertificateExpiryProcessor extends WorkerHost {
  constructor(
    private readonly certificates: CertificatesService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    super();
  }

  async process(): Promise<number> {
    const expired = await this.certificates.persistExpiries();
    this.logger.info({ job: 'certificate-expiry', expired }, 'certificate expiries persisted');
    return expired;
  }
}

@Injectable()
export class CertificateExpirySchedule implements OnModuleInit {
  constructor(
    @InjectQueue(QUEUES.ocopCertificates) private readonly queue: Queue,
    private readonly recurring: RecurringJobs,
  ) {}

  onModuleInit(): void {
    this.recurring.register({
      queue: this.queue,
      id: 'nightly-expiry',
      repeat: NIGHTLY_EXPIRY,
      template: {
        name: 'persist-expiries',
        opts: {
          removeOnComplete: 30,
          removeOnFail: 100,
          attempts: 5,
          backoff: { type: 'exponential', delay: 60_000 },
        },
      },
    });
  }
}

/** The OCOP context's processors; only the worker imports this module. */
@Module({ imports: [OcopModule], providers: [CertificateExpiryProcessor, CertificateExpirySchedule] })
export class OcopWorkerModule {}
