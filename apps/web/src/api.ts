/**
 * The web app's only way to the API: openapi-fetch over the types `npm run openapi:types` generates
 * from the OpenAPI document, so a change to the API that a page does not follow fails the typecheck.
 * The session is the httpOnly cookie the browser sends by itself; a write adds the X-CSRF-Token that
 * GET /v1/me gave (ADR 21). Nothing secret is kept in storage or put in a URL.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './api-types';

export type Schemas = components['schemas'];

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: { field: string; message: string }[] = [],
  ) {
    super(message);
  }
}

let csrfToken: string | undefined;
/** Kept in memory only: a reload reads it again from GET /v1/me. */
export function useCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** For the one operation whose document names the header (signing out, which only a session can do). */
export function csrfHeader(): { 'X-CSRF-Token': string } {
  return { 'X-CSRF-Token': csrfToken ?? '' };
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const csrf: Middleware = {
  onRequest({ request }) {
    if (WRITES.has(request.method) && csrfToken) request.headers.set('x-csrf-token', csrfToken);
    return request;
  },
};

/** What a page does when the session has ended under it (set by the session provider). */
let onSignedOut: () => void = () => undefined;
export function whenSignedOut(handler: () => void): void {
  onSignedOut = handler;
}

export const api = createClient<paths>({
  baseUrl: location.origin,
  credentials: 'same-origin',
  cache: 'no-store',
});
api.use(csrf);

type ErrorBody = Partial<Schemas['ErrorResponse']> | undefined;
interface Outcome<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The answer's body, or an ApiError with the API's own message (`{error: {code, message, details}}`). */
// operations that can also answer CSV (Accept: text/csv) type their body as JSON | string; the
// client asks for JSON, so the string is never what arrives
export async function ok<T>(call: Promise<Outcome<T>>): Promise<Exclude<T, string>> {
  let outcome: Outcome<T>;
  try {
    outcome = await call;
  } catch {
    throw new ApiError(0, 'network', 'Không kết nối được máy chủ (could not reach the server)');
  }
  const { response } = outcome;
  if (response.ok) return outcome.data as Exclude<T, string>;
  const error = (outcome.error as ErrorBody)?.error;
  if (response.status === 401) onSignedOut();
  throw new ApiError(
    response.status,
    error?.code ?? 'error',
    error?.message ?? `HTTP ${response.status}`,
    (error?.details as { field: string; message: string }[] | undefined) ?? [],
  );
}

/** The message a page shows for a failed call. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 403) return `Bạn không có quyền làm việc này (not allowed): ${error.message}`;
    if (error.status === 404) return `Không tìm thấy (not found): ${error.message}`;
    if (error.status === 429)
      return `Quá nhiều yêu cầu, hãy thử lại sau (too many requests): ${error.message}`;
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

/** A new Idempotency-Key for one user action, so a retried click never applies twice. */
export function idempotencyKey(): string {
  return crypto.randomUUID();
}

export type Me = Schemas['MeResponse'];
export type Cooperative = Schemas['CooperativeResponse'];
export type Product = Schemas['ProductResponse'];
export type Sku = Schemas['SkuResponse'];
export type Certificate = Schemas['AssessmentResponse'];
export type SalesSeries = Schemas['SalesSeriesResponse'];
export type DeadWebhook = Schemas['DeadWebhookResponse'];
export type Notice = Schemas['NoticeResponse'];

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Every item of a list, following its keyset cursor 200 at a time (reports that need them all). */
export async function every<T>(
  page: (cursor: string | undefined) => Promise<Outcome<Page<T>>>,
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const answer = await ok(page(cursor));
    items.push(...answer.items);
    cursor = answer.nextCursor ?? undefined;
  } while (cursor);
  return items;
}

type ListQuery<P extends keyof paths> = Omit<
  NonNullable<paths[P] extends { get: { parameters: { query?: infer Q } } } ? Q : never>,
  'limit' | 'cursor'
>;

/** A producer's whole catalogue (every producer's without `cooperativeId`), as `every` reads it. */
export function allProducts(query: ListQuery<'/v1/products'> = {}): Promise<Product[]> {
  return every((cursor) => api.GET('/v1/products', { params: { query: { ...query, limit: 200, cursor } } }));
}

/** Every listing of a producer's products, or of one product. */
export function allListings(query: ListQuery<'/v1/listings'>): Promise<Schemas['ListingResponse'][]> {
  return every((cursor) => api.GET('/v1/listings', { params: { query: { ...query, limit: 200, cursor } } }));
}

/** Every shop a producer has connected. */
export function allConnections(cooperativeId: string): Promise<Schemas['ConnectionResponse'][]> {
  return every((cursor) =>
    api.GET('/v1/cooperatives/{id}/connections', {
      params: { path: { id: cooperativeId }, query: { limit: 200, cursor } },
    }),
  );
}
