import { z } from 'zod';
import { parseMarketplaceOrigins, sandboxOrigins, type MarketplaceOrigins } from './marketplace-origins';

/**
 * Every setting a process reads, validated once at start. A missing or malformed variable stops
 * the process with a message that names it, instead of failing later in a request.
 * Defaults serve the local demo; the two secrets have none (the demo generates them).
 */
const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

const base64Key32 = z
  .string()
  .refine((value) => Buffer.from(value, 'base64').length === 32, 'must be base64 of exactly 32 bytes');

/**
 * A URL setting that may be left out: unset or blank is undefined; otherwise it must parse and be
 * what `fits` asks, or the process stops with `message`; `keep` says what the setting holds.
 */
const optionalUrl = (
  message: string,
  fits: (url: URL) => boolean,
  keep: (url: URL, text: string) => string,
) =>
  z
    .string()
    .optional()
    .transform((text, context): string | undefined => {
      if (text === undefined || text.trim() === '') return undefined;
      let url: URL | undefined;
      try {
        url = new URL(text);
      } catch {
        // reported below
      }
      if (!url || !fits(url)) {
        context.addIssue({ code: 'custom', message });
        return z.NEVER;
      }
      return keep(url, text);
    });

export const environmentSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .default('postgres://postgres@127.0.0.1:5432/ocop'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// URL')
    .default('redis://127.0.0.1:6379'),
  /** BullMQ key prefix; the braces make a Redis Cluster hash tag so every queue key lives in one slot. */
  QUEUE_PREFIX: z.string().min(1).default('{ocop}'),
  /**
   * The longest one SQL statement of the API or the worker may run, lock waits included, before
   * PostgreSQL cancels it; 0 means no limit. The metrics rebuild (an operator's command) sets its own.
   */
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).default(30_000),
  /** The longest to wait for a database connection: opening a new one, or a free one of the pool. */
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(1).default(5_000),
  /**
   * Connections each process (API, worker) keeps open at most. The worker runs 16 order imports,
   * 16 syncs, polls and relays at once, each a transaction at a time: with 10, a first demo run
   * waited past DATABASE_CONNECT_TIMEOUT_MS and 61 of its 18,049 webhooks waited for a retry.
   */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(20),
  PORT: port(3000),
  HOST: z.string().default('127.0.0.1'),
  ADMIN_API_KEY: z.string().min(24, 'must be at least 24 characters'),
  CREDENTIALS_KEY: base64Key32,
  /** The worker's Prometheus endpoint (GET /metrics); 0 picks a free port. */
  WORKER_METRICS_PORT: port(9464),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** How often each connection's orders are polled as the backstop for lost webhooks. */
  ORDER_POLL_INTERVAL_MS: z.coerce.number().int().min(500).default(60_000),
  /**
   * How many stored webhooks of one connection an import job takes at once: their orders are read
   * from the marketplace together and applied in one transaction. 1 imports one webhook per job,
   * each in its own transaction (the path before batching, kept for comparison and diagnosis).
   * 500: a stored backlog over 75 shops imported at 773 events/s against 683 at 200 (bench:import,
   * 1 Dec 2026); a quiet shop's batches are as small as what waits, whatever the size.
   */
  IMPORT_BATCH_SIZE: z.coerce.number().int().min(1).max(1_000).default(500),
  /**
   * Stock pushes: while a connection's stock changes keep arriving less than this far apart, the
   * sync engine pushes only full batches and lets a partial one wait for the changes still coming
   * (a burst then costs the fewest calls the batch cap allows). 0 pushes partial batches at once.
   */
  SYNC_STOCK_SETTLE_MS: z.coerce.number().int().min(0).max(1_000).default(50),
  /** The longest a stock change waits in a partial batch for a burst to fill it. */
  SYNC_STOCK_MAX_HOLD_MS: z.coerce.number().int().min(0).max(5_000).default(250),
  /** Requests a minute per API key; requests without a valid key are counted per client address. */
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(1200),
  /** Verified webhooks a minute per marketplace connection (a shop's peak sale must fit in it). */
  WEBHOOK_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(60_000),
  /**
   * Which proxies to believe about the client's address (X-Forwarded-For), for the per-address
   * limit: empty = none (the API faces clients directly), `true` = any, or comma-separated proxy
   * addresses/CIDRs.
   */
  TRUST_PROXY: z.string().default(''),
  /**
   * A sign-in session ends after this long without a request (default 12 h). Seconds, so a test
   * can watch one expire.
   */
  SESSION_IDLE_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 3600)
    .default(12 * 3600),
  /**
   * log2 of scrypt's cost N for new password hashes. Tests lower it (each hash at 15 takes 32 MiB and
   * 50–100 ms); a production process refuses anything below 15 (see `passwordScryptLn`). Hashes keep
   * their parameters, so any of them verifies whatever this is.
   */
  PASSWORD_SCRYPT_LN: z.coerce.number().int().min(4).max(20).default(15),
  /** A session ends this many days after its sign-in however busy it is; the person signs in again. */
  SESSION_MAX_DAYS: z.coerce.number().int().min(1).max(90).default(7),
  /**
   * Group commit of the webhook inbox: a received webhook waits at most this long for the
   * webhooks of other requests, which are then stored by one INSERT and one commit; every request
   * is answered once that commit is done. 0 groups only what arrives in the same event-loop turn.
   */
  WEBHOOK_GROUP_COMMIT_MS: z.coerce.number().int().min(0).max(50).default(2),
  /** The most webhooks one group commit of the inbox stores; a full group is written at once. */
  WEBHOOK_GROUP_COMMIT_ROWS: z.coerce.number().int().min(1).max(1000).default(64),
  /** Processed webhooks are kept this many days (for audits), then deleted by the worker. */
  INBOX_RETENTION_DAYS: z.coerce.number().int().min(1).default(30),
  /** A stored webhook that failed this many times is set aside as dead until an admin retries it. */
  INBOX_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(10),
  /**
   * The wait after a stored webhook's first failure; each next failure waits twice as long. With
   * the defaults, ten attempts span about an hour.
   */
  INBOX_RETRY_BASE_MS: z.coerce.number().int().min(10).default(7_000),
  /**
   * How long the uplift report may answer its control groups from the sales it read earlier
   * (docs/ocop.md, "How uplift is measured"); the answer's `controlsAsOf` says when they were
   * read. 0 reads them again for every report.
   */
  UPLIFT_CONTROLS_TTL_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
  /**
   * Where notices are e-mailed (nodemailer's connection URL: smtp://user:pass@host:587, or smtps://
   * for TLS from the start). Unset: notices stay in the web app only and no e-mail is pending.
   */
  SMTP_URL: optionalUrl(
    'must be an smtp:// or smtps:// URL with a host',
    (url) => ['smtp:', 'smtps:'].includes(url.protocol) && url.hostname !== '',
    (_url, text) => text.trim(),
  ),
  /** The sender of notices' e-mails (an address the SMTP server may send as), with a display name. */
  MAIL_FROM: z
    .string()
    .regex(/^[^\r\n]*<?[^\s@<>]+@[^\s@<>]+>?$/, 'must be an address, optionally "Name <address>"')
    .default('OCOP Thái Nguyên <no-reply@ocop.localhost>'),
  SANDBOX_HOST: z.string().default('127.0.0.1'),
  SANDBOX_SENDO_PORT: port(4101),
  SANDBOX_VOSO_PORT: port(4102),
  SANDBOX_POSTMART_PORT: port(4103),
  SANDBOX_SHOPEE_PORT: port(4104),
  SANDBOX_TIKTOK_PORT: port(4105),
  SANDBOX_LAZADA_PORT: port(4106),
  /**
   * The only origins marketplace calls may go to: comma-separated `marketplace=origin` pairs, a
   * marketplace once per origin, its first the default for new connections. Unset: the sandbox's
   * outside production, and a production process refuses to start (see `marketplaceOrigins`).
   */
  MARKETPLACE_ORIGINS: z
    .string()
    .optional()
    .transform((text, context): MarketplaceOrigins | undefined => {
      if (text === undefined || text.trim() === '') return undefined;
      try {
        return parseMarketplaceOrigins(text);
      } catch (error) {
        context.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }),
  /** The largest marketplace answer read; a bigger one is cut off and the call fails (retried later). */
  MARKETPLACE_MAX_RESPONSE_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(10 * 1024 * 1024),
  /** The longest one marketplace call may take, answer included, however the bytes trickle in. */
  MARKETPLACE_CALL_DEADLINE_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  /**
   * Whether product photos may be read from loopback and private networks (Shopee and TikTok Shop
   * take the photo's file, so the worker reads it from its URL). Off: a seller's photo URL cannot
   * make the worker read the operator's own network. The demo and the tests, whose photos the
   * local sandbox serves, turn it on.
   */
  IMAGE_FETCH_ALLOW_PRIVATE: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
  /**
   * Where marketplaces reach this API (behind a reverse proxy: its public https address); the
   * connections' `webhookUrl` is built from it. Default `http://<HOST>:<PORT>`.
   */
  PUBLIC_BASE_URL: optionalUrl(
    'must be an absolute http(s) URL without query, fragment or user name',
    (url) => ['http:', 'https:'].includes(url.protocol) && !url.search && !url.hash && !url.username,
    (url) => url.href.replace(/\/+$/, ''),
  ),
});

export type Environment = z.infer<typeof environmentSchema>;

/** The sandbox marketplaces need neither the database nor the connector's secrets. */
export const sandboxEnvironmentSchema = environmentSchema.pick({
  LOG_LEVEL: true,
  SANDBOX_HOST: true,
  SANDBOX_SENDO_PORT: true,
  SANDBOX_VOSO_PORT: true,
  SANDBOX_POSTMART_PORT: true,
  SANDBOX_SHOPEE_PORT: true,
  SANDBOX_TIKTOK_PORT: true,
  SANDBOX_LAZADA_PORT: true,
});
export type SandboxEnvironment = z.infer<typeof sandboxEnvironmentSchema>;

export class EnvironmentError extends Error {}

/**
 * The origins marketplace calls may go to (MARKETPLACE_ORIGINS). Unset, a development or test
 * process may call the local sandbox (SANDBOX_HOST, SANDBOX_*_PORT); a production process may call
 * nothing, so it refuses to start instead of refusing every connection.
 */
export function marketplaceOrigins(env: Environment): MarketplaceOrigins {
  if (env.MARKETPLACE_ORIGINS) return env.MARKETPLACE_ORIGINS;
  if (env.NODE_ENV === 'production') {
    throw new EnvironmentError(
      'Invalid environment (see .env.example):\n  MARKETPLACE_ORIGINS: is required when NODE_ENV=production ' +
        "(the marketplaces' API origins, e.g. sendo=https://open.sendo.vn)",
    );
  }
  return sandboxOrigins(env.SANDBOX_HOST, {
    sendo: env.SANDBOX_SENDO_PORT,
    voso: env.SANDBOX_VOSO_PORT,
    postmart: env.SANDBOX_POSTMART_PORT,
    shopee: env.SANDBOX_SHOPEE_PORT,
    tiktok: env.SANDBOX_TIKTOK_PORT,
    lazada: env.SANDBOX_LAZADA_PORT,
  });
}

/** Production's password cost; PASSWORD_SCRYPT_LN may lower it outside production only. */
export const PRODUCTION_PASSWORD_SCRYPT_LN = 15;

/**
 * The scrypt cost new password hashes get (PASSWORD_SCRYPT_LN). A production process refuses to
 * start with one below production's, as a test setting left in its environment would weaken every
 * password hashed from then on.
 */
export function passwordScryptLn(env: Environment): number {
  if (env.NODE_ENV === 'production' && env.PASSWORD_SCRYPT_LN < PRODUCTION_PASSWORD_SCRYPT_LN) {
    throw new EnvironmentError(
      'Invalid environment (see .env.example):\n  PASSWORD_SCRYPT_LN: must be at least ' +
        `${PRODUCTION_PASSWORD_SCRYPT_LN} when NODE_ENV=production (a lower cost is for tests)`,
    );
  }
  return env.PASSWORD_SCRYPT_LN;
}

/** This API's address as marketplaces reach it (PUBLIC_BASE_URL), without a trailing slash. */
export function publicBaseUrl(env: Environment): string {
  if (env.PUBLIC_BASE_URL) return env.PUBLIC_BASE_URL;
  const host = env.HOST.includes(':') && !env.HOST.startsWith('[') ? `[${env.HOST}]` : env.HOST;
  return `http://${host}:${env.PORT}`;
}

/** Parses `source` (default: process.env); throws an EnvironmentError naming every bad variable. */
export function loadEnvironment<S extends z.ZodType>(
  schema: S,
  source: NodeJS.ProcessEnv = process.env,
): z.infer<S> {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const missing = issue.code === 'invalid_type' && source[String(issue.path[0])] === undefined;
      return `  ${issue.path.join('.')}: ${missing ? 'is required but not set' : issue.message}`;
    });
    throw new EnvironmentError(`Invalid environment (see .env.example):\n${lines.join('\n')}`);
  }
  return parsed.data;
}
