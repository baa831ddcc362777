import { Client } from 'pg';
import { migrate } from '../../libs/database/src/data-source';

function adminClient(url: string): Client {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  return new Client({ connectionString: admin.toString() });
}

export async function dropDatabase(url: string): Promise<void> {
  const client = adminClient(url);
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${new URL(url).pathname.slice(1)}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** A database of its own for a test run: dropped if left over, created, migrated. */
export async function freshDatabase(url: string): Promise<void> {
  await dropDatabase(url);
  const client = adminClient(url);
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${new URL(url).pathname.slice(1)}"`);
  } finally {
    await client.end();
  }
  await migrate(url);
}
