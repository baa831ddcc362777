import { BullModule } from '@nestjs/bullmq';
import { ALL_QUEUES } from './queues';

/** Registers every queue, so any process can enqueue into any of them and the dashboard sees all. */
export const registeredQueues = BullModule.registerQueue(...ALL_QUEUES.map((name) => ({ name })));
