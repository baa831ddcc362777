/**
 * The dashboard's only way to the API, typed by the OpenAPI document: a path is one of its
 * templates (`/v1/cooperatives/{id}`), and its parameters and answer are the document's. The key
 * lives in this tab's sessionStorage (gone when the tab closes) and travels only in the
 * Authorization header: never in a URL, where it would reach server logs, browser history and
 * Referer headers. openapi-fetch would do the typing too, but loading it in the browser needs a
 * bundler or an import map, which this page's build (tsc alone) and its CSP do not have.
 */
import type { components, paths } from './api-types.js';

const KEY_ITEM = 'ocop.dashboard.apiKey';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const session = {
  key: (): string | null => sessionStorage.getItem(KEY_ITEM),
  save: (key: string): void => sessionStorage.setItem(KEY_ITEM, key),
  clear: (): void => sessionStorage.removeItem(KEY_ITEM),
};

type Paths = paths;
type Method = 'get' | 'post';
/** The paths with an operation for `M` (a path without one has `M?: never`). */
type PathsWith<M extends Method> = {
  [P in keyof Paths]: Paths[P][M] extends { responses: unknown } ? P : never;
}[keyof Paths];
type Operation<P extends keyof Paths, M extends Method> = NonNullable<Paths[P][M]>;
type Success = 200 | 201 | 202;
/** The JSON body of an operation's success answers. */
type Answer<O> = O extends { responses: infer R }
  ? {
      [S in keyof R & Success]: R[S] extends { content: { 'application/json': infer B } } ? B : never;
    }[keyof R & Success]
  : never;
/** What a call fills in: the path's parameters when its template has any, and the query the operation takes. */
type Options<O> = (O extends { parameters: { path: infer Path } } ? { path: Path } : { path?: undefined }) & {
  query?: O extends { parameters: { query?: infer Query } } ? Query : never;
};

function urlOf(template: string, options: { path?: object; query?: object }): string {
  const values = (options.path ?? {}) as Record<string, string>;
  const path = template.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (values[name] === undefined) throw new Error(`${template} needs {${name}}`);
    return encodeURIComponent(values[name]);
  });
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(options.query ?? {})) {
    if (value !== undefined) query.set(name, String(value));
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

/** GET a path of the OpenAPI document; its parameters and its answer are typed by the document. */
export function apiGet<P extends PathsWith<'get'>>(
  path: P,
  // optional when the operation needs no path parameter
  ...[options]: Partial<Options<Operation<P, 'get'>>> extends Options<Operation<P, 'get'>>
    ? [Options<Operation<P, 'get'>>?]
    : [Options<Operation<P, 'get'>>]
): Promise<Answer<Operation<P, 'get'>>> {
  return request('GET', urlOf(path, options ?? {}));
}

/** A POST without a body (an admin's action such as a retry); answers the API's JSON. */
export function apiPost<P extends PathsWith<'post'>>(
  path: P,
  options: Options<Operation<P, 'post'>>,
): Promise<Answer<Operation<P, 'post'>>> {
  return request('POST', urlOf(path, options));
}

async function request<T>(method: 'GET' | 'POST', url: string): Promise<T> {
  const key = session.key();
  if (!key) throw new ApiError(401, 'unauthorized', 'Chưa đăng nhập (not signed in)');
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${key}`, accept: 'application/json' },
    cache: 'no-store',
  });
  const body: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    // the document's ErrorResponse: {"error": {"code", "message", "details"}}
    const error = (body as Partial<Schemas['ErrorResponse']> | undefined)?.error;
    throw new ApiError(res.status, error?.code ?? 'error', error?.message ?? `HTTP ${res.status}`);
  }
  return body as T;
}

/** The paths whose GET answers a page (API.md paging: {items, nextCursor}). */
type ListPath = {
  [P in PathsWith<'get'>]: Answer<Operation<P, 'get'>> extends { items: unknown[]; nextCursor: string | null }
    ? P
    : never;
}[PathsWith<'get'>];
type Item<P extends ListPath> = Answer<Operation<P, 'get'>> extends { items: (infer I)[] } ? I : never;

/** Every item of a list, 200 at a time. */
export async function apiGetAll<P extends ListPath>(
  path: P,
  options: Options<Operation<P, 'get'>> = {} as Options<Operation<P, 'get'>>,
): Promise<Item<P>[]> {
  const items: Item<P>[] = [];
  let cursor: string | undefined;
  do {
    const page = await request<{ items: Item<P>[]; nextCursor: string | null }>(
      'GET',
      urlOf(path, { ...options, query: { ...options.query, limit: 200, cursor } }),
    );
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return items;
}

/**
 * The answers the pages read, named as they use them: every one is the OpenAPI document's schema
 * (api-types.ts, generated by `npm run openapi:types`), so a change to the API that the pages do
 * not follow fails the dashboard's typecheck.
 */
type Schemas = components['schemas'];
export type Me = Schemas['MeResponse'];
export type Cooperative = Schemas['CooperativeResponse'];
export type Product = Schemas['ProductResponse'];
export type Certificate = Schemas['AssessmentResponse'];
export type SalesSeries = Schemas['SalesSeriesResponse'];
export type DeadWebhook = Schemas['DeadWebhookResponse'];
