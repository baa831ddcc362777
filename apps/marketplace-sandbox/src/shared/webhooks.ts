import { randomUUID } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Logger } from 'pino';
import { VirtualClock } from './clock';
import { ShopState, WebhookAttemptLog } from './model';

export interface Delivery {
  shopId: string;
  /** What the event is about, for logs (e.g. "SALESORDER.UPDATE 2600000001 3"). */
  eventKey: string;
  /** The raw JSON body, fixed at publish time: every attempt sends the same bytes. */
  body: string;
  /** One uuid per delivery, kept across its retries (Postmart's X-Postmart-Transaction). */
  transaction: string;
  /** 0 for the first attempt. */
  attempt: number;
  dueAt: number;
  seq: number;
}

/** How one style signs its webhooks, judges the receiver's answer and schedules retries. */
export interface WebhookStyle {
  /** Delay before retry n+1, counted from the failed attempt n; its length is the retry count. */
  readonly retryDelaysMs: readonly number[];
  /** How long the receiver has to answer before the attempt counts as failed; default 5 s. */
  readonly answerTimeoutMs?: number;
  headers(delivery: Delivery, secret: string, nowMs: number): Record<string, string>;
  accepted(delivery: Delivery, httpStatus: number, responseBody: string): boolean;
}

const HOLD_REAL_MS = 1000;
const TICK_MS = 100;
const LOG_LIMIT = 1000;
const TIMEOUT_MS = 5000;
/** An idle kept-alive connection is closed before a node:http receiver's own 5 s would close it under a send. */
const IDLE_SOCKET_MS = 4000;

/**
 * Outbound webhooks over real HTTP. Each shop has its own queue sorted by due time, delivered one
 * at a time so that order is only broken on purpose. Faults draw from the shop's seeded webhook
 * stream, three draws per event in a fixed order: drop (never delivered), duplicate (delivered
 * twice) and reorder (held back until the shop's next event has been sent, or ~1 s of real time).
 * Failed attempts are retried on the style's schedule, on the virtual clock: moving the clock past
 * a retry's due time sends it at once.
 */
export class WebhookDispatcher {
  private readonly queues = new Map<string, Delivery[]>();
  private readonly held = new Map<string, { deliveries: Delivery[]; since: number }>();
  private readonly inflight = new Set<string>();
  private closed = false;
  /**
   * Kept-alive connections to the receivers, on node:http rather than fetch: the demo's history
   * sends some 20,000 webhooks beside the connector on two cores, and fetch's streams, request
   * objects and abort signals cost the sandbox as much CPU again as the sending itself.
   */
  private readonly agents = {
    'http:': new HttpAgent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
    'https:': new HttpsAgent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
  };
  private readonly timer: NodeJS.Timeout;
  private seq = 0;
  private generation = 0;

  constructor(
    private readonly style: WebhookStyle,
    private readonly clock: VirtualClock,
    private readonly shops: Map<string, ShopState>,
    private readonly logger: Logger,
  ) {
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
    clock.onAdvance(() => this.pump());
  }

  publish(shop: ShopState, eventKey: string, body: string): void {
    if (!shop.webhookUrl) return;
    const random = shop.faults.webhookRandom;
    const profile = shop.faults.profile;
    const drop = random.chance(profile.webhookDropRate);
    const duplicate = random.chance(profile.webhookDuplicateRate);
    const reorder = random.chance(profile.webhookReorderRate);
    if (drop) {
      this.record(shop, {
        eventKey,
        attempt: 0,
        at: new Date(this.clock.now()).toISOString(),
        httpStatus: null,
        ok: false,
        error: 'dropped (fault)',
      });
      return;
    }
    const now = this.clock.now();
    const deliveries = Array.from({ length: duplicate ? 2 : 1 }, () =>
      this.delivery(shop.shopId, eventKey, body, now),
    );
    const held = this.held.get(shop.shopId);
    if (reorder) {
      if (held) held.deliveries.push(...deliveries);
      else this.held.set(shop.shopId, { deliveries, since: Date.now() });
      return;
    }
    for (const delivery of deliveries) this.enqueue(delivery);
    if (held) this.release(shop.shopId);
    this.pump();
  }

  /** Forgets every queued and held delivery (POST /_sandbox/reset). */
  reset(): void {
    this.generation += 1;
    this.queues.clear();
    this.held.clear();
    this.inflight.clear();
  }

  /** Deliveries not yet sent or waiting for a retry, per shop (for tests and the control API). */
  pendingCount(shopId: string): number {
    return (this.queues.get(shopId)?.length ?? 0) + (this.held.get(shopId)?.deliveries.length ?? 0);
  }

  close(): void {
    clearInterval(this.timer);
    this.closed = true;
    this.agents['http:'].destroy();
    this.agents['https:'].destroy();
    this.reset();
  }

  private delivery(shopId: string, eventKey: string, body: string, now: number): Delivery {
    return { shopId, eventKey, body, transaction: randomUUID(), attempt: 0, dueAt: now, seq: ++this.seq };
  }

  private release(shopId: string): void {
    const held = this.held.get(shopId);
    if (!held) return;
    this.held.delete(shopId);
    const now = this.clock.now();
    for (const delivery of held.deliveries) {
      delivery.dueAt = now;
      delivery.seq = ++this.seq;
      this.enqueue(delivery);
    }
  }

  private enqueue(delivery: Delivery): void {
    let queue = this.queues.get(delivery.shopId);
    if (!queue) {
      queue = [];
      this.queues.set(delivery.shopId, queue);
    }
    let low = 0;
    let high = queue.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const other = queue[mid];
      if (other.dueAt < delivery.dueAt || (other.dueAt === delivery.dueAt && other.seq < delivery.seq))
        low = mid + 1;
      else high = mid;
    }
    queue.splice(low, 0, delivery);
  }

  private tick(): void {
    const realNow = Date.now();
    for (const [shopId, held] of this.held) {
      if (realNow - held.since >= HOLD_REAL_MS) this.release(shopId);
    }
    this.pump();
  }

  private pump(): void {
    const now = this.clock.now();
    for (const [shopId, queue] of this.queues) {
      if (this.inflight.has(shopId) || queue.length === 0 || queue[0].dueAt > now) continue;
      const delivery = queue.shift() as Delivery;
      this.inflight.add(shopId);
      const generation = this.generation;
      void this.send(delivery, generation).finally(() => {
        if (generation !== this.generation) return;
        this.inflight.delete(shopId);
        this.pump();
      });
    }
  }

  private async send(delivery: Delivery, generation: number): Promise<void> {
    const shop = this.shops.get(delivery.shopId);
    if (!shop?.webhookUrl) return;
    const now = this.clock.now();
    let httpStatus: number | null = null;
    let ok = false;
    let error: string | undefined;
    try {
      const answer = await this.post(
        shop.webhookUrl,
        { 'content-type': 'application/json', ...this.style.headers(delivery, shop.webhookSecret, now) },
        delivery.body,
      );
      httpStatus = answer.status;
      ok = this.style.accepted(delivery, answer.status, answer.text);
      if (!ok) error = 'not accepted';
    } catch (caught) {
      error = caught instanceof Error ? caught.message : String(caught);
    }
    if (generation !== this.generation || this.closed) return;
    this.record(shop, {
      eventKey: delivery.eventKey,
      attempt: delivery.attempt,
      at: new Date(now).toISOString(),
      httpStatus,
      ok,
      error,
    });
    if (ok) return;
    const delay = this.style.retryDelaysMs[delivery.attempt];
    if (delay === undefined) {
      this.logger.warn(
        { shopId: shop.shopId, event: delivery.eventKey },
        'webhook given up after its last retry',
      );
      return;
    }
    delivery.attempt += 1;
    delivery.dueAt = now + delay;
    this.enqueue(delivery);
  }

  /** One POST and its answer, or thrown: unreachable, no answer within the style's time, or closed. */
  private post(
    url: string,
    headers: Record<string, string>,
    body: string,
  ): Promise<{ status: number; text: string }> {
    const target = new URL(url);
    const timeoutMs = this.style.answerTimeoutMs ?? TIMEOUT_MS;
    return new Promise((resolve, reject) => {
      const [send, agent] =
        target.protocol === 'https:'
          ? [httpsRequest, this.agents['https:']]
          : [httpRequest, this.agents['http:']];
      const request = send(
        target,
        { method: 'POST', agent, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', fail);
          response.on('end', () => {
            clearTimeout(timer);
            resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
          });
        },
      );
      const timer = setTimeout(
        () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)),
        timeoutMs,
      );
      // the request holds the process while it waits; its deadline need not (as fetch's timeout did not)
      timer.unref();
      function fail(error: Error): void {
        clearTimeout(timer);
        reject(error);
      }
      request.on('error', fail);
      request.end(body);
    });
  }

  private record(shop: ShopState, entry: WebhookAttemptLog): void {
    shop.webhookLog.push(entry);
    if (shop.webhookLog.length > LOG_LIMIT) shop.webhookLog.splice(0, shop.webhookLog.length - LOG_LIMIT);
    this.logger.debug({ shopId: shop.shopId, ...entry }, 'webhook attempt');
  }
}
