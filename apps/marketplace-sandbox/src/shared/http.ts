import Fastify, {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  LogController,
} from 'fastify';
import type { Logger } from 'pino';
import { CallCounters } from './counters';

declare module 'fastify' {
  interface FastifyRequest {
    /** The request body exactly as received (Postmart signs it; webhooks tests compare it). */
    rawBody?: string;
    /** Set when the body was not valid JSON; answered in the style's envelope, never a crash. */
    bodyError?: string;
  }
}

export const CONTROL_PREFIX = '/_sandbox';

/** Answers an error in the marketplace's own envelope; `status` is the HTTP-like meaning. */
export type StyleErrorReply = (
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  message: string,
) => unknown;

export function isControl(request: FastifyRequest): boolean {
  return request.url === CONTROL_PREFIX || request.url.startsWith(`${CONTROL_PREFIX}/`);
}

/**
 * One marketplace's Fastify server: bodies are kept raw and parsed here (malformed JSON is not an
 * exception), calls are counted per route pattern, and unknown routes and thrown errors are
 * answered in the style's envelope (or plain JSON on the control API).
 */
export function createStyleServer(options: {
  logger: Logger;
  counters: CallCounters;
  styleError: StyleErrorReply;
}): FastifyInstance {
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 5 * 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true },
  });
  const { counters, styleError } = options;

  const fail = (request: FastifyRequest, reply: FastifyReply, status: number, message: string) =>
    isControl(request)
      ? reply.code(status).send({ error: message })
      : styleError(request, reply, status, message);

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    request.rawBody = text;
    if (text.trim().length === 0) return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      request.bodyError = 'malformed JSON body';
      done(null, undefined);
    }
  });

  app.addHook('onRequest', async (request) => {
    const pattern = request.routeOptions.url;
    if (pattern && !isControl(request)) counters.count(request.method, pattern);
  });

  app.addHook('preHandler', async (request, reply) => {
    if (request.bodyError) return fail(request, reply, 400, request.bodyError);
  });

  app.addHook('onResponse', async (request, reply) => {
    request.log.debug({ method: request.method, url: request.url, status: reply.statusCode }, 'request');
  });

  app.setNotFoundHandler((request, reply) =>
    fail(request, reply, 404, `no route ${request.method} ${request.url.split('?')[0]}`),
  );

  app.setErrorHandler((error: { statusCode?: number; message?: string }, request, reply) => {
    const status = typeof error.statusCode === 'number' && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) request.log.error({ err: error }, 'sandbox error');
    return fail(request, reply, status, status >= 500 ? 'internal error' : (error.message ?? 'bad request'));
  });

  return app;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A JSON object body, or undefined when the body is absent or not an object. */
export function objectBody(request: FastifyRequest): Record<string, unknown> | undefined {
  const body = request.body;
  return body !== null && typeof body === 'object' && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : undefined;
}
