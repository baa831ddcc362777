/**
 * Every BullMQ queue of the connector. Jobs get deterministic ids wherever a burst of the same
 * work should collapse into one job.
 */
export const QUEUES = {
  /** Publishes recorded domain events from the PostgreSQL outbox. */
  outboxRelay: 'outbox-relay',
  /** Domain events for the contexts that react to them (e.g. listings add or remove the OCOP badge). */
  domainEvents: 'domain-events',
  /** Certificate upkeep: the nightly persistence of expiries. */
  ocopCertificates: 'ocop-certificates',
  /** One job per connection (id `connection-<id>`): pushes every lagging listing of that shop. */
  connectionSync: 'connection-sync',
  /** The periodic sweep that re-enqueues whatever lags, so a flushed Redis or a dead worker heals. */
  syncReconciler: 'sync-reconciler',
  /** One job per stored webhook (id `inbox-<row id>`): imports the order it tells of. */
  orderInbox: 'order-inbox',
  /** Every few seconds: re-enqueues unprocessed inbox rows and the order polls that are due. */
  orderUpkeep: 'order-upkeep',
  /** One job per connection (id `poll-<id>`): reads orders changed since the connection's cursor. */
  orderPolling: 'order-polling',
  /** One job per order (id `action-<id>`): pushes the seller's confirm or cancel to the marketplace. */
  orderActions: 'order-actions',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export const ALL_QUEUES: QueueName[] = Object.values(QUEUES);
