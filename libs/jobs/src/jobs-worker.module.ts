import { Module } from '@nestjs/common';
import { RetentionProcessor, RetentionSchedule, RetiredQueues } from './retention';

/**
 * The jobs every worker runs whatever the contexts: the hourly retention sweep over the rules the
 * contexts register, and the removal of retired queues. Only the worker imports this module.
 */
@Module({ providers: [RetentionProcessor, RetentionSchedule, RetiredQueues] })
export class JobsWorkerModule {}
