import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Environment } from '../../../config/environment';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { ApiKeysService, Principal } from '@ocop/auth';
import { MAX_SPREADSHEET_BYTES, SPREADSHEET_MEDIA_TYPE, SPREADSHEET_UPLOAD_ROUTE } from '@ocop/catalogue';
import { ALL_QUEUES } from '@ocop/jobs';
import {
  BadRequest,
  describeError,
  InputValidationPipe,
  MAX_JSON_DEPTH,
  nestsDeeperThan,
  UnsupportedMediaType,
  JsonNestLogger,
  Logger,
  LOGGER,
  wellFormed,
} from '@ocop/common';
import { ApiModule } from './api.module';
import { serveWebApp } from './web-app';
import { answerClientError } from './error-shape.filter';
import { openApiDocument } from './openapi';
import { httpMetrics } from './operations';
import { mountQueueDashboard } from './queue-dashboard';

export const BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * Fastify's trustProxy from TRUST_PROXY: whom to believe about the client's address, which the
 * per-address rate limit counts by. Behind a proxy that is not trusted, every client would share
 * the proxy's address and its limit.
 */
export function trustedProxies(setting: string): boolean | string[] {
  const value = setting.trim();
  if (value === '' || value === 'false') return false;
  if (value === 'true') return true;
  return value.split(',').map((entry) => entry.trim());
}

type RequestWithPrincipal = FastifyRequest & { principal?: Principal };

/**
 * Builds the API application, fully configured but not listening: main.ts listens on PORT, tests
 * on an ephemeral port.
 */
export async function createApiApp(env: Environment): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    logger: false,
    trustProxy: trustedProxies(env.TRUST_PROXY),
    clientErrorHandler: answerClientError,
    // URLs the router refuses (a broken percent-escape, an over-long path segment) before Nest sees them
    frameworkErrors: (error: Error, _request: FastifyRequest, reply: FastifyReply) => {
      const { status, body } = describeError(error);
      void reply.status(status).send(body);
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule.forRoot(env), adapter, {
    bufferLogs: true,
    abortOnError: false,
    // webhook signatures cover the exact bytes received
    rawBody: true,
  });
  const logger = app.get<Logger>(LOGGER);
  app.useLogger(new JsonNestLogger(logger));
  app.useGlobalPipes(new InputValidationPipe());
  app.enableShutdownHooks();

  const fastify = app.getHttpAdapter().getInstance();

  // spreadsheet uploads (POST /v1/catalogue/imports) arrive as the .xlsx bytes themselves, up to
  // 5 MiB. Only that route takes them: elsewhere the body is refused before it is read, so no JSON
  // route reads 5 MiB or hands bytes to the validation pipe as if they were an object
  fastify.addContentTypeParser(
    SPREADSHEET_MEDIA_TYPE,
    { parseAs: 'buffer', bodyLimit: MAX_SPREADSHEET_BYTES },
    (_request: FastifyRequest, body: Buffer, done: (error: Error | null, body?: Buffer) => void) =>
      done(null, body),
  );
  fastify.addHook('preParsing', async (request: FastifyRequest, reply: FastifyReply) => {
    const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== SPREADSHEET_MEDIA_TYPE) return;
    if (request.method === 'POST' && request.routeOptions.url === SPREADSHEET_UPLOAD_ROUTE) return;
    const { status, body } = describeError(
      new UnsupportedMediaType('The request body must be JSON (Content-Type: application/json)'),
    );
    return reply.status(status).send(body);
  });

  // One JSON line per request, and the Prometheus request metrics.
  fastify.addHook('onResponse', async (request: RequestWithPrincipal, reply: FastifyReply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const seconds = reply.elapsedTime / 1000;
    httpMetrics.requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    httpMetrics.duration.observe({ method: request.method, route }, seconds);
    logger.info(
      {
        requestId: request.id,
        method: request.method,
        path: request.url.split('?')[0],
        route,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
        // who, by id only: a person's name or email is not for the request log
        actor: request.principal
          ? `${request.principal.actor.kind}:${request.principal.actor.id}`
          : undefined,
        role: request.principal?.role,
      },
      'request',
    );
  });

  // Before any handler (Nest's pipes, Bull Board's routes, the webhooks) walks a parsed body.
  fastify.addHook('preValidation', async (request: FastifyRequest, reply: FastifyReply) => {
    // an uploaded file is bytes, not JSON: walking its millions of indexes would take seconds
    if (Buffer.isBuffer(request.body)) return;
    if (nestsDeeperThan(request.body)) {
      const { status, body } = describeError(
        new BadRequest(`The request body nests more than ${MAX_JSON_DEPTH} levels of objects and arrays`),
      );
      return reply.status(status).send(body);
    }
    // a lone surrogate ("\ud83d") would reach jsonb and fail there as a 500: U+FFFD instead.
    // Webhooks are not affected: their signatures are checked on the raw bytes, which stay as sent
    request.body = wellFormed(request.body);
  });

  await mountQueueDashboard(
    fastify,
    ALL_QUEUES.map((name) => app.get<Queue>(getQueueToken(name), { strict: false })),
    app.get(ApiKeysService),
  );
  await serveWebApp(fastify);

  const openApi = openApiDocument(app);
  SwaggerModule.setup('docs', app, openApi, { jsonDocumentUrl: 'docs-json' });

  return app;
}
