import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/** A connection's latest order poll, as the sync-health view reads it. */
export interface LatestPoll {
  connectionId: string;
  polledAt: Date;
  lastError: string | null;
}

/**
 * The order_polls table: each connection's poll cursor (in its marketplace's time) and how its
 * latest poll went. OrderPollProcessor and OrderUpkeep decide when to poll; this holds the SQL.
 */
@Injectable()
export class OrderPollStore {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The connection's cursor; null when it was never polled or its cursor was forgotten. */
  async cursorOf(connectionId: string): Promise<Date | null> {
    const [poll]: { cursor: Date | null }[] = await this.dataSource.query(
      `SELECT cursor FROM order_polls WHERE connection_id = $1`,
      [connectionId],
    );
    return poll?.cursor ?? null;
  }

  /** Records a poll that ended now: its cursor and, if it failed, why. */
  async record(connectionId: string, cursor: Date | null, error: string | null): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO order_polls (connection_id, cursor, polled_at, last_error) VALUES ($1, $2, now(), $3)
       ON CONFLICT (connection_id) DO UPDATE SET cursor = $2, polled_at = now(), last_error = $3`,
      [connectionId, cursor, error],
    );
  }

  /** Forgets the connection's cursor and poll, within the caller's transaction. */
  async forget(manager: EntityManager, connectionId: string): Promise<void> {
    await manager.query(`DELETE FROM order_polls WHERE connection_id = $1`, [connectionId]);
  }

  /**
   * Of these connections, those never polled or last polled more than `intervalMs` ago, longest
   * waiting first.
   */
  async due(connectionIds: string[], intervalMs: number): Promise<string[]> {
    const rows: { connection_id: string }[] = await this.dataSource.query(
      `SELECT c.id AS connection_id FROM unnest($1::uuid[]) AS c(id)
       LEFT JOIN order_polls p ON p.connection_id = c.id
       WHERE p.polled_at IS NULL OR p.polled_at < now() - make_interval(secs => $2)
       ORDER BY p.polled_at NULLS FIRST`,
      [connectionIds, intervalMs / 1000],
    );
    return rows.map((row) => row.connection_id);
  }

  /** Every connection's latest poll, newest first. */
  async latest(): Promise<LatestPoll[]> {
    const rows: { connection_id: string; polled_at: Date; last_error: string | null }[] =
      await this.dataSource.query(
        `SELECT connection_id, polled_at, last_error FROM order_polls ORDER BY polled_at DESC`,
      );
    return rows.map((row) => ({
      connectionId: row.connection_id,
      polledAt: row.polled_at,
      lastError: row.last_error,
    }));
  }
}
