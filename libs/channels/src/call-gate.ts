import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { Histogram } from 'prom-client';
import type { CallGate, Marketplace, ShopAccess } from '@ocop/marketplaces';
import { REDIS, singletonMetric } from '@ocop/jobs';
import {
  effectiveLimit,
  pace,
  PACE_SHARE,
  PACE_TOLERANCE,
  paceIntervalMs,
  THROTTLE_CUT,
  type Pace,
} from './call-pacing';

/**
 * Calls a second per shop to start from: Voso's documented 20; Sendo and Postmart publish none,
 * so the sandbox's defaults are kept under with room to spare. A shop that throttles us teaches
 * the gate its real limit (see `throttled`).
 */
export const CALLS_PER_SECOND: Record<Marketplace, number> = {
  sendo: 20,
  voso: 20,
  postmart: 40,
  // the app-based styles' own published or sandbox limits: Shopee 10 a shop (assumed), TikTok Shop 50
  // a second per API and shop (one gate for all its APIs), Lazada 20 for all but inventory calls
  shopee: 10,
  tiktok: 50,
  lazada: 20,
};

/** How long marketplaces take to answer, apart from our own pacing: slow answers hold sync and import slots. */
const marketplaceAnswerSeconds = singletonMetric(
  'marketplace_answer_seconds',
  () =>
    new Histogram({
      name: 'marketplace_answer_seconds',
      help: 'Marketplace calls from sent to answered (any status), by marketplace',
      labelNames: ['marketplace'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    }),
);

/** How long calls wait for their shop's next slot in this process: a shop called at its limit. */
const marketplaceCallWaitSeconds = singletonMetric(
  'marketplace_call_wait_seconds',
  () =>
    new Histogram({
      name: 'marketplace_call_wait_seconds',
      help: "Marketplace calls' wait for their shop's paced slot before being sent, by marketplace",
      labelNames: ['marketplace'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    }),
);

/** A throttle lesson lasts this long: the refusals of about one second of calls are counted together… */
const LESSON_MS = 1000;
/** …and what was learned is forgotten after this long without a new throttle, in case the shop's limit rose. */
const LEARNED_LIMIT_TTL_S = 600;

/**
 * `pace` (call-pacing.ts) run atomically in Redis on Redis's own clock, so every process paces a
 * shop against one slot and one time. KEYS: the shop's slot, its learned limit. ARGV: the
 * marketplace's default limit, PACE_SHARE, PACE_TOLERANCE. Answers [1, 0] when the call may go, else [0, ms to wait].
 */
const PACE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local limit = tonumber(ARGV[1])
local learned = tonumber(redis.call('GET', KEYS[2]))
if learned and learned > 0 and learned == math.floor(learned) and learned < limit then limit = learned end
local interval = 1000 / (math.max(1, limit) * tonumber(ARGV[2]))
local slot = tonumber(redis.call('GET', KEYS[1])) or now
local early = slot - interval * tonumber(ARGV[3]) - now
if early > 0 then return {0, math.ceil(early)} end
local nextAt = math.max(slot, now) + interval
redis.call('SET', KEYS[1], tostring(nextAt), 'PX', math.ceil(interval) + 1000)
return {1, 0}
`;

/**
 * A throttle answer counted into the shop's current lesson (opened by the first answer, for
 * LESSON_MS), and the limit it teaches (`limitAfterThrottles`) stored for LEARNED_LIMIT_TTL_S.
 * KEYS: the lesson, the learned limit. ARGV: the default limit, THROTTLE_CUT, the lesson's ms, the TTL s.
 */
const THROTTLE_SCRIPT = `
local default = tonumber(ARGV[1])
local start = tonumber(redis.call('HGET', KEYS[1], 'start'))
if not start then
  start = default
  local learned = tonumber(redis.call('GET', KEYS[2]))
  if learned and learned > 0 and learned == math.floor(learned) and learned < default then start = learned end
  redis.call('HSET', KEYS[1], 'start', start)
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
end
local refused = redis.call('HINCRBY', KEYS[1], 'refused', 1)
local limit = math.max(1, math.floor(start * tonumber(ARGV[2])), start - refused)
redis.call('SET', KEYS[2], limit, 'EX', ARGV[4])
return limit
`;

/** The gate's scripts, sent once and then called by their SHA (ioredis `defineCommand`). */
interface GateScripts {
  ocopPace(slotKey: string, learnedKey: string, ...argv: (string | number)[]): Promise<[number, number]>;
  ocopThrottle(lessonKey: string, learnedKey: string, ...argv: (string | number)[]): Promise<number>;
}

/** One shop's callers waiting in this process: those that go ahead, then the rest in turn. */
interface ShopQueue {
  ahead: (() => void)[];
  inTurn: (() => void)[];
}

/**
 * A per-connection rate limit held in Redis, so it holds across every worker process: each shop's
 * calls are spaced evenly at a little under its limit (GCRA), so however the marketplace's own
 * window falls, it never sees more than the limit; a caller whose slot has not come waits for it.
 * Within a process a shop's callers queue, and only the first asks Redis: a slot admits one call,
 * so when every waiting caller asked for each slot (a batch of 200 Sendo order reads), Redis was
 * asked 200 times a slot and the worker spent a quarter of its time writing those requests. A
 * caller whose shop access says `lane: 'ahead'` (a stock push) takes the next slot before the
 * callers already waiting: behind a Sendo shop's batch of order reads, a push waited up to 3.7 s
 * (bench:import's steady phase, 1 Dec 2026). Across processes slots go to whichever asks first.
 */
@Injectable()
export class RedisCallGate implements CallGate {
  /** Each shop's next slot (on `performance.now()`'s clock) in this process alone, while Redis is away. */
  private readonly local = new Map<string, Pace>();
  /** Shops one of whose callers is asking for a slot now, with the callers waiting behind it. */
  private readonly queues = new Map<string, ShopQueue>();
  private readonly scripts: GateScripts;

  constructor(@Inject(REDIS) private readonly redis: Redis) {
    // defining twice on a shared client (several gates, as in tests) redefines the same scripts
    redis.defineCommand('ocopPace', { numberOfKeys: 2, lua: PACE_SCRIPT });
    redis.defineCommand('ocopThrottle', { numberOfKeys: 2, lua: THROTTLE_SCRIPT });
    this.scripts = redis as unknown as GateScripts;
  }

  async beforeCall(shop: ShopAccess): Promise<void> {
    const started = performance.now();
    const key = shop.connectionId;
    const waiting = this.queues.get(key);
    // kept in the map while any caller of it waits, so the turn is handed on in this same queue
    const queue: ShopQueue = waiting ?? { ahead: [], inTurn: [] };
    if (waiting) {
      await new Promise<void>((turn) => (shop.lane === 'ahead' ? queue.ahead : queue.inTurn).push(turn));
    } else {
      this.queues.set(key, queue);
    }
    try {
      for (;;) {
        const waitMs = await this.waitBeforeCall(shop);
        if (waitMs === 0) {
          marketplaceCallWaitSeconds.observe(
            { marketplace: shop.marketplace },
            (performance.now() - started) / 1000,
          );
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, waitMs));
      }
    } finally {
      // the turn passes on, or the queue is forgotten: a queue is in the map exactly while a caller asks
      const next = queue.ahead.shift() ?? queue.inTurn.shift();
      if (next) next();
      else this.queues.delete(key);
    }
  }

  /**
   * 0 when the call may go (its slot is taken), else how long to wait before asking again. While
   * Redis is away (the API's client fails fast then), each process paces alone: a shop's limit may
   * be exceeded by as many processes as there are, for as long as the outage lasts, and its
   * throttle answers then slow the calls down; refusing the call instead would fail a seller's
   * connect for a hint store.
   */
  private async waitBeforeCall(shop: ShopAccess): Promise<number> {
    try {
      const [admitted, waitMs] = await this.scripts.ocopPace(
        `ocop:pace:{${shop.connectionId}}`,
        this.learnedKey(shop),
        CALLS_PER_SECOND[shop.marketplace],
        String(PACE_SHARE),
        String(PACE_TOLERANCE),
      );
      return admitted === 1 ? 0 : Math.max(1, waitMs);
    } catch {
      // a monotonic clock: a wall-clock step (a VM's time sync) let two calls through 0.1 ms apart
      // in CI, and a step back would hold a shop's calls for as long as the step
      const now = performance.now();
      const interval = paceIntervalMs(CALLS_PER_SECOND[shop.marketplace]);
      const decision = pace(
        this.local.get(shop.connectionId) ?? { nextAt: undefined },
        now,
        interval,
        interval * PACE_TOLERANCE,
      );
      if (this.local.size > 10_000) this.local.clear();
      this.local.set(shop.connectionId, { nextAt: decision.nextAt });
      return decision.admitted ? 0 : Math.max(1, Math.ceil(decision.waitMs));
    }
  }

  /**
   * MARKETPLACES.md gives Sendo and Postmart no published limit, and a shop's real limit may be
   * lower than our default (the benchmark's Postmart shop takes 20 a second): each throttle answer
   * cuts this shop's limit, so retries stop eating the calls.
   */
  async throttled(shop: ShopAccess): Promise<void> {
    // a lesson that cannot be kept while Redis is away is not kept: the default limit holds
    await this.scripts
      .ocopThrottle(
        `ocop:rate-lesson:{${shop.connectionId}}`,
        this.learnedKey(shop),
        CALLS_PER_SECOND[shop.marketplace],
        String(THROTTLE_CUT),
        LESSON_MS,
        LEARNED_LIMIT_TTL_S,
      )
      .catch(() => undefined);
  }

  answered(shop: ShopAccess, seconds: number): void {
    marketplaceAnswerSeconds.observe({ marketplace: shop.marketplace }, seconds);
  }

  /** The limit this shop is paced at now (the default, or what its throttle answers taught). */
  async limitOf(shop: ShopAccess): Promise<number> {
    const learned = await this.redis.get(this.learnedKey(shop)).catch(() => null);
    return effectiveLimit(CALLS_PER_SECOND[shop.marketplace], learned);
  }

  private learnedKey(shop: ShopAccess): string {
    return `ocop:rate-limit:{${shop.connectionId}}`;
  }
}
