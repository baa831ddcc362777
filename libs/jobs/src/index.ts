export { QUEUES, ALL_QUEUES, RETIRED_QUEUES, CONNECTION_JOB_CONCURRENCY, type QueueName } from './queues';
export { QueueModule, type QueueRole } from './queue.module';
export { JobsWorkerModule } from './jobs-worker.module';
export { REDIS, waitForRedis, patientRedisOptions } from './redis';
export { RecurringJobs } from './recurring-jobs';
export { backoffDelay } from './backoff';
export { singletonMetric } from './metric';
export { Retention, type RetentionRule } from './retention';
