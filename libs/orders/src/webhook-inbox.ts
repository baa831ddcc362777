import { Inject, Injectable } from '@nestjs/common';
import { ConnectionsService, MARKETPLACE_ADAPTERS, type MarketplaceAdapters } from '@ocop/channels';
import { BadRequest, NotFound, RateLimited, Unauthorized } from '@ocop/common';
import {
  MalformedWebhookError,
  MARKETPLACES,
  type Marketplace,
  type WebhookDelivery,
  type WebhookEvent,
} from '@ocop/marketplaces';
import { RateLimits } from '@ocop/auth';
import { webhooksReceived } from './order-metrics';
import { storeChange } from './stored-change';
import { InboxWriter } from './inbox-writer';

/** null: answered with an empty body (the styles that count any body as a failed delivery). */
export interface WebhookAnswer {
  received: true;
  duplicate: boolean;
  [acknowledgement: string]: unknown;
}

/**
 * Store, then acknowledge (ARCHITECTURE.md §3): a webhook is answered only once its event is
 * committed to the inbox under a unique (connection, event id) — by a group commit with the
 * webhooks of concurrent requests (InboxWriter), never before it; processing happens later, from
 * the inbox (see InboxRelay), so the answer never waits for it and a crash after the answer loses
 * nothing. The key is per connection, the shop whose secret signed the push: keyed per marketplace,
 * one cooperative could send another shop's coming event id first and have it dropped as a
 * duplicate. What a push says of its order is only a hint: the row is stored as it came, and the
 * order is read from the marketplace when the row is processed (OrderIntake.takePush).
 */
@Injectable()
export class WebhookInbox {
  constructor(
    private readonly inbox: InboxWriter,
    private readonly connections: ConnectionsService,
    @Inject(MARKETPLACE_ADAPTERS) private readonly adapters: MarketplaceAdapters,
    private readonly limits: RateLimits,
  ) {}

  async receive(
    marketplaceName: string,
    delivery: WebhookDelivery,
    now = new Date(),
  ): Promise<WebhookAnswer | null> {
    if (!(MARKETPLACES as readonly string[]).includes(marketplaceName)) {
      throw new NotFound(`No webhook endpoint for "${marketplaceName}"`);
    }
    const marketplace = marketplaceName as Marketplace;
    const adapter = this.adapters[marketplace];
    let event: WebhookEvent;
    try {
      event = adapter.readWebhook(delivery);
    } catch (error) {
      if (!(error instanceof MalformedWebhookError)) throw error;
      webhooksReceived.inc({ marketplace, outcome: 'malformed' });
      throw new BadRequest(`Not a ${marketplace} webhook: ${error.message}`);
    }
    const target = await this.connections.webhookTarget(marketplace, event.shopId);
    if (!target) {
      webhooksReceived.inc({ marketplace, outcome: 'unknown_shop' });
      throw new NotFound(`No connection for ${marketplace} shop "${event.shopId}"`);
    }
    if (
      !target.webhookSecret ||
      !adapter.verifyWebhook(delivery, target.webhookSecret, now, target.credentials)
    ) {
      webhooksReceived.inc({ marketplace, outcome: 'refused' });
      throw new Unauthorized('The webhook signature is missing, wrong or too old');
    }
    // counted once the signature holds, so a forger cannot use up a shop's allowance
    const budget = await this.limits.spend('webhook', target.connectionId);
    if (!budget.allowed) {
      webhooksReceived.inc({ marketplace, outcome: 'rate_limited' });
      throw new RateLimited(
        `Too many webhooks for ${marketplace} shop "${event.shopId}"; try again later`,
        budget.retryAfterSeconds,
      );
    }
    // answered only once the group commit holding the row is done (InboxWriter)
    const inboxId = await this.inbox.store({
      marketplace,
      eventId: event.eventId,
      connectionId: target.connectionId,
      externalOrderId: event.change.externalOrderId,
      change: JSON.stringify(storeChange(event.change)),
      rawBody: delivery.rawBody.toString('utf8'),
    });
    webhooksReceived.inc({ marketplace, outcome: inboxId ? 'stored' : 'duplicate' });
    // No job is enqueued here: the inbox relay in the worker does it in batches. Enqueueing from
    // the hot path cost a third of the webhook throughput in the ingestion benchmark.
    const acknowledgement = adapter.webhookAcknowledgement(delivery);
    return acknowledgement === null ? null : { received: true, duplicate: !inboxId, ...acknowledgement };
  }
}
