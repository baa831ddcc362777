/**
 * Every BullMQ queue of the connector. Jobs get deterministic ids wherever a burst of the same
 * work should collapse into one job.
 */
export const QUEUES = {
  /** Certificate upkeep: the nightly persistence of expiries. */
  ocopCertificates: 'ocop-certificates',
  /** One job per connection (id `connection-<id>`): pushes every lagging listing of that shop. */
  connectionSync: 'connection-sync',
  /** The periodic sweep that re-enqueues whatever lags: a flushed Redis or a dead worker heals. */
  syncReconciler: 'sync-reconciler',
  /** One job per connection with waiting webhooks (`import-<connection id>`): imports their orders. */
  orderInbox: 'order-inbox',
  /** Every few seconds: re-enqueues unprocessed inbox rows and the order polls that are due. */
  orderUpkeep: 'order-upkeep',
  /** One job per connection (id `poll-<id>`): reads orders changed since the connection's cursor. */
  orderPolling: 'order-polling',
  /** One job per order (id `action-<id>`): pushes the seller's confirm or cancel to the marketplace. */
  orderActions: 'order-actions',
  /**
   * Notices: the nightly notices of certificates nearing their last day, and the sending of
   * notices' e-mails (a sweep every 30 s, and a job `mail-<notice id>` after the notices commit).
   */
  notifications: 'notifications',
  /** Hourly: deletes what is kept only for a while (processed webhooks, old events, idempotency keys). */
  retention: 'retention',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export const ALL_QUEUES: QueueName[] = Object.values(QUEUES);

/**
 * Queues of earlier versions that nothing produces or consumes any more; the worker removes what
 * they left in Redis. `outbox-relay` and `domain-events` copied every outbox row into a queue no
 * process read: the outbox table stays the record of domain events.
 */
export const RETIRED_QUEUES = ['outbox-relay', 'domain-events'] as const;

/**
 * Jobs one worker runs at once in each per-connection queue (sync, order polls, batched order
 * imports). Each connection has one job id there, so it holds at most one slot; a slow marketplace
 * holds it for at most MARKETPLACE_CALL_DEADLINE_MS a call, and jobs are taken in the order they
 * became due. With this many slots a handful of slow shops leave the rest to everyone else (the
 * work is waiting on HTTP, not on this process).
 */
export const CONNECTION_JOB_CONCURRENCY = 16;
