import { setImmediate } from 'node:timers/promises';
import { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { VirtualClock } from './clock';
import { CallCounters } from './counters';
import { faultPatchSchema } from './faults';
import { CONTROL_PREFIX } from './http';
import { CONNECTOR_STATUSES, Listing, Order, ShopState } from './model';
import { MarketStore, StoreError } from './store';
import { parseIsoInstant } from './time-format';
import { WebhookDispatcher } from './webhooks';

const isoInstant = z
  .string()
  .refine((value) => parseIsoInstant(value) !== null, 'must be an ISO-8601 instant with a zone');

const shopSchema = z
  .object({
    shopId: z.string().min(1).max(100).optional(),
    webhookUrl: z.url().optional(),
    webhookSecret: z.string().min(1).optional(),
  })
  .strict();

const patchShopSchema = z
  .object({ webhookUrl: z.url().nullable().optional(), webhookSecret: z.string().min(1).optional() })
  .strict();

const orderSchema = z
  .object({
    lines: z.array(z.object({ sku: z.string().min(1), quantity: z.number().int().min(1) }).strict()).min(1),
    placedAt: isoInstant.optional(),
    /** Extension: false places the order without a webhook (bulk history for the demo). */
    notify: z.boolean().optional(),
  })
  .strict();

const ordersSchema = z.union([
  orderSchema,
  z.object({ orders: z.array(orderSchema).min(1).max(10_000) }).strict(),
]);

const statusSchema = z
  .object({
    status: z
      .enum(CONNECTOR_STATUSES.filter((status) => status !== 'pending') as [string, ...string[]])
      .optional(),
    /** Extension: the marketplace's own code instead (e.g. Sendo 8 or 21, Voso CHO_XUAT_KHO). */
    code: z.union([z.string(), z.number()]).optional(),
    /** Extensions: when it happened (history), a cancel reason, and no webhook. */
    at: isoInstant.optional(),
    reason: z.string().optional(),
    notify: z.boolean().optional(),
  })
  .strict();

const movesSchema = z
  .object({
    moves: z
      .array(statusSchema.extend({ orderId: z.string().min(1) }))
      .min(1)
      .max(10_000),
  })
  .strict();

const clockSchema = z.object({ advanceSeconds: z.number().min(0) }).strict();

export interface ControlOptions {
  store: MarketStore;
  clock: VirtualClock;
  counters: CallCounters;
  dispatcher: WebhookDispatcher;
  /** Runs before every control call (Voso applies its 24-hour auto-cancel). */
  beforeEach?: () => void;
  /** Forgets the style's own state (tokens, paging tokens, rate windows). */
  onReset: () => void;
}

export function listingView(listing: Listing) {
  return {
    productId: listing.productId,
    name: listing.name,
    status: listing.status,
    available: listing.available,
    description: listing.description,
    categoryId: listing.categoryId,
    variants: listing.variants.map((variant) => ({
      sku: variant.sku,
      variantId: variant.variantId,
      price: variant.price,
      quantity: variant.quantity,
      weightGrams: variant.weightGrams,
    })),
  };
}

/** A valid 1×1 PNG: every sample photo the sandbox serves. */
const SAMPLE_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

/** Orders or moves applied before a bulk call lets the sandbox's other work run. */
const SLICE = 250;

/**
 * A bulk call's items in slices: applied all at once, the demo's ten thousand status moves held the
 * event loop long enough that webhooks in flight missed their style's answer time (Lazada's 500 ms)
 * though the connector had answered, and were retried minutes later.
 */
function* slices<T>(items: T[]): Generator<T[]> {
  for (let at = 0; at < items.length; at += SLICE) yield items.slice(at, at + SLICE);
}

function validationMessage(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; ');
}

/**
 * The control API under /_sandbox, the same on every port (MARKETPLACES.md, last section). JSON in
 * camelCase; errors are `{error}` with an honest HTTP code.
 */
export function registerControlApi(app: FastifyInstance, options: ControlOptions): void {
  const { store, clock, counters, dispatcher } = options;
  const rules = store.rules;

  const parse = <S extends z.ZodType>(
    schema: S,
    body: unknown,
    reply: FastifyReply,
  ): z.infer<S> | undefined => {
    const parsed = schema.safeParse(body ?? {});
    if (parsed.success) return parsed.data;
    void reply.code(400).send({ error: validationMessage(parsed.error) });
    return undefined;
  };

  const shopOr404 = (shopId: string, reply: FastifyReply): ShopState | undefined => {
    const shop = store.shops.get(shopId);
    if (!shop) void reply.code(404).send({ error: `no shop ${shopId}` });
    return shop;
  };

  const orderView = (order: Order) => ({
    orderId: order.orderId,
    status: order.status,
    connectorStatus: rules.statusOf(order.status),
    placedAt: new Date(order.placedAt).toISOString(),
    updatedAt: new Date(order.updatedAt).toISOString(),
    total: order.total,
    lines: order.lines.map((line) => ({ ...line })),
  });

  app.addHook('onRequest', async (request) => {
    if (request.url.startsWith(CONTROL_PREFIX)) options.beforeEach?.();
  });

  app.post(`${CONTROL_PREFIX}/shops`, async (request, reply) => {
    const input = parse(shopSchema, request.body, reply);
    if (!input) return reply;
    try {
      const shop = store.createShop(input);
      return reply
        .code(201)
        .send({ shopId: shop.shopId, credentials: shop.credentials, webhookSecret: shop.webhookSecret });
    } catch (error) {
      if (error instanceof StoreError) return reply.code(409).send({ error: error.message });
      throw error;
    }
  });

  app.get<{ Params: { shopId: string } }>(`${CONTROL_PREFIX}/shops/:shopId`, async (request, reply) => {
    const shop = shopOr404(request.params.shopId, reply);
    if (!shop) return reply;
    return {
      shopId: shop.shopId,
      credentials: shop.credentials,
      webhookUrl: shop.webhookUrl ?? null,
      webhookSecret: shop.webhookSecret,
      faults: shop.faults.profile,
      pendingWebhooks: dispatcher.pendingCount(shop.shopId),
    };
  });

  app.patch<{ Params: { shopId: string } }>(`${CONTROL_PREFIX}/shops/:shopId`, async (request, reply) => {
    const shop = shopOr404(request.params.shopId, reply);
    if (!shop) return reply;
    const input = parse(patchShopSchema, request.body, reply);
    if (!input) return reply;
    if (input.webhookUrl !== undefined) shop.webhookUrl = input.webhookUrl ?? undefined;
    if (input.webhookSecret !== undefined) store.setWebhookSecret(shop, input.webhookSecret);
    return { shopId: shop.shopId, webhookUrl: shop.webhookUrl ?? null, webhookSecret: shop.webhookSecret };
  });

  app.post<{ Params: { shopId: string } }>(
    `${CONTROL_PREFIX}/shops/:shopId/auth-code`,
    async (request, reply) => {
      const shop = shopOr404(request.params.shopId, reply);
      if (!shop) return reply;
      if (!rules.issueAuthCode) {
        return reply.code(404).send({ error: `${rules.name} shops do not authorize with a code` });
      }
      return reply.code(201).send({ code: rules.issueAuthCode(shop) });
    },
  );

  app.get<{ Params: { shopId: string }; Querystring: { sku?: string } }>(
    `${CONTROL_PREFIX}/shops/:shopId/listings`,
    async (request, reply) => {
      const shop = shopOr404(request.params.shopId, reply);
      if (!shop) return reply;
      const sku = request.query.sku;
      if (sku !== undefined) {
        const ref = shop.skus.get(sku);
        return ref ? [listingView(ref.listing)] : [];
      }
      return [...shop.listings.values()].map(listingView);
    },
  );

  app.post<{ Params: { shopId: string } }>(
    `${CONTROL_PREFIX}/shops/:shopId/orders`,
    async (request, reply) => {
      const shop = shopOr404(request.params.shopId, reply);
      if (!shop) return reply;
      const input = parse(ordersSchema, request.body, reply);
      if (!input) return reply;
      const place = (order: z.infer<typeof orderSchema>) => {
        const placed = store.placeOrder(
          shop,
          order.lines,
          order.placedAt === undefined ? undefined : (parseIsoInstant(order.placedAt) as number),
          order.notify ?? true,
        );
        return { orderId: placed.orderId, status: placed.status };
      };
      if ('orders' in input) {
        const results: ReturnType<typeof store.placeOrders> = [];
        for (const some of slices(input.orders)) {
          results.push(
            ...store.placeOrders(
              shop,
              some.map((order) => ({
                lines: order.lines,
                placedAt:
                  order.placedAt === undefined ? undefined : (parseIsoInstant(order.placedAt) as number),
                notify: order.notify,
              })),
            ),
          );
          await setImmediate();
        }
        return reply.code(201).send({
          orders: results.map((result) =>
            result instanceof StoreError
              ? { error: result.message }
              : { orderId: result.orderId, status: result.status },
          ),
        });
      }
      try {
        return reply.code(201).send(place(input));
      } catch (error) {
        if (error instanceof StoreError)
          return reply.code(error.kind === 'invalid' ? 400 : 409).send({ error: error.message });
        throw error;
      }
    },
  );

  app.get<{ Params: { shopId: string; orderId: string } }>(
    `${CONTROL_PREFIX}/shops/:shopId/orders/:orderId`,
    async (request, reply) => {
      const shop = shopOr404(request.params.shopId, reply);
      if (!shop) return reply;
      const order = shop.orders.get(request.params.orderId);
      if (!order) return reply.code(404).send({ error: `no order ${request.params.orderId}` });
      return orderView(order);
    },
  );

  /** One status move, or why it is refused (with the HTTP status a lone move answers). */
  const move = (
    shop: ShopState,
    orderId: string,
    input: z.infer<typeof statusSchema>,
  ): { orderId: string; status: Order['status'] } | { code: 400 | 404 | 409; error: string } => {
    const order = shop.orders.get(orderId);
    if (!order) return { code: 404, error: `no order ${orderId}` };
    if ((input.status === undefined) === (input.code === undefined)) {
      return { code: 400, error: 'give either status (the connector word) or code (the marketplace code)' };
    }
    const target =
      input.status !== undefined
        ? rules.codeFor(input.status as (typeof CONNECTOR_STATUSES)[number])
        : rules.codes.find((known) => String(known) === String(input.code));
    if (target === undefined) {
      return { code: 400, error: `unknown code ${String(input.code)}; known: ${rules.codes.join(', ')}` };
    }
    if (!store.canMove(order, target)) {
      return {
        code: 409,
        error: `order ${order.orderId} cannot move from ${String(order.status)} to ${String(target)}`,
      };
    }
    store.setStatus(shop, order, target, {
      at: input.at === undefined ? undefined : (parseIsoInstant(input.at) as number),
      reason: input.reason,
      notify: input.notify,
    });
    return { orderId: order.orderId, status: order.status };
  };

  app.post<{ Params: { shopId: string; orderId: string } }>(
    `${CONTROL_PREFIX}/shops/:shopId/orders/:orderId/status`,
    async (request, reply) => {
      const shop = shopOr404(request.params.shopId, reply);
      if (!shop) return reply;
      if (!shop.orders.has(request.params.orderId)) {
        return reply.code(404).send({ error: `no order ${request.params.orderId}` });
      }
      const input = parse(statusSchema, request.body, reply);
      if (!input) return reply;
      const moved = move(shop, request.params.orderId, input);
      return 'error' in moved ? reply.code(moved.code).send({ error: moved.error }) : moved;
    },
  );

  // Extension: many moves in one call, applied in the order given (a history's thousands of moves
  // cost the demo a round trip each). A move after a refused one of the same order is not tried.
  app.post<{ Params: { shopId: string } }>(
    `${CONTROL_PREFIX}/shops/:shopId/orders/moves`,
    async (request, reply) => {
      const shop = shopOr404(request.params.shopId, reply);
      if (!shop) return reply;
      const input = parse(movesSchema, request.body, reply);
      if (!input) return reply;
      const refused = new Set<string>();
      const moves: (ReturnType<typeof move> | { orderId: string; error: string })[] = [];
      for (const some of slices(input.moves)) {
        for (const { orderId, ...step } of some) {
          if (refused.has(orderId)) {
            moves.push({ orderId, error: `not tried: an earlier move of order ${orderId} was refused` });
            continue;
          }
          const moved = move(shop, orderId, step);
          if ('error' in moved) {
            refused.add(orderId);
            moves.push({ orderId, error: moved.error });
          } else moves.push(moved);
        }
        await setImmediate();
      }
      return { moves };
    },
  );

  app.put<{ Params: { shopId: string } }>(
    `${CONTROL_PREFIX}/shops/:shopId/faults`,
    async (request, reply) => {
      const shop = shopOr404(request.params.shopId, reply);
      if (!shop) return reply;
      const input = parse(faultPatchSchema, request.body, reply);
      if (!input) return reply;
      return shop.faults.apply(input);
    },
  );

  app.get<{ Params: { shopId: string } }>(
    `${CONTROL_PREFIX}/shops/:shopId/webhooks`,
    async (request, reply) => {
      const shop = shopOr404(request.params.shopId, reply);
      if (!shop) return reply;
      return { pending: dispatcher.pendingCount(shop.shopId), attempts: shop.webhookLog };
    },
  );

  // Product photos for the connector's tests and demo: the local sandbox stands in for the web
  // server a seller keeps photos on (Shopee and TikTok Shop take the file, so the connector reads it)
  app.get<{ Params: { name: string } }>(`${CONTROL_PREFIX}/images/:name`, async (request, reply) => {
    if (!/^[\w.-]{1,100}\.png$/.test(request.params.name)) {
      return reply.code(404).send({ error: 'photos are <name>.png' });
    }
    return reply
      .header('content-type', 'image/png')
      .header('cache-control', 'max-age=86400')
      .send(SAMPLE_PNG);
  });

  app.get(`${CONTROL_PREFIX}/stats`, async () => ({ calls: counters.snapshot() }));
  app.delete(`${CONTROL_PREFIX}/stats`, async (_request, reply) => {
    counters.clear();
    return reply.code(204).send();
  });

  app.get(`${CONTROL_PREFIX}/clock`, async () => ({ now: new Date(clock.now()).toISOString() }));
  app.post(`${CONTROL_PREFIX}/clock`, async (request, reply) => {
    const input = parse(clockSchema, request.body, reply);
    if (!input) return reply;
    const now = clock.advance(input.advanceSeconds);
    options.beforeEach?.();
    return { now: new Date(now).toISOString() };
  });

  app.post(`${CONTROL_PREFIX}/reset`, async (_request, reply) => {
    dispatcher.reset();
    store.reset();
    counters.clear();
    clock.reset();
    options.onReset();
    return reply.code(204).send();
  });
}
