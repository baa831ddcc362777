import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { environmentSchema, loadEnvironment } from '../../config/environment';
import { createApiApp } from '../../apps/api/src/create-api';

export interface Answer<T = any> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

export interface RunningApi {
  app: NestFastifyApplication;
  url: string;
  adminKey: string;
  call<T = any>(
    method: string,
    path: string,
    options?: { key?: string; body?: unknown; raw?: string; headers?: Record<string, string> },
  ): Promise<Answer<T>>;
  close(): Promise<void>;
}

/** The real API on an ephemeral port, called over real HTTP. */
export async function startApi(overrides: Record<string, string> = {}): Promise<RunningApi> {
  const env = loadEnvironment(environmentSchema, { ...process.env, ...overrides });
  const app = await createApiApp(env);
  await app.listen(0, '127.0.0.1');
  const url = await app.getUrl();
  return {
    app,
    url,
    adminKey: env.ADMIN_API_KEY,
    async call(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (options.key) headers.authorization = `Bearer ${options.key}`;
      let payload: string | undefined = options.raw;
      if (payload === undefined && options.body !== undefined) payload = JSON.stringify(options.body);
      if (payload !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
        headers['content-type'] = 'application/json';
      }
      const res = await fetch(url + path, { method, headers, body: payload });
      const text = await res.text();
      let body: any;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      return { status: res.status, body, text, headers: res.headers };
    },
    close: () => app.close(),
  };
}
