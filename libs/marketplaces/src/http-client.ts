import axios, { AxiosInstance } from 'axios';
import { parseMarketplaceJson } from '@ocop/common';
import { CallGate, Marketplace, MarketplaceError, OPEN_GATE, ShopAccess } from './port';
import { originOf, type MarketplaceOrigins } from '../../../config/marketplace-origins';

/** A request as an adapter builds it: the body is already serialised, because Postmart signs the exact bytes. */
export interface MarketplaceRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** path below the shop's baseUrl, starting with "/" */
  path: string;
  query?: Record<string, string>;
  /** raw JSON text */
  body?: string;
  /**
   * a binary body sent instead of `body`, with the content type its `headers` name (TikTok Shop's
   * multipart image upload): JSON text would not carry an image's bytes intact
   */
  bytes?: Buffer;
  headers?: Record<string, string>;
}

/** An answer the transport accepted (not a 429, 5xx or network failure); the adapter reads its envelope. */
export interface MarketplaceAnswer {
  status: number;
  headers: Record<string, string>;
  text: string;
  /** the parsed JSON body, or undefined when the body is not JSON */
  json: unknown;
}

/** MARKETPLACE_CALL_DEADLINE_MS's default: the whole call, answer included. */
export const DEFAULT_DEADLINE_MS = 30_000;
/** MARKETPLACE_MAX_RESPONSE_BYTES's default. */
export const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

/** The code of the error refusing a shop whose baseUrl is not one of its marketplace's origins. */
export const ORIGIN_NOT_ALLOWED = 'origin_not_allowed';

/** What bounds every call of one marketplace's client. */
export interface CallLimits {
  /** the longest a call may take, from sending to the last byte of the answer */
  deadlineMs?: number;
  /** the largest answer read; a bigger one is cut off */
  maxResponseBytes?: number;
  /**
   * the origins this marketplace may be called at (MARKETPLACE_ORIGINS); a shop whose baseUrl is
   * not one of them is refused before any byte leaves. Undefined: any (adapter tests).
   */
  origins?: readonly string[];
}

/**
 * How every failure before a readable answer reads, for whoever sees it (a listing's lastError,
 * a 503 at connect): never the host, port, errno or body, which turned errors into a port
 * scanner. The `code` keeps the cause for logic and logs.
 */
export function unreachable(
  marketplace: Marketplace,
  code: string,
  details: { status?: number; cause?: unknown } = {},
): MarketplaceError {
  const error = new MarketplaceError('retryable', `${marketplace}: marketplace unreachable`, {
    code,
    marketplace,
    ...(details.status === undefined ? {} : { status: details.status }),
  });
  if (details.cause !== undefined) {
    Object.defineProperty(error, 'cause', { value: details.cause, enumerable: false });
  }
  return error;
}

/**
 * `Retry-After` is either delta-seconds or an HTTP date (RFC 9110 §10.2.3); undefined when absent
 * or unreadable, so the caller falls back to its own backoff.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** The full URL of a request; query values are encoded here and nowhere else. */
export function requestUrl(baseUrl: string, request: Pick<MarketplaceRequest, 'path' | 'query'>): string {
  const base = baseUrl.replace(/\/+$/, '');
  const query = new URLSearchParams(request.query ?? {}).toString();
  return `${base}${request.path}${query ? `?${query}` : ''}`;
}

const TRANSPORT_CODES = new Set([
  'ECONNABORTED',
  'ETIMEDOUT',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ERR_NETWORK',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
]);

/**
 * The one HTTP client all adapters share. It owns what every marketplace has in common: the
 * allowed origins, the call gate before each request, the deadline and size limit of each answer,
 * and turning transport trouble (network errors, timeouts, oversized answers, 429, 5xx — Voso's
 * HTML maintenance page and Postmart's 504-after-write included) into a retryable
 * MarketplaceError. Everything else is handed back for the adapter to read its own envelope.
 */
export class MarketplaceHttp {
  private readonly client: AxiosInstance;
  private readonly deadlineMs: number;
  private readonly origins: readonly string[] | undefined;

  constructor(
    readonly marketplace: Marketplace,
    readonly gate: CallGate = OPEN_GATE,
    limits: CallLimits = {},
  ) {
    this.deadlineMs = limits.deadlineMs ?? DEFAULT_DEADLINE_MS;
    this.origins = limits.origins;
    const maxBytes = limits.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.client = axios.create({
      // counted while the answer streams in (after decompression): the socket is dropped at the limit
      maxContentLength: maxBytes,
      maxBodyLength: maxBytes,
      // the adapter reads every status itself; axios must neither throw on 4xx nor parse the body
      validateStatus: () => true,
      // bodies go out byte for byte as the adapter serialised them: Postmart's signature covers them
      transformRequest: [(data: unknown) => data],
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      maxRedirects: 0,
    });
  }

  /**
   * `request` may be a function, built only once the gate lets the call through: a request signed
   * with a timestamp (Postmart) must not age while it waits for the rate limit.
   */
  async send(
    shop: ShopAccess,
    build: MarketplaceRequest | (() => MarketplaceRequest),
  ): Promise<MarketplaceAnswer> {
    this.checkOrigin(shop);
    await this.gate.beforeCall(shop);
    const request = typeof build === 'function' ? build() : build;
    const sentAt = performance.now();
    let response;
    try {
      response = await this.client.request<string>({
        method: request.method,
        url: requestUrl(shop.baseUrl, request),
        data: request.bytes ?? request.body,
        headers: {
          accept: 'application/json',
          ...(request.body === undefined || request.bytes !== undefined
            ? {}
            : { 'content-type': 'application/json; charset=utf-8' }),
          ...request.headers,
        },
        // A total deadline, not axios' `timeout` (a socket idle timer that a byte every few
        // seconds keeps alive): aborting also drops an answer still streaming in.
        signal: AbortSignal.timeout(this.deadlineMs),
      });
    } catch (error) {
      throw this.transportError(error);
    }
    this.gate.answered?.(shop, (performance.now() - sentAt) / 1000);
    const text = typeof response.data === 'string' ? response.data : '';
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers ?? {})) {
      if (value !== undefined && value !== null) headers[name.toLowerCase()] = String(value);
    }
    const status = response.status;
    if (status === 429) {
      await this.gate.throttled?.(shop);
      throw new MarketplaceError('retryable', `${this.marketplace}: too many requests (HTTP 429)`, {
        status,
        code: 'rate_limited',
        retryAfterMs: parseRetryAfter(headers['retry-after']),
        marketplace: this.marketplace,
      });
    }
    if (status >= 500) {
      throw new MarketplaceError('retryable', `${this.marketplace}: server error (HTTP ${status})`, {
        status,
        code: 'server_error',
        retryAfterMs: parseRetryAfter(headers['retry-after']),
        marketplace: this.marketplace,
      });
    }
    return { status, headers, text, json: parseJson(text) };
  }

  /** The second line of defence: the API refuses such a baseUrl, and the worker a stored one. */
  private checkOrigin(shop: ShopAccess): void {
    if (this.origins === undefined) return;
    const { origin } = originOf(shop.baseUrl);
    if (origin !== undefined && this.origins.includes(origin)) return;
    throw new MarketplaceError(
      'permanent',
      `${this.marketplace}: not called, the connection's address is not one of its origins (MARKETPLACE_ORIGINS)`,
      { code: ORIGIN_NOT_ALLOWED, marketplace: this.marketplace },
    );
  }

  private transportError(error: unknown): MarketplaceError {
    if (error instanceof MarketplaceError) return error;
    const code = axios.isAxiosError(error) ? error.code : undefined;
    const message = error instanceof Error ? error.message : String(error);
    // Anything that failed before a readable answer arrived may succeed on a later try.
    if (
      axios.isCancel(error) ||
      code === 'ECONNABORTED' ||
      code === 'ETIMEDOUT' ||
      /timeout/i.test(message)
    ) {
      return unreachable(this.marketplace, 'timeout', { cause: error });
    }
    if (/maxContentLength|maxBodyLength/.test(message))
      return unreachable(this.marketplace, 'too_large', { cause: error });
    return unreachable(this.marketplace, code && TRANSPORT_CODES.has(code) ? code : 'network', {
      cause: error,
    });
  }
}

function parseJson(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    // well-formed: what the adapters read of an answer is stored, some of it in jsonb (variant ids)
    return parseMarketplaceJson(text);
  } catch {
    return undefined;
  }
}

/** The limits of one marketplace's client, from the options every adapter takes. */
export function callLimits(
  marketplace: Marketplace,
  options: { deadlineMs?: number; maxResponseBytes?: number; origins?: Partial<MarketplaceOrigins> },
): CallLimits {
  return {
    deadlineMs: options.deadlineMs,
    maxResponseBytes: options.maxResponseBytes,
    origins: options.origins?.[marketplace],
  };
}
