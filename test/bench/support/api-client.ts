import type { RunningApi } from '../../support/api';

/**
 * The API running as its own process (spawnBenchApi), reached over HTTP with the same `call` as
 * the e2e support's RunningApi, so the shared helpers (connectAll, listEverywhere) work on it.
 */
export function apiClient(url: string, adminKey: string): RunningApi {
  return {
    url,
    adminKey,
    async call(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (options.key) headers.authorization = `Bearer ${options.key}`;
      const payload = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
      if (payload !== undefined) headers['content-type'] ??= 'application/json';
      const res = await fetch(url + path, { method, headers, body: payload as RequestInit['body'] });
      const bytes = Buffer.from(await res.arrayBuffer());
      const text = new TextDecoder().decode(bytes);
      let body: any;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      return { status: res.status, body, text, bytes, headers: res.headers };
    },
  } as RunningApi;
}
