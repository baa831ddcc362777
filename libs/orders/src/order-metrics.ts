import { Counter, Gauge, Histogram } from 'prom-client';
import { singletonMetric } from '@ocop/jobs';

export const webhooksReceived = singletonMetric(
  'webhooks_received_total',
  () =>
    new Counter({
      name: 'webhooks_received_total',
      help: 'Marketplace webhooks by marketplace and outcome (stored, duplicate, refused, malformed, unknown_shop, rate_limited)',
      labelNames: ['marketplace', 'outcome'],
    }),
);

export const webhookInboxGroupRows = singletonMetric(
  'webhook_inbox_group_rows',
  () =>
    new Histogram({
      name: 'webhook_inbox_group_rows',
      help: 'Webhooks stored by one group commit of the inbox (one INSERT, one commit); 1 when requests come one at a time',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128],
    }),
);

export const ordersImported = singletonMetric(
  'orders_imported_total',
  () =>
    new Counter({
      name: 'orders_imported_total',
      help: 'Order states imported from marketplaces, by marketplace, source (webhook, poll, action) and outcome',
      labelNames: ['marketplace', 'source', 'outcome'],
    }),
);

export const webhooksImported = singletonMetric(
  'webhooks_imported_total',
  () =>
    new Counter({
      name: 'webhooks_imported_total',
      help: 'Stored webhooks done with: their order read from the marketplace and imported (several of one order in a batch import it once), by marketplace',
      labelNames: ['marketplace'],
    }),
);

export const ordersOversold = singletonMetric(
  'orders_oversold_total',
  () =>
    new Counter({
      name: 'orders_oversold_total',
      help: 'Orders that arrived when their units were no longer in stock, by marketplace',
      labelNames: ['marketplace'],
    }),
);

export const orderPushesUnconfirmed = singletonMetric(
  'order_pushes_unconfirmed_total',
  () =>
    new Counter({
      name: 'order_pushes_unconfirmed_total',
      help: 'Order pushes whose order the marketplace does not know (forged, or beyond what its API reads), by marketplace; each try counts',
      labelNames: ['marketplace'],
    }),
);

export const importSlotsInUse = singletonMetric(
  'order_import_slots',
  () =>
    new Gauge({
      name: 'order_import_slots',
      help: 'Import jobs this worker may run at once (more while its machine has idle cores, as for a stored backlog)',
    }),
);
