import { createServer, Server } from 'node:http';
import { collectDefaultMetrics, register } from 'prom-client';

/**
 * The worker's own Prometheus endpoint: marketplace calls by outcome and job outcomes happen in
 * this process, not in the API's.
 */
export async function startMetricsServer(host: string, port: number): Promise<Server> {
  if (!register.getSingleMetric('process_cpu_user_seconds_total')) collectDefaultMetrics();
  const server = createServer((request, response) => {
    if (request.url !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    register
      .metrics()
      .then((text) => response.writeHead(200, { 'content-type': register.contentType }).end(text))
      .catch(() => response.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return server;
}
