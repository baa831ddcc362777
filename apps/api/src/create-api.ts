import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Environment } from '../../../config/environment';
import { ApiKeysService, Principal } from '@ocop/auth';
import { describeError, InputValidationPipe, JsonNestLogger, Logger, LOGGER } from '@ocop/common';
import { ApiModule } from './api.module';
import { serveDashboard } from './dashboard';
import { httpMetrics } from './operations';

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
        keyId: request.principal?.keyId,
        role: request.principal?.role,
      },
      'request',
    );
  });

  // The queue dashboard is for admins; browsers send the key as Basic auth (any user, key as password).
  const keys = app.get(ApiKeysService);
  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.url.startsWith('/admin/queues')) return;
    const header = request.headers.authorization ?? '';
    const bearer = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    const basic = /^Basic\s+(\S+)$/i.exec(header)?.[1];
    const presented =
      bearer ??
      (basic ? Buffer.from(basic, 'base64').toString('utf8').split(':').slice(1).join(':') : undefined);
    const principal = presented ? await keys.authenticate(presented) : undefined;
    if (principal?.role === 'admin') return;
    const { status, body } = describeError(
      principal
        ? Object.assign(new Error('The queue dashboard is for admin keys'), { statusCode: 403 })
        : Object.assign(new Error('An admin key is required'), { statusCode: 401 }),
    );
    await reply.status(status).header('www-authenticate', 'Basic realm="OCOP connector queues"').send(body);
  });

  await serveDashboard(fastify);

  const openApi = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('OCOP marketplace connector')
      .setDescription(
        'One catalogue for OCOP producers on several marketplaces, and OCOP sales uplift for trade officers. ' +
          'Authenticate with "Authorization: Bearer <api key>".',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, openApi, { jsonDocumentUrl: 'docs-json' });

  return app;
}
