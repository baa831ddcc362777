import { ArgumentsHost, Catch, ExceptionFilter, Inject } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { describeError, LOGGER, RateLimited, type Logger } from '@ocop/common';

/** Every failure leaves the API in API.md's error shape; 500s are logged, never explained. */
@Catch()
export class ErrorShapeFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, body, internal } = describeError(error);
    if (internal) this.logger.error({ err: error }, 'request failed');
    if (error instanceof RateLimited) void reply.header('retry-after', String(error.retryAfterSeconds));
    void reply.status(status).send(body);
  }
}
