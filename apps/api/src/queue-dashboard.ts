import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter as BullBoardAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance, FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiKeysService, Principal } from '@ocop/auth';
import { describeError, Forbidden, Unauthorized } from '@ocop/common';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';

/** The key a request presents: as a Bearer token, or (browsers) as the password of Basic auth. */
function presentedKey(authorization: string | undefined): string | undefined {
  const header = authorization ?? '';
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
  if (bearer) return bearer;
  const basic = /^Basic\s+(\S+)\s*$/i.exec(header)?.[1];
  if (!basic) return undefined;
  const decoded = Buffer.from(basic, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon >= 0 && colon < decoded.length - 1 ? decoded.slice(colon + 1) : undefined;
}

/**
 * Mounts Bull Board (every queue, pause/retry/obliterate included) at /admin/queues for admin keys
 * only. The check is an onRequest hook of the board's own encapsulated Fastify scope, so it runs
 * for every route the router matched in that scope, whichever spelling of the URL (percent-encoded,
 * any case the router accepts) led there; nothing compares the raw URL.
 */
export async function mountQueueDashboard(
  fastify: FastifyInstance,
  queues: Queue[],
  keys: ApiKeysService,
): Promise<void> {
  const board = new BullBoardAdapter();
  createBullBoard({ queues: queues.map((queue) => new BullMQAdapter(queue)), serverAdapter: board });
  board.setBasePath(QUEUE_DASHBOARD_PATH);

  await fastify.register(async (scope) => {
    scope.addHook(
      'onRequest',
      async (request: FastifyRequest & { principal?: Principal }, reply: FastifyReply) => {
        const presented = presentedKey(request.headers.authorization);
        const principal = presented ? await keys.authenticate(presented) : undefined;
        if (principal?.role === 'admin') {
          request.principal = principal;
          return;
        }
        const { status, body } = describeError(
          principal
            ? new Forbidden('The queue dashboard is for admin keys')
            : new Unauthorized('An admin key is required (as a Bearer token, or as the Basic auth password)'),
        );
        return reply
          .status(status)
          .header('www-authenticate', 'Basic realm="OCOP connector queues"')
          .send(body);
      },
    );
    // @bull-board/fastify types its plugin against its own copy of Fastify's types
    await scope.register(board.registerPlugin() as unknown as FastifyPluginCallback, {
      prefix: QUEUE_DASHBOARD_PATH,
    });
  });
}
