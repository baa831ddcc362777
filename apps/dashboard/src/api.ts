/**
 * The dashboard's only way to the API. The key lives in this tab's sessionStorage (gone when the
 * tab closes) and travels only in the Authorization header: never in a URL, where it would reach
 * server logs, browser history and Referer headers.
 */
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

type Params = Record<string, string | number | undefined>;

function urlOf(path: string, params: Params): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined) query.set(name, String(value));
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

export function apiGet<T>(path: string, params: Params = {}): Promise<T> {
  return request<T>('GET', urlOf(path, params));
}

/** A POST without a body (an admin's action such as a retry); answers the API's JSON. */
export function apiPost<T>(path: string): Promise<T> {
  return request<T>('POST', path);
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
    // API.md's error shape: {"error": {"code", "message", "details"}}
    const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new ApiError(res.status, error?.code ?? 'error', error?.message ?? `HTTP ${res.status}`);
  }
  return body as T;
}

/** Every item of a list endpoint, 200 at a time (API.md paging: {items, nextCursor}). */
export async function apiGetAll<T>(path: string, params: Params = {}): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await apiGet<{ items: T[]; nextCursor: string | null }>(path, {
      ...params,
      limit: 200,
      cursor,
    });
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return items;
}
