import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** The folder holding package.json: the same whether this runs from the sources or from dist/. */
function projectRoot(): string {
  let folder = __dirname;
  while (!existsSync(join(folder, 'package.json'))) {
    const parent = dirname(folder);
    if (parent === folder) throw new Error('The project folder (with package.json) was not found');
    folder = parent;
  }
  return folder;
}

/**
 * The page may only load its own files and talk to this API: no inline script that an injected
 * product name could become, and no third-party origin that could carry a session away. Product
 * pictures are the producers' own https addresses, so images may come from any https origin.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: https:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "object-src 'none'",
].join('; ');

export const WEB_APP_PATH = '/app/';
/** Where the read-only dashboard was: its links and bookmarks land in the web app. */
const OLD_DASHBOARD = '/dashboard';

/**
 * Serves the web app (apps/web) as `npm run build` leaves it in dist/web: the page, its hashed
 * scripts and stylesheet. These files hold no data and need no sign-in; the page signs in through
 * the API (an httpOnly cookie) and asks /v1 for everything it shows.
 */
export async function serveWebApp(fastify: FastifyInstance): Promise<void> {
  const root = join(projectRoot(), 'dist', 'web');
  if (!existsSync(join(root, 'index.html'))) {
    console.error(`The web app is missing (${root}); run "npm run build"`);
  }
  fastify.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.url.startsWith(WEB_APP_PATH)) return;
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
  });
  fastify.get('/app', async (_request, reply) => reply.redirect(WEB_APP_PATH, 301));
  fastify.get(OLD_DASHBOARD, async (_request, reply) => reply.redirect(WEB_APP_PATH, 301));
  fastify.get(`${OLD_DASHBOARD}/*`, async (_request, reply) => reply.redirect(WEB_APP_PATH, 301));
  await fastify.register(fastifyStatic, {
    root,
    prefix: WEB_APP_PATH,
    index: 'index.html',
    // a page updated by a deploy must not run yesterday's scripts against today's API: the page is
    // always revalidated; its scripts carry a content hash in their names and may be kept
    cacheControl: false,
    etag: true,
    lastModified: true,
    setHeaders: (res, path) => {
      res.header(
        'cache-control',
        path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
}
