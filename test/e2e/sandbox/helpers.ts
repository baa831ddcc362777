import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { startSandbox, Sandbox } from '../../../apps/marketplace-sandbox/src/sandbox';

/** Test-side helpers: plain HTTP, nothing from the sandbox but its factory. */

export async function startTestSandbox(): Promise<Sandbox> {
  return startSandbox({
    host: '127.0.0.1',
    ports: { sendo: 0, voso: 0, postmart: 0, shopee: 0, tiktok: 0, lazada: 0 },
  });
}

export interface JsonResponse<T = unknown> {
  status: number;
  headers: Headers;
  text: string;
  body: T;
}

export async function http<T = any>(
  method: string,
  url: string,
  options: { body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<JsonResponse<T>> {
  const rawBody = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const response = await fetch(url, {
    method,
    headers: { ...(rawBody === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers },
    body: rawBody,
  });
  const text = await response.text();
  let body: unknown = undefined;
  try {
    body = text.length > 0 ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, text, body: body as T };
}

/** The control API of one marketplace port. */
export function control(baseUrl: string) {
  const url = (path: string) => `${baseUrl}/_sandbox${path}`;
  return {
    createShop: async (body: Record<string, unknown> = {}) => {
      const response = await http('POST', url('/shops'), { body });
      expect(response.status).toBe(201);
      return response.body as { shopId: string; credentials: Record<string, string>; webhookSecret: string };
    },
    patchShop: (shopId: string, body: Record<string, unknown>) =>
      http('PATCH', url(`/shops/${shopId}`), { body }),
    listings: async (shopId: string) => (await http('GET', url(`/shops/${shopId}/listings`))).body,
    placeOrder: (shopId: string, body: unknown) => http('POST', url(`/shops/${shopId}/orders`), { body }),
    order: async (shopId: string, orderId: string) =>
      (await http('GET', url(`/shops/${shopId}/orders/${orderId}`))).body,
    moveOrder: (shopId: string, orderId: string, body: Record<string, unknown>) =>
      http('POST', url(`/shops/${shopId}/orders/${orderId}/status`), { body }),
    moveOrders: (shopId: string, moves: Record<string, unknown>[]) =>
      http('POST', url(`/shops/${shopId}/orders/moves`), { body: { moves } }),
    faults: (shopId: string, body: Record<string, unknown>) =>
      http('PUT', url(`/shops/${shopId}/faults`), { body }),
    webhooks: async (shopId: string) => (await http('GET', url(`/shops/${shopId}/webhooks`))).body,
    stats: async () => (await http('GET', url('/stats'))).body.calls as Record<string, number>,
    clearStats: () => http('DELETE', url('/stats')),
    advance: async (seconds: number) => {
      const response = await http('POST', url('/clock'), { body: { advanceSeconds: seconds } });
      expect(response.status).toBe(200);
      return Date.parse(response.body.now);
    },
    now: async () => Date.parse((await http('GET', url('/clock'))).body.now),
    reset: () => http('POST', url('/reset')),
  };
}

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  rawBody: string;
  body: any;
  receivedAt: number;
}

/** A receiver's answer: JSON `body` (default {}), or no body at all; after `delayMs` if given. */
export interface ReceiverAnswer {
  status: number;
  body?: unknown;
  emptyBody?: boolean;
  delayMs?: number;
}

/**
 * A small HTTP server that records every webhook with its raw body. `respond` decides the answer
 * (default 200 {}), so a test can fail deliveries on purpose.
 */
export async function startReceiver(
  respond: (hook: ReceivedWebhook, index: number) => ReceiverAnswer = () => ({ status: 200 }),
) {
  const received: ReceivedWebhook[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let body: unknown = undefined;
      try {
        body = JSON.parse(rawBody);
      } catch {
        body = undefined;
      }
      const hook = { headers: request.headers, rawBody, body, receivedAt: Date.now() };
      received.push(hook);
      const answer = respond(hook, received.length - 1);
      const reply = () => {
        if (answer.emptyBody) {
          response.writeHead(answer.status).end();
          return;
        }
        response.writeHead(answer.status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(answer.body ?? {}));
      };
      if (answer.delayMs) setTimeout(reply, answer.delayMs);
      else reply();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Polls `check` every 20 ms until it returns a truthy value or the deadline passes. */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  timeoutMs = 5000,
  what = 'condition',
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Gives in-flight deliveries a moment, to show that nothing more arrives. */
export function settle(ms = 300): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
