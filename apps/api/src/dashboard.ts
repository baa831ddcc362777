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
 * product name could become, and no third-party origin that could carry a key away.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

export const DASHBOARD_PATH = '/dashboard/';

/**
 * Serves the officers' dashboard: the page and its stylesheet (apps/dashboard/public), its scripts
 * as `npm run build` compiles them (dist/dashboard), and Chart.js's browser build from
 * node_modules. These files hold no data and need no key; the page asks for one and sends it only
 * in the Authorization header of its /v1 calls.
 */
export async function serveDashboard(fastify: FastifyInstance): Promise<void> {
  const root = projectRoot();
  const scripts = join(root, 'dist', 'dashboard');
  if (!existsSync(scripts)) {
    console.error(`The dashboard's scripts are missing (${scripts}); run "npm run build"`);
  }
  fastify.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.url.startsWith(DASHBOARD_PATH)) return;
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-content-type-options', 'nosniff');
  });
  fastify.get('/dashboard', async (_request, reply) => reply.redirect(DASHBOARD_PATH, 301));
  await fastify.register(fastifyStatic, {
    root: [join(root, 'apps', 'dashboard', 'public'), scripts],
    prefix: DASHBOARD_PATH,
    index: 'index.html',
    // a page updated by a deploy must not run yesterday's scripts against today's API
    cacheControl: false,
    etag: true,
    lastModified: true,
  });
  // "chart.js" resolves to dist/chart.cjs; its browser build sits beside it, outside the package's exports
  const chartJs = dirname(require.resolve('chart.js'));
  await fastify.register(fastifyStatic, {
    root: chartJs,
    prefix: `${DASHBOARD_PATH}vendor/`,
    decorateReply: false,
    allowedPath: (path) => path === '/chart.umd.min.js',
    maxAge: '1d',
  });
}
