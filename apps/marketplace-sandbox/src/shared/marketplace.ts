import { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { VirtualClock } from './clock';
import { registerControlApi } from './control-api';
import { CallCounters } from './counters';
import { createStyleServer, StyleErrorReply } from './http';
import { WindowRateLimiter } from './rate-limiter';
import { MarketStore, StyleRules } from './store';
import { WebhookDispatcher, WebhookStyle } from './webhooks';

/** The pieces every style server is built from, written once. */
export interface Marketplace {
  app: FastifyInstance;
  store: MarketStore;
  clock: VirtualClock;
  counters: CallCounters;
  limiter: WindowRateLimiter;
  dispatcher: WebhookDispatcher;
  close(): Promise<void>;
}

export function createMarketplace(options: {
  rules: StyleRules;
  webhooks: WebhookStyle;
  styleError: StyleErrorReply;
  logger: Logger;
  /** Forgets the style's own state on POST /_sandbox/reset. */
  onReset?: () => void;
  beforeControl?: () => void;
}): Marketplace {
  const logger = options.logger.child({ marketplace: options.rules.name });
  const clock = new VirtualClock();
  const counters = new CallCounters();
  const limiter = new WindowRateLimiter();
  const store = new MarketStore(options.rules, clock);
  const dispatcher = new WebhookDispatcher(options.webhooks, clock, store.shops, logger);
  const app = createStyleServer({ logger, counters, styleError: options.styleError });
  registerControlApi(app, {
    store,
    clock,
    counters,
    dispatcher,
    beforeEach: options.beforeControl,
    onReset: () => {
      limiter.clear();
      options.onReset?.();
    },
  });
  return {
    app,
    store,
    clock,
    counters,
    limiter,
    dispatcher,
    close: async () => {
      dispatcher.close();
      await app.close();
    },
  };
}
