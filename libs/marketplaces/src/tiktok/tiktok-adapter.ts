// SCAFFOLD (branch six only): replaced by the Tiktok adapter before six is merged. Never merged as is.
import type { AdapterOptions } from '../sendo/sendo-adapter';
import {
  CategoryCodes,
  CredentialsCheck,
  MarketplaceAdapter,
  MarketplaceError,
  MarketplaceOrder,
  OrderChange,
  PublishedListing,
  StockPushResult,
  WebhookEvent,
} from '../port';

const notWritten = () =>
  new MarketplaceError('permanent', 'the tiktok adapter is not written yet', { code: 'not_written' });

export class TiktokAdapter implements MarketplaceAdapter {
  readonly marketplace = 'tiktok' as const;
  readonly stockBatchSize = 1;
  readonly stockBatchUnit = 'product' as const;

  constructor(
    readonly categories: CategoryCodes,
    readonly options: AdapterOptions = {},
  ) {}

  async verifyCredentials(): Promise<CredentialsCheck> {
    throw notWritten();
  }
  async publish(): Promise<PublishedListing> {
    throw notWritten();
  }
  async update(): Promise<PublishedListing> {
    throw notWritten();
  }
  async delist(): Promise<void> {
    throw notWritten();
  }
  async pushStock(): Promise<StockPushResult[]> {
    throw notWritten();
  }
  // eslint-disable-next-line require-yield
  async *ordersChangedSince(): AsyncIterable<OrderChange[]> {
    throw notWritten();
  }
  async fetchOrder(): Promise<MarketplaceOrder> {
    throw notWritten();
  }
  async readOrders(): Promise<Map<string, MarketplaceOrder>> {
    throw notWritten();
  }
  async confirmOrder(): Promise<void> {
    throw notWritten();
  }
  async cancelOrder(): Promise<void> {
    throw notWritten();
  }
  readWebhook(): WebhookEvent {
    throw notWritten();
  }
  verifyWebhook(): boolean {
    return false;
  }
  webhookAcknowledgement(): null {
    return null;
  }
}
