import { ArgumentsHost, Catch, ExceptionFilter, Inject } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
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

/**
 * Requests Node's HTTP parser refuses before Fastify sees them (headers or URL over Node's 16 KiB,
 * a malformed request line, a client too slow) get the error shape too, not Fastify's own body.
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'The request line and headers are larger than the server accepts (16 KiB)']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'The request was not received in time']
        : [400, 'The request is not valid HTTP'];
  const { body } = describeError(Object.assign(new Error(message), { statusCode: status }));
  const text = JSON.stringify(body);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
    );
  }
  socket.destroy();
}
