import { Foundation1764300000000 } from './1764300000000-foundation';
import { OcopRatings1764310000000 } from './1764310000000-ocop-ratings';
import { Channels1764320000000 } from './1764320000000-channels';
import { Orders1764330000000 } from './1764330000000-orders';
import { SalesRollups1764340000000 } from './1764340000000-sales-rollups';
import { SalesProductDaysRevenue1764350000000 } from './1764350000000-sales-product-days-revenue';
import { SalesProducerMonths1764360000000 } from './1764360000000-sales-producer-months';
import { InboxRelaySchedule1764370000000 } from './1764370000000-inbox-relay-schedule';
import { ListingStockRecordVersion1764420000000 } from './1764420000000-listing-stock-record-version';
import { WebhookInboxOncePerConnection1764421000000 } from './1764421000000-webhook-inbox-once-per-connection';
import { RetentionAndDeadWebhooks1764430000000 } from './1764430000000-retention-and-dead-webhooks';
import { OrderSalesLinesView1764440000000 } from './1764440000000-order-sales-lines-view';
import { PeopleAndSessions1764450000000 } from './1764450000000-people-and-sessions';
import { StockMovementActor1764451000000 } from './1764451000000-stock-movement-actor';
import { CatalogueImports1764455000000 } from './1764455000000-catalogue-imports';
import { OrderStatusChanges1764460000000 } from './1764460000000-order-status-changes';
import { WhoMadeIt1764470000000 } from './1764470000000-who-made-it';
import { Notifications1764480000000 } from './1764480000000-notifications';
import { ListingsByCooperative1764520000000 } from './1764520000000-listings-by-cooperative';
import { InboxImportJobs1764560000000 } from './1764560000000-inbox-import-jobs';
import { ShopGrants1764600000000 } from './1764600000000-shop-grants';
import { AppBasedMarketplaces1764610000000 } from './1764610000000-app-based-marketplaces';
import { InboxWithoutUnprocessedIndex1764620000000 } from './1764620000000-inbox-without-unprocessed-index';
import { InboxWaitingInImportOrder1764630000000 } from './1764630000000-inbox-waiting-in-import-order';
import { ListingsUpdatedInPlace1764640000000 } from './1764640000000-listings-updated-in-place';

/** Every migration, in order. A new one is appended here and never edited once released. */
export const migrations = [
  Foundation1764300000000,
  OcopRatings1764310000000,
  Channels1764320000000,
  Orders1764330000000,
  SalesRollups1764340000000,
  SalesProductDaysRevenue1764350000000,
  SalesProducerMonths1764360000000,
  InboxRelaySchedule1764370000000,
  ListingStockRecordVersion1764420000000,
  WebhookInboxOncePerConnection1764421000000,
  RetentionAndDeadWebhooks1764430000000,
  OrderSalesLinesView1764440000000,
  PeopleAndSessions1764450000000,
  StockMovementActor1764451000000,
  CatalogueImports1764455000000,
  OrderStatusChanges1764460000000,
  WhoMadeIt1764470000000,
  Notifications1764480000000,
  ListingsByCooperative1764520000000,
  InboxImportJobs1764560000000,
  ShopGrants1764600000000,
  AppBasedMarketplaces1764610000000,
  InboxWithoutUnprocessedIndex1764620000000,
  InboxWaitingInImportOrder1764630000000,
  ListingsUpdatedInPlace1764640000000,
];
