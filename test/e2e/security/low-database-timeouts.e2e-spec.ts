import { createServer, type Server, type Socket } from 'node:net';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { environmentSchema, loadEnvironment } from '../../../config/environment';
import { CommonModule } from '@ocop/common';
import { DatabaseModule } from '@ocop/database';
import { rebuildMetrics } from '../../../apps/cli/src/rebuild-metrics';
import { type RunningApi, startApi } from '../../support/api';
import { dropDatabase, freshDatabase } from '../../support/database';

/**
 * Issue 13, low-severity finding: the PostgreSQL pool had no statement timeout and no connection
 * timeout, so one runaway query or a database that accepts connections and never answers held API
 * connections forever. The metrics rebuild, an operator's long command, sets its own.
 */
describe('low: the PostgreSQL pool has a statement timeout and a connection timeout', () => {
  it('applies DATABASE_STATEMENT_TIMEOUT_MS to every pooled connection (default 30 s)', async () => {
    let api: RunningApi | undefined;
    try {
      api = await startApi();
      const [defaults] = await api.app.get(DataSource).query('SHOW statement_timeout');
      expect(defaults.statement_timeout).toBe('30s');
    } finally {
      await api?.close();
    }
    try {
      api = await startApi({ DATABASE_STATEMENT_TIMEOUT_MS: '300' });
      const dataSource = api.app.get(DataSource);
      // every connection of the pool, not only the first: run several side by side
      const shown = await Promise.all(
        Array.from({ length: 5 }, () =>
          dataSource.query('SELECT current_setting($1) AS v, pg_sleep(0.05)', ['statement_timeout']),
        ),
      );
      expect(shown.map(([row]) => row.v)).toEqual(Array(5).fill('300ms'));
      await expect(dataSource.query('SELECT pg_sleep(5)')).rejects.toMatchObject({ code: '57014' });
      // and the API still answers after a cancelled statement
      expect((await api.call('GET', '/health')).status).toBe(200);
    } finally {
      await api?.close();
    }
  });

  it('gives up connecting after DATABASE_CONNECT_TIMEOUT_MS when the database never answers', async () => {
    // a server that accepts TCP connections and never says a word, like a hung database
    const sockets = new Set<Socket>();
    const silent: Server = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    const env = loadEnvironment(environmentSchema, {
      ...process.env,
      DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/nowhere`,
      DATABASE_CONNECT_TIMEOUT_MS: '300',
    });
    // the API's and the worker's database module on its own: a failed start leaves no Redis client open
    @Module({ imports: [CommonModule.forRoot(env, 'api'), DatabaseModule] })
    class DatabaseOnly {}
    try {
      await expect(
        NestFactory.createApplicationContext(DatabaseOnly, { logger: false, abortOnError: false }),
      ).rejects.toThrow(/timeout/i);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  }, 30_000);

  it('refuses timeout settings that are not whole milliseconds', () => {
    expect(() =>
      loadEnvironment(environmentSchema, { ...process.env, DATABASE_STATEMENT_TIMEOUT_MS: 'soon' }),
    ).toThrow(/DATABASE_STATEMENT_TIMEOUT_MS/);
    expect(() =>
      loadEnvironment(environmentSchema, { ...process.env, DATABASE_CONNECT_TIMEOUT_MS: '-1' }),
    ).toThrow(/DATABASE_CONNECT_TIMEOUT_MS/);
  });

  it('lets the metrics rebuild run past the pool timeout (it waits for its lock here)', async () => {
    const url = (process.env.DATABASE_URL as string).replace(/\/([^/]+)$/, '/$1_timeouts');
    await freshDatabase(url);
    const blocker = new Client({ connectionString: url });
    await blocker.connect();
    try {
      // an order import's transaction writes the roll-ups for a second: the rebuild's LOCK TABLE waits,
      // and the wait counts against statement_timeout
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE sales_product_days IN ROW EXCLUSIVE MODE');
      const released = new Promise<void>((resolve) =>
        setTimeout(() => void blocker.query('COMMIT').then(() => resolve()), 1_000),
      );
      const env = loadEnvironment(environmentSchema, {
        ...process.env,
        DATABASE_URL: url,
        DATABASE_STATEMENT_TIMEOUT_MS: '200',
      });
      const rebuilt = rebuildMetrics(env);
      await released;
      await expect(rebuilt).resolves.toEqual({ productDays: 0, producerDays: 0, producerMonths: 0 });
    } finally {
      await blocker.end();
      await dropDatabase(url);
    }
  });
});
