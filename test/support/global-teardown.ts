import { Client } from 'pg';
import { ownDatabasePrefix } from './own-database-names';

/** Drops the per-file copies of the test database (test/support/own-database.ts). */
export default async function globalTeardown(): Promise<void> {
  await dropOwnDatabases(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/ocop_test');
}

export async function dropOwnDatabases(templateUrl: string): Promise<void> {
  const admin = new URL(templateUrl);
  const prefix = ownDatabasePrefix(admin.pathname.slice(1));
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const rows: { datname: string }[] = (
      await client.query(`SELECT datname FROM pg_database WHERE starts_with(datname, $1)`, [prefix])
    ).rows;
    for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
