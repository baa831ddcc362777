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
 * describes, so it cannot be lost if the process dies right after the commit. A relay in the
 * worker publishes recorded events to the queue afterwards (at least once, keyed by event id).
 */
@Injectable()
export class Outbox {
  async record(manager: EntityManager, type: string, aggregateId: string, payload: object): Promise<void> {
    await manager.query(`INSERT INTO domain_events (type, aggregate_id, payload) VALUES ($1, $2, $3)`, [
      type,
      aggregateId,
      JSON.stringify(payload),
    ]);
  }

  /**
   * Hands the oldest unpublished events to `publish` and marks them published, in one
   * transaction; concurrent relays skip each other's rows. Returns how many were published.
   */
  async relay(
    manager: EntityManager,
    batchSize: number,
    publish: (events: DomainEvent[]) => Promise<void>,
  ): Promise<number> {
    const rows: {
      id: string;
      type: string;
      aggregate_id: string;
      payload: Record<string, unknown>;
      occurred_at: Date;
    }[] = await manager.query(
      `SELECT id, type, aggregate_id, payload, occurred_at FROM domain_events
         WHERE published_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [batchSize],
    );
    if (rows.length === 0) return 0;
    await publish(
      rows.map((r) => ({
        id: String(r.id),
        type: r.type,
        aggregateId: r.aggregate_id,
        payload: r.payload,
        occurredAt: r.occurred_at.toISOString(),
      })),
    );
    await manager.query(
      `UPDATE domain_events SET published_at = clock_timestamp() WHERE id = ANY($1::bigint[])`,
      [rows.map((r) => r.id)],
    );
    return rows.length;
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
