import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Marketplace } from '@ocop/marketplaces';
import { WebhookInboxEntry } from './entities';

/** A webhook as it is stored on receipt: its change already in its stored form (storeChange). */
export interface NewInboxEntry {
  marketplace: Marketplace;
  eventId: string;
  connectionId: string;
  externalOrderId: string;
  /** the change as storeChange gave it, serialised */
  change: string;
  rawBody: string;
}

/** A row a group commit stored, by the key that makes it unique. */
export interface StoredInboxKey {
  id: string;
  connectionId: string;
  eventId: string;
}

/**
 * A row the relay claimed; `fresh` when it had never been enqueued, else the job it was given to;
 * `arriving` when it was received within the claim's arrival window (a webhook of a sale in
 * progress, not one of a stored backlog).
 */
export interface ClaimedInboxEntry {
  id: string;
  connectionId: string;
  fresh: boolean;
  importJob: string | null;
  arriving: boolean;
}

/** How the relay spaces its checks of an unprocessed row (see InboxRelay). */
export interface RelayBackoff {
  firstCheckS: number;
  lastCheckS: number;
}

/** A failed attempt at a stored webhook, as DeadWebhooks decided to record it. */
export interface InboxFailure {
  /** failures so far, this one included */
  attempts: number;
  message: string;
  dead: boolean;
  retryInS: number;
}

/** A stored webhook as the admins' dead-webhook view reads it. */
export interface StoredWebhookRow {
  id: string;
  marketplace: Marketplace;
  connection_id: string;
  external_order_id: string;
  attempts: number;
  last_error: string | null;
  received_at: Date;
  processed_at: Date | null;
  dead_at: Date | null;
}

/** How many dead webhooks a marketplace has. */
export interface DeadWebhookCount {
  marketplace: Marketplace;
  n: number;
}

/** One marketplace's webhooks received in a window, by where they stand. */
export interface InboxActivityRow {
  marketplace: Marketplace;
  received: number;
  processed: number;
  failed: number;
  dead: number;
  waiting: number;
  last_received_at: Date | null;
}

const STORED_WEBHOOK_COLUMNS = `id, marketplace, connection_id, external_order_id, attempts, last_error, received_at,
                 processed_at, dead_at`;

/**
 * The webhook inbox table: receipt, the relay's claims, processing, failures and dead rows,
 * retention. WebhookInbox, InboxRelay, InboxProcessor and DeadWebhooks decide; this holds the SQL.
 */
@Injectable()
export class WebhookInboxStore {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * One group commit of the inbox (InboxWriter): stores each entry unless its connection already
   * has one of its event id, in one statement, rows inserted in the order given; answers the rows
   * it stored (duplicates are left out). The entries must be distinct by (connection, event id):
   * the caller sorts them, so two groups that hold the same events insert them in the same order
   * and cannot deadlock waiting on each other's uncommitted rows.
   */
  async storeGroup(entries: readonly NewInboxEntry[]): Promise<StoredInboxKey[]> {
    // one statement text for every group size (arrays, not a VALUES list), so PostgreSQL parses one
    return this.dataSource.query(
      `INSERT INTO webhook_inbox (marketplace, event_id, connection_id, external_order_id, change, raw_body)
       SELECT e.marketplace, e.event_id, e.connection_id, e.external_order_id, e.change::jsonb, e.raw_body
       FROM unnest($1::text[], $2::text[], $3::uuid[], $4::text[], $5::text[], $6::text[])
              WITH ORDINALITY AS e(marketplace, event_id, connection_id, external_order_id, change, raw_body, n)
       ORDER BY e.n
       ON CONFLICT (connection_id, event_id) DO NOTHING
       RETURNING id, connection_id AS "connectionId", event_id AS "eventId"`,
      [
        entries.map((e) => e.marketplace),
        entries.map((e) => e.eventId),
        entries.map((e) => e.connectionId),
        entries.map((e) => e.externalOrderId),
        entries.map((e) => e.change),
        entries.map((e) => e.rawBody),
      ],
    ) as Promise<StoredInboxKey[]>;
  }

  /**
   * Claims up to `limit` rows that are due (unprocessed, not dead, their check time passed),
   * skipping rows another relay holds, sets each one's next check (as long as the row is old,
   * within the backoff's bounds) and names the job it is given to (`job`: a prefix and the row's
   * or its connection's id) in the same write. Answers the job each row had before, and whether it
   * was received within `arrivalWindowS` (on the database's clock, as the receipt time is).
   */
  async claimDue(
    backoff: RelayBackoff,
    limit: number,
    job: { prefix: string; by: 'row' | 'connection' },
    arrivalWindowS: number,
  ): Promise<ClaimedInboxEntry[]> {
    // a row never enqueued has enqueued_at NULL; the next check waits as long as the row is old
    const [rows]: [ClaimedInboxEntry[], number] = await this.dataSource.query(
      `WITH due AS (
         SELECT id, enqueued_at IS NULL AS fresh, import_job FROM webhook_inbox
         WHERE processed_at IS NULL AND dead_at IS NULL AND relay_at <= now()
         ORDER BY relay_at LIMIT $3
         FOR UPDATE SKIP LOCKED)
       UPDATE webhook_inbox w SET enqueued_at = now(),
         relay_at = now() + LEAST(GREATEST(now() - w.received_at, make_interval(secs => $1)),
                                  make_interval(secs => $2)),
         import_job = $4 || CASE WHEN $5 THEN w.id::text ELSE w.connection_id::text END
       FROM due WHERE w.id = due.id
       RETURNING w.id, w.connection_id AS "connectionId", due.fresh, due.import_job AS "importJob",
                 w.received_at > now() - make_interval(secs => $6) AS arriving`,
      [backoff.firstCheckS, backoff.lastCheckS, limit, job.prefix, job.by === 'row', arrivalWindowS],
    );
    return rows;
  }

  /**
   * The connections with a row that could be imported (not processed, not dead, not waiting out a
   * failed attempt) received more than `olderThanS` seconds ago, with how long their oldest such
   * row has waited. Read, not claimed: one probe of
   * the waiting index per connection (each finds its connection's oldest row), however many rows
   * wait, and no row is written.
   */
  async connectionsWaitingSince(olderThanS: number): Promise<{ connectionId: string; waitedS: number }[]> {
    const importable = `processed_at IS NULL AND dead_at IS NULL AND (last_error IS NULL OR enqueued_at IS NOT NULL)`;
    return this.dataSource.query(
      `WITH RECURSIVE oldest AS (
         (SELECT connection_id, received_at FROM webhook_inbox WHERE ${importable}
          ORDER BY connection_id, received_at, id LIMIT 1)
         UNION ALL
         SELECT next.connection_id, next.received_at FROM oldest, LATERAL (
           SELECT connection_id, received_at FROM webhook_inbox
           WHERE ${importable} AND connection_id > oldest.connection_id
           ORDER BY connection_id, received_at, id LIMIT 1) next)
       SELECT connection_id AS "connectionId", extract(epoch FROM now() - received_at)::float8 AS "waitedS"
       FROM oldest WHERE received_at < now() - make_interval(secs => $1)`,
      [olderThanS],
    ) as Promise<{ connectionId: string; waitedS: number }[]>;
  }

  /** Those of these rows still waiting to be imported (not processed, not dead), oldest first. */
  async waiting(ids: string[]): Promise<WebhookInboxEntry[]> {
    return this.dataSource.manager
      .createQueryBuilder(WebhookInboxEntry, 'w')
      .where('w.id = ANY(CAST(:ids AS uuid[])) AND w.processed_at IS NULL AND w.dead_at IS NULL', { ids })
      .orderBy('w.received_at', 'ASC')
      .addOrderBy('w.id', 'ASC')
      .getMany();
  }

  /**
   * A connection's rows waiting to be imported, oldest first, at most `limit`: not processed, not
   * dead, and not waiting out a failed attempt's retry time.
   */
  async waitingOf(connectionId: string, limit: number): Promise<WebhookInboxEntry[]> {
    return (
      this.dataSource.manager
        .createQueryBuilder(WebhookInboxEntry, 'w')
        .where('w.connection_id = :connectionId AND w.processed_at IS NULL AND w.dead_at IS NULL', {
          connectionId,
        })
        // a failed row waits out its retry time unenqueued, and is taken again once the relay has
        // claimed it (the claim also sets its next check, so relay_at cannot tell)
        .andWhere('(w.last_error IS NULL OR w.enqueued_at IS NOT NULL)')
        .orderBy('w.received_at', 'ASC')
        .addOrderBy('w.id', 'ASC')
        .limit(limit)
        .getMany()
    );
  }

  /**
   * The rows' orders were imported (in the caller's transaction): done, counting this attempt. The
   * import marks them last, so the clock's time here is close to the commit that shows the orders;
   * now() would be the transaction's start, a batch's import earlier.
   */
  async markProcessed(manager: EntityManager, ids: string[]): Promise<void> {
    await manager.query(
      `UPDATE webhook_inbox SET processed_at = clock_timestamp(), attempts = attempts + 1, last_error = NULL
       WHERE id = ANY($1::uuid[]) AND processed_at IS NULL`,
      [ids],
    );
  }

  /** Records a failed attempt: dead now, or due again after its wait. */
  /** In the caller's transaction: a row that dies is announced in the same one. */
  async recordFailure(manager: EntityManager, id: string, failure: InboxFailure): Promise<void> {
    await manager.query(
      `UPDATE webhook_inbox SET attempts = $2, last_error = $3, dead_at = CASE WHEN $4 THEN now() END,
              relay_at = now() + make_interval(secs => $5), enqueued_at = NULL
       WHERE id = $1`,
      [id, failure.attempts, failure.message, failure.dead, failure.retryInS],
    );
  }

  /** Dead rows per marketplace; marketplaces with none are left out. */
  async deadCounts(): Promise<DeadWebhookCount[]> {
    return this.dataSource.query(
      `SELECT marketplace, count(*)::int AS n FROM webhook_inbox WHERE dead_at IS NOT NULL GROUP BY 1`,
    ) as Promise<DeadWebhookCount[]>;
  }

  /** The most recently dead rows, newest first. */
  async latestDead(limit: number): Promise<StoredWebhookRow[]> {
    return this.dataSource.query(
      `SELECT ${STORED_WEBHOOK_COLUMNS} FROM webhook_inbox WHERE dead_at IS NOT NULL ORDER BY dead_at DESC, id LIMIT $1`,
      [limit],
    ) as Promise<StoredWebhookRow[]>;
  }

  /**
   * A dead row waits again, its attempts counted afresh, due for the relay at once; undefined when
   * the row is not dead or does not exist.
   */
  async revive(id: string): Promise<StoredWebhookRow | undefined> {
    const [rows]: [StoredWebhookRow[], number] = await this.dataSource.query(
      `UPDATE webhook_inbox SET dead_at = NULL, attempts = 0, last_error = NULL, enqueued_at = NULL,
              relay_at = now()
       WHERE id = $1 AND dead_at IS NOT NULL
       RETURNING ${STORED_WEBHOOK_COLUMNS}`,
      [id],
    );
    return rows[0];
  }

  async storedWebhook(id: string): Promise<StoredWebhookRow | undefined> {
    const [found]: StoredWebhookRow[] = await this.dataSource.query(
      `SELECT ${STORED_WEBHOOK_COLUMNS} FROM webhook_inbox WHERE id = $1`,
      [id],
    );
    return found;
  }

  /** Deletes up to `limit` rows processed more than `days` ago, oldest first; answers how many. */
  async purgeProcessed(days: number, limit: number): Promise<number> {
    const [, deleted]: [unknown[], number] = await this.dataSource.query(
      `DELETE FROM webhook_inbox WHERE id IN (
         SELECT id FROM webhook_inbox WHERE processed_at < now() - make_interval(days => $1)
         ORDER BY processed_at LIMIT $2)`,
      [days, limit],
    );
    return deleted;
  }

  /** Webhooks received in the last `hours`, per marketplace, by where they stand. */
  async activity(hours: number): Promise<InboxActivityRow[]> {
    return this.dataSource.query(
      `SELECT marketplace, count(*)::int AS received,
              count(*) FILTER (WHERE processed_at IS NOT NULL)::int AS processed,
              count(*) FILTER (WHERE processed_at IS NULL AND dead_at IS NULL
                                     AND last_error IS NOT NULL)::int AS failed,
              count(*) FILTER (WHERE dead_at IS NOT NULL)::int AS dead,
              count(*) FILTER (WHERE processed_at IS NULL AND last_error IS NULL)::int AS waiting,
              max(received_at) AS last_received_at
       FROM webhook_inbox WHERE received_at >= now() - make_interval(hours => $1)
       GROUP BY marketplace`,
      [hours],
    ) as Promise<InboxActivityRow[]>;
  }
}
