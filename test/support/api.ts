import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { environmentSchema, loadEnvironment } from '../../config/environment';
import { createApiApp } from '../../apps/api/src/create-api';

export interface Answer<T = any> {
  status: number;
  body: T;
  text: string;
  /** the body's bytes as received (a downloaded workbook) */
  bytes: Buffer;
  headers: Headers;
}

export interface RunningApi {
  app: NestFastifyApplication;
  url: string;
  adminKey: string;
  call<T = any>(
    method: string,
    path: string,
    options?: { key?: string; body?: unknown; raw?: string | Buffer; headers?: Record<string, string> },
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
      let payload: string | Buffer | undefined = options.raw;
      if (payload === undefined && options.body !== undefined) payload = JSON.stringify(options.body);
      if (payload !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
        headers['content-type'] = 'application/json';
      }
      const res = await fetch(url + path, { method, headers, body: payload as RequestInit['body'] });
      const bytes = Buffer.from(await res.arrayBuffer());
      // as res.text() decodes: UTF-8, a byte order mark dropped
      const text = new TextDecoder().decode(bytes);
      let body: any;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      return { status: res.status, body, text, bytes, headers: res.headers };
    },
    close: () => app.close(),
  };
}
