/** One push as the lost-push list returns it. */
export interface LostPush {
  messageId: number;
  shopId: string;
  code: number;
  /** Unix seconds, as in the push. */
  timestamp: number;
  /** The push's `data` as a JSON string. */
  data: string;
  /** Virtual-clock ms when it was published, for the retention window. */
  publishedAt: number;
}

/**
 * The pushes of each shop that no delivery has acknowledged yet (Shopee's get_lost_push_message):
 * a push is listed from publication until one of its deliveries is acknowledged, the retention
 * window passes, or the client confirms it consumed. Message ids grow per marketplace.
 */
export class LostPushes {
  private readonly byShop = new Map<string, Map<number, LostPush>>();
  private nextId = 0;

  constructor(private readonly retentionMs: number) {}

  record(push: Omit<LostPush, 'messageId'>): LostPush {
    const entry = { ...push, messageId: ++this.nextId };
    let shop = this.byShop.get(push.shopId);
    if (!shop) {
      shop = new Map();
      this.byShop.set(push.shopId, shop);
    }
    shop.set(entry.messageId, entry);
    return entry;
  }

  acknowledge(shopId: string, messageId: number): void {
    this.byShop.get(shopId)?.delete(messageId);
  }

  /** The earliest `limit` unacknowledged pushes within the retention window, and whether more wait. */
  page(shopId: string, now: number, limit: number): { pushes: LostPush[]; more: boolean } {
    const shop = this.byShop.get(shopId);
    const pushes: LostPush[] = [];
    if (!shop) return { pushes, more: false };
    for (const [id, push] of shop) {
      if (push.publishedAt < now - this.retentionMs) {
        shop.delete(id);
        continue;
      }
      if (pushes.length === limit) return { pushes, more: true };
      pushes.push(push);
    }
    return { pushes, more: false };
  }

  /** Forgets every listed push of the shop up to and including this id. */
  confirmConsumed(shopId: string, lastMessageId: number): void {
    const shop = this.byShop.get(shopId);
    if (!shop) return;
    for (const id of shop.keys()) {
      if (id > lastMessageId) break;
      shop.delete(id);
    }
  }

  clear(): void {
    this.byShop.clear();
  }
}
