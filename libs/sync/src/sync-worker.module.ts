import { Module } from '@nestjs/common';
import { OutboxRelayProcessor, OutboxRelaySchedule } from './outbox-relay';

/** The sync context's processors; only the worker imports this module. */
@Module({ providers: [OutboxRelayProcessor, OutboxRelaySchedule] })
export class SyncWorkerModule {}
