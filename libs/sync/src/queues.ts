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
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export const ALL_QUEUES: QueueName[] = Object.values(QUEUES);
