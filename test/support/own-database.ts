import { createHash } from 'node:crypto';
import { relative } from 'node:path';
import { Client } from 'pg';
import { dropDatabase } from './database';
import { ownDatabasePrefix } from './own-database-names';

/**
 * Every e2e and integration file gets a database and a queue prefix of its own. Jest runs two
 * files at a time, most e2e files with a worker of their own, and a worker's reconcilers take every
 * lagging listing and waiting webhook of the database it reads, another file's included — whose
 * sandbox marketplaces listen on ephemeral ports this file's MARKETPLACE_ORIGINS does not allow, so
 * the worker would (rightly) refuse them and mark their connections. An integration file counts
 * what its imports wrote (ledger rows, roll-ups, queued jobs), which another file's must not reach.
 * The database is a copy of the test database that global-setup migrated, which takes a fraction
 * of a second; global-teardown drops the copies.
 */
const testPath = expect.getState().testPath as string;
const name = relative(`${__dirname}/..`, testPath)
  .replace(/\.(e2e|int)-spec\.ts$/, '')
  .replace(/[^a-z0-9]+/gi, '_')
  .toLowerCase();
// short enough that a suite's own `<database>_<suffix>` stays within PostgreSQL's 63 characters
const tag = `${name.slice(-20)}_${createHash('sha1').update(name).digest('hex').slice(0, 6)}`;

const template = new URL(process.env.DATABASE_URL as string);
const templateName = template.pathname.slice(1);
const own = new URL(template.toString());
own.pathname = `/${ownDatabasePrefix(templateName)}${tag}`;
process.env.DATABASE_URL = own.toString();
process.env.QUEUE_PREFIX = `${(process.env.QUEUE_PREFIX as string).replace(/}$/, '')}-${tag}}`;

beforeAll(async () => {
  await dropDatabase(own.toString());
  const admin = new URL(template.toString());
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await client.query(`CREATE DATABASE "${own.pathname.slice(1)}" TEMPLATE "${templateName}"`);
        return;
      } catch (error) {
        // 55006: another file is copying the template at this very moment
        if ((error as { code?: string }).code !== '55006' || attempt >= 50) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
      }
    }
  } finally {
    await client.end();
  }
}, 60_000);
