import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

export interface DomainEvent<P = Record<string, unknown>> {
  id: string;
  type: string;
  aggregateId: string;
  payload: P;
  occurredAt: string;
}

/**
 * The transactional outbox: an event is recorded in the same transaction as the change it
 * describes, so it cannot be lost if the process dies right after the commit. The EventBus writes
 * here every RecordedEvent it publishes, before handing it to the handlers; in-process handlers
 * hear it after commit, and this table stays the durable record for whatever must not miss one
 * (a consumer reading from a cursor of its own). Events were once copied into a Redis queue nobody
 * consumed, where they only grew; that relay and queue are gone. Rows are kept
 * `OUTBOX_RETENTION_DAYS` (the retention sweep deletes older ones).
 */
export const OUTBOX_RETENTION_DAYS = 7;

@Injectable()
export class Outbox {
  async record(manager: EntityManager, type: string, aggregateId: string, payload: object): Promise<void> {
    await manager.query(`INSERT INTO domain_events (type, aggregate_id, payload) VALUES ($1, $2, $3)`, [
      type,
      aggregateId,
      JSON.stringify(payload),
    ]);
  }

  /** Deletes at most `limit` events older than the retention window, oldest first; answers how many. */
  async purge(manager: EntityManager, limit: number): Promise<number> {
    const [, deleted]: [unknown[], number] = await manager.query(
      `DELETE FROM domain_events WHERE id IN (
         SELECT id FROM domain_events WHERE occurred_at < now() - make_interval(days => $1)
         ORDER BY occurred_at LIMIT $2)`,
      [OUTBOX_RETENTION_DAYS, limit],
    );
    return deleted;
  }

  /** Events of one aggregate, oldest first (for audits and tests). */
  async history(manager: EntityManager, aggregateId: string): Promise<Omit<DomainEvent, 'payload'>[]> {
    const rows: { id: string; type: string; aggregate_id: string; occurred_at: Date }[] = await manager.query(
      `SELECT id, type, aggregate_id, occurred_at FROM domain_events WHERE aggregate_id = $1 ORDER BY id`,
      [aggregateId],
    );
    return rows.map((r) => ({
      id: String(r.id),
      type: r.type,
      aggregateId: r.aggregate_id,
      occurredAt: r.occurred_at.toISOString(),
    }));
  }
}
