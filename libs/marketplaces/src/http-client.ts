import axios, { AxiosInstance } from 'axios';
import { CallGate, Marketplace, MarketplaceError, OPEN_GATE, ShopAccess } from './port';

/** A request as an adapter builds it: the body is already serialised, because Postmart signs the exact bytes. */
export interface MarketplaceRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** path below the shop's baseUrl, starting with "/" */
  path: string;
  query?: Record<string, string>;
  /** raw JSON text */
  body?: string;
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

export const DEFAULT_TIMEOUT_MS = 10_000;

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
 * The one HTTP client all adapters share. It owns what every marketplace has in common: the call
 * gate before each request, the timeout, and turning transport trouble (network errors, timeouts,
 * 429, 5xx — Voso's HTML maintenance page and Postmart's 504-after-write included) into a
 * retryable MarketplaceError. Everything else is handed back for the adapter to read its own envelope.
 */
export class MarketplaceHttp {
  private readonly client: AxiosInstance;

  constructor(
    readonly marketplace: Marketplace,
    readonly gate: CallGate = OPEN_GATE,
    timeoutMs: number = DEFAULT_TIMEOUT_MS,
  ) {
    this.client = axios.create({
      timeout: timeoutMs,
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
    await this.gate.beforeCall(shop);
    const request = typeof build === 'function' ? build() : build;
    let response;
    try {
      response = await this.client.request<string>({
        method: request.method,
        url: requestUrl(shop.baseUrl, request),
        data: request.body,
        headers: {
          accept: 'application/json',
          ...(request.body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }),
          ...request.headers,
        },
      });
    } catch (error) {
      throw this.transportError(error);
    }
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

  private transportError(error: unknown): MarketplaceError {
    if (error instanceof MarketplaceError) return error;
    const code = axios.isAxiosError(error) ? error.code : undefined;
    const message = error instanceof Error ? error.message : String(error);
    const timedOut = code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout/i.test(message);
    const what = timedOut ? 'timed out' : 'network error';
    // Anything that failed before an HTTP answer arrived may succeed on a later try.
    return new MarketplaceError(
      'retryable',
      `${this.marketplace}: ${what}${code ? ` (${code})` : ''}: ${message}`,
      {
        code: timedOut ? 'timeout' : code && TRANSPORT_CODES.has(code) ? code : 'network',
        marketplace: this.marketplace,
      },
    );
  }
}

function parseJson(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
