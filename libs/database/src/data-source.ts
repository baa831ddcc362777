import { Client, types } from 'pg';
import { DataSource, DataSourceOptions } from 'typeorm';
import { migrations } from './migrations';
import { preparingClient, StatementNames } from './prepared-statements';
import { QueryCounter } from './query-counter';

/** Calendar dates stay 'YYYY-MM-DD' strings: a JS Date would shift them by the server's time zone. */
types.setTypeParser(types.builtins.DATE, (value) => value);

/** One counter per process: tests read it to prove a list costs a constant number of queries. */
export const queryCounter = new QueryCounter();

/** One per process: every pool of the process names the same texts alike. */
const statementNames = new StatementNames();

/** How long a statement may run and a connection may take (unset: no limit, as for migrations). */
export interface DatabaseLimits {
  statementTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** connections a process keeps open at most (10 unless told) */
  poolSize?: number;
}

export function dataSourceOptions(
  url: string,
  entities: DataSourceOptions['entities'] = [],
  limits: DatabaseLimits = {},
): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities,
    migrations,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    logger: queryCounter,
    extra: {
      Client: preparingClient(statementNames),
      max: limits.poolSize ?? 10,
      application_name: 'ocop-connector',
      // sent when each connection opens, so it holds for every statement of the pool; 0 is no limit
      statement_timeout: limits.statementTimeoutMs || undefined,
      // node-postgres applies it to opening a connection and to waiting for a free one
      connectionTimeoutMillis: limits.connectTimeoutMs,
    },
  };
}

/** Creates the database named in `url` when it does not exist (the demo's first run). */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}

/** Applies pending migrations; returns the names applied. */
export async function migrate(url: string): Promise<string[]> {
  const dataSource = new DataSource(dataSourceOptions(url));
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await dataSource.destroy();
  }
}
