import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Conflict } from '@ocop/common';

export interface StoredAnswer<T> {
  status: number;
  body: T;
}

/** Hash of what a request asked for, so a reused key with another body is caught. */
export function requestFingerprint(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}

/** How long a key is remembered: a repeat after that does the work again (as Stripe's keys do). */
export const IDEMPOTENCY_RETENTION_HOURS = 24;

/**
 * Idempotency-Key handling (API.md "Idempotency"). The record is inserted first, inside the
 * caller's transaction: a concurrent request with the same key waits on the unique index until the
 * first commits, then replays its answer; if the first rolled back, the second does the work.
 */
@Injectable()
export class IdempotencyStore {
  async once<T>(
    manager: EntityManager,
    request: { scope: string; key: string; fingerprint: string },
    work: () => Promise<StoredAnswer<T>>,
  ): Promise<StoredAnswer<T> & { replayed: boolean }> {
    const claimed: unknown[] = await manager.query(
      `INSERT INTO idempotency_records (scope, key, request_hash, response_status, response_body)
       VALUES ($1, $2, $3, 0, 'null') ON CONFLICT DO NOTHING RETURNING key`,
      [request.scope, request.key, request.fingerprint],
    );
    if (claimed.length === 0) {
      const [stored] = (await manager.query(
        `SELECT request_hash, response_status, response_body FROM idempotency_records WHERE scope = $1 AND key = $2`,
        [request.scope, request.key],
      )) as { request_hash: string; response_status: number; response_body: T }[];
      if (stored.request_hash !== request.fingerprint) {
        throw new Conflict('This Idempotency-Key was already used for a different request');
      }
      return { status: stored.response_status, body: stored.response_body, replayed: true };
    }
    const answer = await work();
    await manager.query(
      `UPDATE idempotency_records SET response_status = $3, response_body = $4 WHERE scope = $1 AND key = $2`,
      [request.scope, request.key, answer.status, JSON.stringify(answer.body)],
    );
    return { ...answer, replayed: false };
  }

  /** Deletes at most `limit` records older than the retention window; answers how many. */
  async purge(manager: EntityManager, limit: number): Promise<number> {
    const [, deleted]: [unknown[], number] = await manager.query(
      `DELETE FROM idempotency_records WHERE (scope, key) IN (
         SELECT scope, key FROM idempotency_records WHERE created_at < now() - make_interval(hours => $1)
         ORDER BY created_at LIMIT $2)`,
      [IDEMPOTENCY_RETENTION_HOURS, limit],
    );
    return deleted;
  }
}
